package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/audit"
)

func TestCSVDefusesFormulas(t *testing.T) {
	at := time.Date(2026, time.November, 26, 8, 0, 0, 0, time.UTC)
	evs := []audit.Event{
		{Seq: 1, At: at, User: `=HYPERLINK("http://x","y")`, Role: "+1+1", Action: "-2", PatientID: "@SUM(1)",
			Object: "\tx", Outcome: "\rok", RequestID: "\ny", IP: "10.0.0.1", Prev: audit.Genesis, Hash: "ab"},
		{Seq: 2, At: at, User: "nurse1", Role: "nurse", Action: "patient.read", PatientID: "p1", Object: "a=b",
			Outcome: "ok", IP: "::1"},
	}
	var buf bytes.Buffer
	require.NoError(t, audit.CSV(&buf, evs))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, audit.CSVHeader, rows[0])
	assert.Equal(t, []string{"1", "2026-11-26T08:00:00.000Z", `'=HYPERLINK("http://x","y")`, "'+1+1", "'-2",
		"'@SUM(1)", "'\tx", "'\rok", "'\ny", "10.0.0.1", audit.Genesis, "ab"}, rows[1])
	assert.Equal(t, []string{"2", "2026-11-26T08:00:00.000Z", "nurse1", "nurse", "patient.read", "p1", "a=b",
		"ok", "", "::1", "", ""}, rows[2], "only a leading formula character is defused")
}

// The whole way: a user name typed at the login form, stored, searched and exported.
func TestCSVOfAStoredHostileUserName(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	for _, u := range []string{"=cmd|' /C calc'!A0", "@SUM(1+1)"} {
		_, err := l.Append(ctx, audit.Entry{User: u, Action: audit.ActionLoginFail, Outcome: audit.Failed})
		require.NoError(t, err)
	}
	r, err := l.Search(ctx, audit.Filter{Action: audit.ActionLoginFail}, 10)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, audit.CSV(&buf, r.Events))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, "'@SUM(1+1)", rows[1][2])
	assert.Equal(t, "'=cmd|' /C calc'!A0", rows[2][2])
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" {
				assert.NotContains(t, "=+-@\t\r\n", cell[:1], "cell %q", cell)
			}
		}
	}
}
