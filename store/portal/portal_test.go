package portal_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/identity"
	"hms/store/patients"
	"hms/store/portal"
	"hms/store/secret"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

type env struct {
	db    *store.DB
	s     *portal.Store
	users *identity.Users
	clock *clock
	a, b  patients.Patient
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	box, err := secret.New([]byte("hms-portal-tests-key-0123456789a"))
	require.NoError(t, err)
	pats := patients.New(db, box, nil)
	_, err = pats.Load(ctx)
	require.NoError(t, err)
	e := &env{db: db, users: identity.NewUsers(db), clock: &clock{t: time.Now()}}
	reg := func(given, family, dob string) patients.Patient {
		d, err := time.Parse(time.DateOnly, dob)
		require.NoError(t, err)
		p, err := pats.Register(ctx, patients.Registration{Demographics: patients.Demographics{Given: given, Family: family,
			Sex: "F", DOB: d, Phone: "98450" + dob[:4] + "1"}}, "test")
		require.NoError(t, err)
		return p
	}
	e.a, e.b = reg("Asha", "Rao", "1980-02-03"), reg("Bina", "Shetty", "1991-07-08")
	e.s = portal.New(db, portal.Options{Patients: pats, Users: e.users, Now: e.clock.Now})
	return e
}

func (e *env) activation(p patients.Patient, code, username string) portal.Activation {
	return portal.Activation{Code: code, MRN: p.MRN, DOB: p.DOB, Username: username, Password: "a long portal password", IP: "192.0.2.7"}
}

func TestCodeIsSingleUseExpiresAndIsReplacedByANewOne(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.s.IssueCode(ctx, e.a.ID, " ", "desk")
	assert.ErrorIs(t, err, store.ErrInvalid, "the identity check is required")

	first, err := e.s.IssueCode(ctx, e.a.ID, "Passport", "desk")
	require.NoError(t, err)
	assert.WithinDuration(t, e.clock.Now().Add(portal.CodeTTL), first.ExpiresAt, time.Second)
	e.clock.Add(portal.CodeTTL + time.Second)
	_, err = e.s.Activate(ctx, e.activation(e.a, first.Code, "asha"))
	assert.ErrorIs(t, err, portal.ErrCodeExpired)

	second, err := e.s.IssueCode(ctx, e.a.ID, "Passport", "desk")
	require.NoError(t, err)
	_, err = e.s.Activate(ctx, e.activation(e.a, first.Code, "asha"))
	assert.ErrorIs(t, err, portal.ErrNoMatch, "the older code was revoked")
	wrongDOB := e.activation(e.a, second.Code, "asha")
	wrongDOB.DOB = e.b.DOB
	_, err = e.s.Activate(ctx, wrongDOB)
	assert.ErrorIs(t, err, portal.ErrNoMatch)
	_, err = e.s.Activate(ctx, e.activation(e.b, second.Code, "asha"))
	assert.ErrorIs(t, err, portal.ErrNoMatch, "A's code does not open B's record")

	u, err := e.s.Activate(ctx, e.activation(e.a, second.Code, "asha"))
	require.NoError(t, err)
	assert.Equal(t, e.a.ID, u.PatientID)
	assert.Equal(t, []string{"patient"}, u.Roles)
	name, err := e.s.Account(ctx, e.a.ID)
	require.NoError(t, err)
	assert.Equal(t, "asha", name)

	_, err = e.s.Activate(ctx, e.activation(e.a, second.Code, "asha2"))
	assert.ErrorIs(t, err, portal.ErrCodeUsed)
	_, err = e.s.IssueCode(ctx, e.a.ID, "Passport", "desk")
	assert.ErrorIs(t, err, portal.ErrHasAccount, "one account per record")
}

func TestActivationLocksAfterFailuresAndUnlocksLater(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	code, err := e.s.IssueCode(ctx, e.a.ID, "Aadhaar", "desk")
	require.NoError(t, err)
	for range identity.MaxFailures {
		_, err := e.s.Activate(ctx, e.activation(e.a, "AAAAA-BBBBB", "asha"))
		require.ErrorIs(t, err, portal.ErrNoMatch)
	}
	_, err = e.s.Activate(ctx, e.activation(e.a, code.Code, "asha"))
	assert.ErrorIs(t, err, portal.ErrLocked, "the right code during the lock is refused too")
	e.clock.Add(identity.LockFor + time.Second)
	_, err = e.s.Activate(ctx, e.activation(e.a, code.Code, "asha"))
	assert.NoError(t, err, "the lock runs out")
}

func TestConcurrentActivationsOfOneCodeMakeOneAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	code, err := e.s.IssueCode(ctx, e.a.ID, "Passport", "desk")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := 0
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.s.Activate(ctx, e.activation(e.a, code.Code, "user"+string(rune('a'+i))))
			if err == nil {
				mu.Lock()
				made++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, made)
	all, err := e.users.List(ctx)
	require.NoError(t, err)
	n := 0
	for _, u := range all {
		if u.PatientID == e.a.ID {
			n++
		}
	}
	assert.Equal(t, 1, n, "one portal account for the record")
}

// TestReadsAreBoundToThePatient puts B's visit, invoice and appointment in the database
// and asks for each as A: nothing comes back, and nothing is changed.
func TestReadsAreBoundToThePatient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for coll, id := range map[string]string{store.CollVisits: "V0000009", store.CollInvoices: "INV-0000009", store.CollAppointments: "A0000009"} {
		_, err := e.db.W.Collection(coll).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "patient_id", Value: e.b.ID},
			{Key: "status", Value: "booked"}, {Key: "start", Value: e.clock.Now().Add(48 * time.Hour)}})
		require.NoError(t, err)
	}
	_, err := e.s.Visit(ctx, e.a.ID, "V0000009")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.Invoice(ctx, e.a.ID, "INV-0000009")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.CancelAppointment(ctx, e.a.ID, "A0000009", "asha")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.Visit(ctx, "", "V0000009")
	assert.ErrorIs(t, err, store.ErrNotFound, "no patient in the session: nothing")

	v, err := e.s.Visit(ctx, e.b.ID, "V0000009")
	require.NoError(t, err, "B's own visit reads")
	assert.Equal(t, "V0000009", v.ID)
	list, err := e.s.Appointments(ctx, e.a.ID)
	require.NoError(t, err)
	assert.Empty(t, list, "A's list holds none of B's")
	var ap struct {
		Status string `bson:"status"`
	}
	require.NoError(t, e.db.R.Collection(store.CollAppointments).FindOne(ctx, bson.D{{Key: "_id", Value: "A0000009"}}).Decode(&ap))
	assert.Equal(t, "booked", ap.Status)
}

func TestNoCodeForADuplicateRecord(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	box, err := secret.New([]byte("hms-portal-tests-key-0123456789a"))
	require.NoError(t, err)
	pats := patients.New(e.db, box, nil)
	_, err = pats.Load(ctx)
	require.NoError(t, err)
	_, err = pats.MarkDuplicate(ctx, e.b.ID, e.a.MRN, "registered twice", "desk")
	require.NoError(t, err)
	_, err = e.s.IssueCode(ctx, e.b.ID, "Passport", "desk")
	assert.ErrorIs(t, err, store.ErrInvalid)
	assert.ErrorContains(t, err, e.a.MRN, "the clerk is sent to the surviving record")
}
