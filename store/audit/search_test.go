package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/audit"
)

// trail is a small day at the hospital, one event a minute from 08:00 UTC on 2026-11-26.
func trail(t *testing.T) *audit.Log {
	l, _ := newLog(t)
	c := &clock{t: time.Date(2026, time.November, 26, 8, 0, 0, 0, time.UTC)}
	l.SetClock(c.now)
	for _, in := range []audit.Entry{
		{User: "clerk", Role: "front_desk", Action: audit.ActionLoginOK, Outcome: audit.OK}, // 1 08:00
		{User: "mallory", Role: "", Action: audit.ActionLoginFail, Outcome: audit.Failed},   // 2 08:01
		read("p1"), // 3 08:02
		{User: "drsmith", Role: "doctor", Action: audit.ActionPatientUpdate, PatientID: "p1", Outcome: audit.OK}, // 4 08:03
		read("p2"), // 5 08:04
		{User: "porter", Role: "porter", Action: audit.ActionAccessDenied, PatientID: "p2", Outcome: audit.Denied}, // 6 08:05
		{User: "drsmith", Role: "doctor", Action: audit.ActionPatientRead, PatientID: "p2", Outcome: audit.OK},     // 7 08:06
		{User: "clerk", Role: "front_desk", Action: audit.ActionLogout, Outcome: audit.OK},                         // 8 08:07
	} {
		_, err := l.Append(context.Background(), in)
		require.NoError(t, err)
		c.t = c.t.Add(time.Minute)
	}
	return l
}

func seqs(r audit.Result) []int64 {
	out := []int64{}
	for _, e := range r.Events {
		out = append(out, e.Seq)
	}
	return out
}

func TestSearchFilters(t *testing.T) {
	l := trail(t)
	at := func(min int) time.Time { return time.Date(2026, time.November, 26, 8, min, 0, 0, time.UTC) }
	for name, tc := range map[string]struct {
		f    audit.Filter
		want []int64
	}{
		"everything":             {audit.Filter{}, []int64{8, 7, 6, 5, 4, 3, 2, 1}},
		"by user":                {audit.Filter{User: "drsmith"}, []int64{7, 4}},
		"by action":              {audit.Filter{Action: audit.ActionPatientRead}, []int64{7, 5, 3}},
		"by action family":       {audit.Filter{Action: "login."}, []int64{2, 1}},
		"a family needs the dot": {audit.Filter{Action: "login"}, []int64{}},
		"by outcome":             {audit.Filter{Outcome: audit.Denied}, []int64{6}},
		"from is inclusive":      {audit.Filter{From: at(6)}, []int64{8, 7}},
		"to is exclusive":        {audit.Filter{To: at(2)}, []int64{2, 1}},
		"window":                 {audit.Filter{From: at(3), To: at(5)}, []int64{5, 4}},
		"user and action":        {audit.Filter{User: "drsmith", Action: audit.ActionPatientUpdate}, []int64{4}},
		"patient":                {audit.Filter{PatientID: "p2"}, []int64{7, 6, 5}},
		"patient and user":       {audit.Filter{PatientID: "p2", User: "nurse1"}, []int64{5}},
		"patient and time":       {audit.Filter{PatientID: "p1", From: at(3), To: at(4)}, []int64{4}},
		"patient never seen":     {audit.Filter{PatientID: "p9"}, []int64{}},
	} {
		for mode, in := range fetchModes {
			l.UseBatchIn(in)
			r, err := l.Search(context.Background(), tc.f, 50)
			require.NoError(t, err, name)
			assert.Equal(t, tc.want, seqs(r), "%s (%s)", name, mode)
			assert.False(t, r.More, "%s (%s)", name, mode)
		}
	}
}

func TestSearchLimitSetsMore(t *testing.T) {
	l := trail(t)
	for _, f := range []audit.Filter{{}, {PatientID: "p2"}} {
		r, err := l.Search(context.Background(), f, 2)
		require.NoError(t, err)
		assert.Len(t, r.Events, 2)
		assert.True(t, r.More)
	}
}

func TestSearchScansABoundedWindow(t *testing.T) {
	l := trail(t)
	l.SetScanWindow(3)
	for mode, in := range fetchModes {
		l.UseBatchIn(in)
		r, err := l.Search(context.Background(), audit.Filter{User: "clerk"}, 50)
		require.NoError(t, err)
		assert.Equal(t, []int64{8}, seqs(r), "only the newest three are examined (%s)", mode)
		assert.True(t, r.More, "older events were not examined (%s)", mode)
		assert.Equal(t, 3, r.Scanned)

		r, err = l.Search(context.Background(), audit.Filter{User: "clerk",
			From: time.Date(2026, time.November, 26, 9, 0, 0, 0, time.UTC)}, 50)
		require.NoError(t, err)
		assert.Empty(t, r.Events)
		assert.False(t, r.More, "the window reaches back past From (%s)", mode)
	}
}

func TestSearchFromPatientMonthsCarriesTheAddress(t *testing.T) {
	l := trail(t)
	r, err := l.Search(context.Background(), audit.Filter{PatientID: "p1", User: "nurse1"}, 10)
	require.NoError(t, err)
	require.Len(t, r.Events, 1)
	e := r.Events[0]
	assert.Equal(t, "p1", e.PatientID)
	assert.Equal(t, "10.0.0.7", e.IP)
	assert.Equal(t, "chart:overview", e.Object)
	full, err := l.Get(context.Background(), e.Seq)
	require.NoError(t, err)
	assert.Equal(t, "req-1", full.RequestID)

	_, err = l.Search(context.Background(), audit.Filter{PatientID: "p1 or 1=1"}, 10)
	assert.ErrorIs(t, err, store.ErrInvalid)
}
