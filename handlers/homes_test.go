package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/handlers"
	"hms/store"
)

var pollVersionRE = regexp.MustCompile(`{&#34;v&#34;:&#34;([0-9a-f]+)&#34;}`)

// The ward board's poll costs nothing when nothing changed, and shows a change at once.
func TestWardBoardPollAnswers204UntilABedChanges(t *testing.T) {
	e := newEnv(t)
	nurse := e.as(handlers.RoleNurse)
	status, body, _ := nurse.get("/ward/W1")
	require.Equal(t, http.StatusOK, status)
	m := pollVersionRE.FindStringSubmatch(body)
	require.NotNil(t, m, "the board carries its version for the poll")
	poll := "/ward/W1?v=" + m[1]

	status, body, _ = nurse.get(poll, "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, body)

	_, err := e.db.W.Collection(store.CollBeds).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "W1-3"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "cleaning"}}}})
	require.NoError(t, err)
	status, body, _ = nurse.get(poll, "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="bed-3" data-state="cleaning"`)
	assert.NotContains(t, body, "<html", "the poll gets the fragment only")
}

func TestUnknownOrMalformedWardIs404(t *testing.T) {
	e := newEnv(t)
	nurse := e.as(handlers.RoleNurse)
	for _, code := range []string{"W99", "W1$ne", "..%2f", "a-very-long-ward-code-indeed"} {
		status, _, _ := nurse.get("/ward/" + code)
		assert.Equal(t, http.StatusNotFound, status, code)
	}
}

func TestEveryRoleHomeShowsRealData(t *testing.T) {
	e := newEnv(t)
	cases := map[handlers.Role]struct{ path, want string }{
		handlers.RoleFrontDesk:     {"/patients", "₹100.00"},        // registration fee from the price list
		handlers.RoleAdmissionDesk: {"/admissions", "Medical Ward"}, // wards of the demo hospital
		handlers.RoleDoctor:        {"/opd", "Today's OPD queue"},   // the doctor's queue
		handlers.RoleLabTech:       {"/lab", "Lab worklist"},        // open lab orders
		handlers.RolePharmacist:    {"/pharmacy", "Dispense queue"}, // the dispense queue (the formulary moved to /pharmacy/formulary)
		handlers.RoleBillingClerk:  {"/billing", "Accounts with unbilled charges"},
		handlers.RoleCompliance:    {"/compliance", "Test Compliance"},  // the viewer's own session
		handlers.RoleDisplay:       {"/display", "Intensive Care Unit"}, // bed availability
	}
	for role, tc := range cases {
		status, body, _ := e.as(role).get(tc.path)
		assert.Equal(t, http.StatusOK, status, role)
		assert.Contains(t, body, tc.want, role)
	}
}
