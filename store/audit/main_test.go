package audit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/audit"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// newLog returns an audit log over a fresh database, and that database.
func newLog(t testing.TB) (*audit.Log, *store.DB) {
	t.Helper()
	db := storetest.DB(t)
	return audit.New(db, nil), db
}

// read is a chart view by a nurse of patient pid.
func read(pid string) audit.Entry {
	return audit.Entry{User: "nurse1", Role: "nurse", Action: audit.ActionPatientRead, PatientID: pid,
		Object: "chart:overview", Outcome: audit.OK, RequestID: "req-1", IP: "10.0.0.7"}
}

func appendN(t testing.TB, l *audit.Log, n int, in audit.Entry) []audit.Event {
	t.Helper()
	out := make([]audit.Event, 0, n)
	for range n {
		e, err := l.Append(context.Background(), in)
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// rawEvent reads event seq as stored.
func rawEvent(t testing.TB, db *store.DB, seq int64) bson.M {
	t.Helper()
	var m bson.M
	require.NoError(t, db.R.Collection(store.CollAudit).FindOne(context.Background(),
		bson.D{{Key: "_id", Value: audit.Key(seq)}}).Decode(&m))
	return m
}

// setEventField changes one field of a stored event, as a DBA with write access could.
func setEventField(t testing.TB, db *store.DB, seq int64, field string, v any) {
	t.Helper()
	res, err := db.W.Collection(store.CollAudit).UpdateOne(context.Background(),
		bson.D{{Key: "_id", Value: audit.Key(seq)}}, bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: v}}}})
	require.NoError(t, err)
	require.Equal(t, int64(1), res.MatchedCount)
}

func deleteEvent(t testing.TB, db *store.DB, seq int64) {
	t.Helper()
	res, err := db.W.Collection(store.CollAudit).DeleteOne(context.Background(), bson.D{{Key: "_id", Value: audit.Key(seq)}})
	require.NoError(t, err)
	require.Equal(t, int64(1), res.DeletedCount)
}

// clock is a settable time for tests that cross months.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func pid(i int) string { return fmt.Sprintf("p%023d", i) }
