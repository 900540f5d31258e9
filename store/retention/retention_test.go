package retention_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/retention"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestSettingsRefuseAnAuditPeriodUnderSixYears(t *testing.T) {
	s := retention.New(storetest.DB(t))
	ctx := t.Context()
	got, err := s.Settings(ctx)
	require.NoError(t, err)
	assert.Equal(t, retention.Defaults, got, "defaults until saved")

	bad := retention.Defaults
	bad.AuditYears, bad.QueueDays = 5, 0
	_, err = s.Save(ctx, bad, "admin")
	require.ErrorIs(t, err, store.ErrInvalid)
	var fe retention.FieldErrors
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, fe["audit_years"], "at least 6 years")
	assert.Contains(t, fe["queue_days"], "Between 1 and 3650")
	got, _ = s.Settings(ctx)
	assert.Equal(t, retention.Defaults, got, "nothing stored")

	good := retention.Defaults
	good.AuditYears, good.SessionDays = 7, 10
	_, err = s.Save(ctx, good, "admin")
	require.NoError(t, err)
	got, _ = s.Settings(ctx)
	assert.Equal(t, 7, got.AuditYears)
	assert.Equal(t, 10, got.SessionDays)
	assert.Equal(t, "admin", got.UpdatedBy)
}

func TestPurgeDryRunReportsAndTheRealRunDeletesOnlyWhatIsPastRetention(t *testing.T) {
	db := storetest.DB(t)
	ctx := t.Context()
	s := retention.New(db)
	now := time.Now().UTC()
	day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	ins := func(coll string, docs ...bson.D) {
		for _, d := range docs {
			_, err := db.W.Collection(coll).InsertOne(ctx, d)
			require.NoError(t, err)
		}
	}
	ins(store.CollSessions,
		bson.D{{Key: "_id", Value: "s-old1"}, {Key: "user_id", Value: "u"}, {Key: "expires_at", Value: day(45)}},
		bson.D{{Key: "_id", Value: "s-old2"}, {Key: "user_id", Value: "u"}, {Key: "expires_at", Value: day(31)}},
		bson.D{{Key: "_id", Value: "s-new"}, {Key: "user_id", Value: "u"}, {Key: "expires_at", Value: day(2)}})
	ins(store.CollLoginAttempts,
		bson.D{{Key: "_id", Value: "old"}, {Key: "failures", Value: 2}, {Key: "last_at", Value: day(40)}, {Key: "locked_until", Value: day(40)}},
		bson.D{{Key: "_id", Value: "new"}, {Key: "failures", Value: 1}, {Key: "last_at", Value: day(1)}, {Key: "locked_until", Value: time.Time{}}})
	ins(store.CollQueues,
		bson.D{{Key: "_id", Value: "queue:old:dr"}, {Key: "date", Value: day(120).Format(time.DateOnly)}},
		bson.D{{Key: "_id", Value: "queue:mid:dr"}, {Key: "date", Value: day(91).Format(time.DateOnly)}},
		bson.D{{Key: "_id", Value: "queue:new:dr"}, {Key: "date", Value: day(10).Format(time.DateOnly)}})

	counts := func(rep retention.Report) map[string]int64 {
		out := map[string]int64{}
		for _, c := range rep.Classes {
			out[c.Class] = c.Count
		}
		return out
	}
	want := map[string]int64{"Session records": 2, "Failed-login counters": 1, "Closed OPD queue boards": 2, "Audit trail": 0}
	dry, err := s.Purge(ctx, true, "admin")
	require.NoError(t, err)
	assert.Equal(t, want, counts(dry))
	assert.WithinDuration(t, day(45), dry.Classes[0].Oldest, time.Second, "the oldest session")
	assert.Equal(t, day(120).Format(time.DateOnly), dry.Classes[2].Oldest.Format(time.DateOnly))
	assert.Contains(t, dry.Classes[3].Note, "never purged")
	for _, coll := range []string{store.CollSessions, store.CollLoginAttempts, store.CollQueues} {
		n, err := db.R.Collection(coll).EstimatedDocumentCount(ctx)
		require.NoError(t, err)
		assert.NotZero(t, n)
	}
	_, ran, err := s.LastRun(ctx)
	require.NoError(t, err)
	assert.False(t, ran, "a dry run is not recorded as a purge")

	rep, err := s.Purge(ctx, false, "admin")
	require.NoError(t, err)
	assert.Equal(t, want, counts(rep))
	left := func(coll string) []string {
		var ids []string
		for _, id := range []string{"s-old1", "s-old2", "s-new", "old", "new", "queue:old:dr", "queue:mid:dr", "queue:new:dr"} {
			if db.R.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err() == nil {
				ids = append(ids, id)
			}
		}
		return ids
	}
	assert.Equal(t, []string{"s-new"}, left(store.CollSessions))
	assert.Equal(t, []string{"new"}, left(store.CollLoginAttempts))
	assert.Equal(t, []string{"queue:new:dr"}, left(store.CollQueues))
	assert.Equal(t, int64(2), rep.Classes[0].Deleted)
	last, ran, err := s.LastRun(ctx)
	require.NoError(t, err)
	require.True(t, ran)
	assert.Equal(t, int64(2), last.Classes[2].Deleted)

	again, err := s.Purge(ctx, true, "admin")
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"Session records": 0, "Failed-login counters": 0, "Closed OPD queue boards": 0, "Audit trail": 0}, counts(again))
}
