package metrics_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"hms/metrics"
)

func raw(t *testing.T, d bson.D) bson.Raw {
	b, err := bson.Marshal(d)
	require.NoError(t, err)
	return b
}

func TestDescribeHidesValuesAndKeepsTheShape(t *testing.T) {
	cases := []struct {
		name, command string
		cmd           bson.D
		coll, shape   string
	}{
		{"find by id", "find", bson.D{{Key: "find", Value: "patients"}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "Rajesh Sharma"}}}},
			"patients", "{_id: ?}"},
		{"operators kept, keys sorted", "find", bson.D{{Key: "find", Value: "sessions"}, {Key: "filter", Value: bson.D{
			{Key: "user_id", Value: "u1"}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: 5}}}}}},
			"sessions", "{expires_at: {$gt: ?}, user_id: ?}"},
		{"update", "update", bson.D{{Key: "update", Value: "charges"}, {Key: "updates", Value: bson.A{
			bson.D{{Key: "q", Value: bson.D{{Key: "_id", Value: "x"}, {Key: "status", Value: "unbilled"}}}}}}},
			"charges", "{_id: ?, status: ?}"},
		{"a literal sub-document is a value", "find", bson.D{{Key: "find", Value: "p"}, {Key: "filter", Value: bson.D{
			{Key: "name", Value: bson.D{{Key: "first", Value: "Asha"}}}}}}, "p", "{name: ?}"},
		{"or", "find", bson.D{{Key: "find", Value: "p"}, {Key: "filter", Value: bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "a", Value: 1}}, bson.D{{Key: "b", Value: 2}}}}}}}, "p", "{$or: [{a: ?}, {b: ?}]}"},
		{"insert has no filter", "insert", bson.D{{Key: "insert", Value: "audit"}}, "audit", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			coll, shape := metrics.Describe(c.command, raw(t, c.cmd))
			require.Equal(t, c.coll, coll)
			require.Equal(t, c.shape, shape)
		})
	}
}

func TestSlowCommandsAreLoggedWithTheirShapeOnly(t *testing.T) {
	var buf bytes.Buffer
	m := metrics.New(50*time.Millisecond, slog.New(slog.NewTextHandler(&buf, nil)))
	mon := m.CommandMonitor()
	cmd := raw(t, bson.D{{Key: "find", Value: "patients"}, {Key: "filter", Value: bson.D{{Key: "phone", Value: "9876543210"}}}})
	mon.Started(context.Background(), &event.CommandStartedEvent{CommandName: "find", Command: cmd, RequestID: 1})
	mon.Succeeded(context.Background(), &event.CommandSucceededEvent{CommandFinishedEvent: event.CommandFinishedEvent{
		CommandName: "find", RequestID: 1, Duration: 80 * time.Millisecond}})
	mon.Started(context.Background(), &event.CommandStartedEvent{CommandName: "find", Command: cmd, RequestID: 2})
	mon.Succeeded(context.Background(), &event.CommandSucceededEvent{CommandFinishedEvent: event.CommandFinishedEvent{
		CommandName: "find", RequestID: 2, Duration: 10 * time.Millisecond}})
	out := buf.String()
	require.Equal(t, 1, strings.Count(out, "slow database command"), "only the slow one: %s", out)
	require.Contains(t, out, "collection=patients")
	require.Contains(t, out, `filter_shape="{phone: ?}"`)
	require.NotContains(t, out, "9876543210")
}
