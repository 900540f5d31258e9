package patients_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// testKey is the master key of every store in these tests (32 bytes).
var testKey = []byte("hms-patients-test-key-0123456789")

func newBox(t testing.TB) *secret.Box {
	t.Helper()
	box, err := secret.New(testKey)
	require.NoError(t, err)
	return box
}

// newStore returns a loaded patient store over a fresh database, and that database.
func newStore(t testing.TB) (*patients.Store, *store.DB) {
	t.Helper()
	db := storetest.DB(t)
	return openStore(t, db), db
}

// openStore is what a (re)started process does: a new Store over db, then Load.
func openStore(t testing.TB, db *store.DB) *patients.Store {
	t.Helper()
	s := patients.New(db, newBox(t), nil)
	_, err := s.Load(t.Context())
	require.NoError(t, err)
	return s
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// person is what the front desk types for a walk-in with no ID, phone or allergy info.
func person(given, family string) patients.Registration {
	return patients.Registration{Demographics: patients.Demographics{
		Given: given, Family: family, Sex: "M", DOB: date(1980, time.March, 14)}}
}

func register(t *testing.T, s *patients.Store, r patients.Registration) patients.Patient {
	t.Helper()
	p, err := s.Register(t.Context(), r, "frontdesk")
	require.NoError(t, err)
	require.NotEmpty(t, p.MRN)
	return p
}

// names returns the names of the hits, in order.
func names(res patients.SearchResult) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.Name)
	}
	return out
}
