package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/opd"
	"hms/store/portal"
)

// portalUser is a demo patient with a portal account and one of everything the portal
// shows: a future appointment, a visit, an invoice, a verified and a preliminary result.
type portalUser struct {
	id, name, mrn, dob, username string
	appt, visit, invoice         string
	c                            *client
}

const portalPassword = "a long portal password for tests"

// bookable is the first free slot of the demo doctor from tomorrow on.
func (e *env) bookable() time.Time {
	e.t.Helper()
	ctx := context.Background()
	for d := 1; d < 14; d++ {
		date := time.Now().AddDate(0, 0, d).In(e.app.OPD.Location()).Format(opd.DateLayout)
		slots, err := e.app.OPD.FreeSlots(ctx, "doctor", date)
		require.NoError(e.t, err)
		for _, s := range slots {
			if !s.Taken && !s.Past {
				return s.Start
			}
		}
	}
	e.t.Fatal("the demo doctor has no free slot in two weeks")
	return time.Time{}
}

// newPortalUser gives the demo patient name the records above and a signed-in portal client.
func (e *env) newPortalUser(name, username string) portalUser {
	e.t.Helper()
	ctx := context.Background()
	id := e.patientID(name)
	p, err := e.pats.ByID(ctx, id)
	require.NoError(e.t, err)
	u := portalUser{id: id, name: p.Name(), mrn: p.MRN, dob: p.DOB.Format(time.DateOnly), username: username}

	a, err := e.app.OPD.Book(ctx, opd.Booking{PatientID: id, Doctor: "doctor", Start: e.bookable(), Reason: "check-up"}, "t.frontdesk")
	require.NoError(e.t, err)
	u.appt = a.ID
	v := e.consultCheckIn(name)
	u.visit = v.ID
	e.charges(name, v.ID)
	inv, err := e.deps.Billing.Invoices.Create(ctx, billing.Draft{PatientID: id,
		ChargeIDs: []string{"visit:" + v.ID + ":consult", "lab:" + v.ID + "-L1"}, By: "t.billingclerk"})
	require.NoError(e.t, err)
	u.invoice = inv.ID
	_, err = e.db.W.Collection(store.CollLabByPatient).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: int64(1)},
		{Key: "items", Value: bson.A{
			bson.D{{Key: "order_id", Value: v.ID + "-L1"}, {Key: "code", Value: "HB"}, {Key: "name", Value: "Haemoglobin"},
				{Key: "value", Value: "13.1"}, {Key: "unit", Value: "g/dL"}, {Key: "range", Value: "12–16"}, {Key: "status", Value: "verified"},
				{Key: "released", Value: time.Now().UTC()}},
			bson.D{{Key: "order_id", Value: v.ID + "-L2"}, {Key: "code", Value: "GLU-F"}, {Key: "name", Value: "Glucose, fasting"},
				{Key: "value", Value: "250"}, {Key: "unit", Value: "mg/dL"}, {Key: "status", Value: "preliminary"},
				{Key: "released", Value: time.Now().UTC()}},
		}}})
	require.NoError(e.t, err)

	code, err := e.app.Portal.IssueCode(ctx, id, "Passport", "t.frontdesk")
	require.NoError(e.t, err)
	_, err = e.app.Portal.Activate(ctx, portal.Activation{Code: code.Code, MRN: u.mrn, DOB: p.DOB, Username: username,
		Password: portalPassword, IP: "192.0.2.1"})
	require.NoError(e.t, err)
	u.c = e.client()
	require.Equal(e.t, "/portal", u.c.login(username, portalPassword))
	return u
}

var portalCodeRE = regexp.MustCompile(`data-testid="portal-code">([A-Z0-9]{5}-[A-Z0-9]{5})<`)

// issueCode has the front desk print a code for patient id through the chart's page.
func issueCode(e *env, desk *client, id string) string {
	e.t.Helper()
	status, _, _ := desk.get("/patients/" + id + "/portal")
	require.Equal(e.t, http.StatusOK, status)
	status, body, _ := desk.post("/patients/"+id+"/portal", url.Values{"id_kind": {"Passport"}, "confirm": {"yes"}})
	require.Equal(e.t, http.StatusOK, status, body)
	m := portalCodeRE.FindStringSubmatch(body)
	require.NotNil(e.t, m, "the slip shows the code")
	return m[1]
}
