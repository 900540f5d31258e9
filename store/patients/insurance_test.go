package patients_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/patients"
)

func starPolicy() patients.Policy {
	return patients.Policy{PayerCode: "STAR", PayerName: "Star Health", PlanCode: "FHO", PlanName: "Family Health Optima",
		MemberNumber: "SH-2026-0042", ValidFrom: date(2026, 4, 1), ValidTo: date(2027, 3, 31), Rank: "primary"}
}

func TestAPolicyIsAddedAndEndedButNeverDeleted(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	p := register(t, s, person("Vandana", "Hegde"))

	bad := map[string]func(*patients.Policy){
		"ends before it starts": func(p *patients.Policy) { p.ValidTo = p.ValidFrom.AddDate(0, 0, -1) },
		"no start date":         func(p *patients.Policy) { p.ValidFrom = time.Time{} },
		"no member number":      func(p *patients.Policy) { p.MemberNumber = "  " },
		"no payer":              func(p *patients.Policy) { p.PayerCode = "" },
		"unknown rank":          func(p *patients.Policy) { p.Rank = "tertiary" },
	}
	for name, spoil := range bad {
		pol := starPolicy()
		spoil(&pol)
		_, err := s.AddPolicy(ctx, p.ID, pol, "desk-1")
		assert.ErrorIs(t, err, store.ErrInvalid, name)
	}
	stored, err := s.ByID(ctx, p.ID)
	require.NoError(t, err)
	assert.Empty(t, stored.Policies, "no refused policy was stored")

	open := starPolicy()
	open.ValidTo = time.Time{} // open-ended is allowed
	open.Rank = "secondary"
	_, err = s.AddPolicy(ctx, p.ID, open, "desk-1")
	require.NoError(t, err)
	got, err := s.AddPolicy(ctx, p.ID, starPolicy(), "desk-1")
	require.NoError(t, err)
	require.Len(t, got.Policies, 2)
	pol := got.Policies[1]
	assert.True(t, pol.Active)
	assert.NotEmpty(t, pol.ID)
	assert.Equal(t, "desk-1", pol.AddedBy)
	assert.Equal(t, "Insurance added", got.History[len(got.History)-1].Field)

	got, err = s.EndPolicy(ctx, p.ID, pol.ID, "replaced by a new card", "desk-2")
	require.NoError(t, err)
	require.Len(t, got.Policies, 2, "an ended policy stays on record")
	ended := got.Policies[1]
	assert.Equal(t, pol.ID, ended.ID)
	assert.False(t, ended.Active)
	assert.Equal(t, "replaced by a new card", ended.EndedReason)
	assert.Equal(t, "••••\u00a00042", ended.MemberMasked())
	assert.True(t, got.Policies[0].Active, "the other policy is untouched")
	assert.False(t, ended.InForce(date(2026, 6, 1)))
	last := got.History[len(got.History)-1]
	assert.Equal(t, "Insurance ended", last.Field)
	assert.Equal(t, "desk-2", last.By)

	again, err := s.EndPolicy(ctx, p.ID, pol.ID, "twice", "desk-2")
	require.NoError(t, err)
	assert.Equal(t, got.Version, again.Version, "ending an ended policy writes nothing")
	_, err = s.EndPolicy(ctx, p.ID, "no-such-policy", "x", "desk-2")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.AddPolicy(ctx, "no-such-patient", starPolicy(), "desk-1")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestAPolicyCoversCareFromItsFirstToItsLastDay(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	pol := starPolicy() // 2026-04-01 … 2027-03-31
	pol.Active = true
	for _, c := range []struct {
		name             string
		day              time.Time
		inForce, expired bool
	}{
		{"the day before it starts", date(2026, 3, 31), false, false},
		{"late on the day before, in the hospital's zone", time.Date(2026, 3, 31, 23, 0, 0, 0, ist), false, false},
		{"its first day", date(2026, 4, 1), true, false},
		{"early on its first day, in the hospital's zone", time.Date(2026, 4, 1, 1, 0, 0, 0, ist), true, false},
		{"mid-term", date(2026, 10, 2), true, false},
		{"its last day", date(2027, 3, 31), true, false},
		{"the afternoon of its last day", time.Date(2027, 3, 31, 15, 0, 0, 0, time.UTC), true, false},
		{"the evening of its last day, in the hospital's zone", time.Date(2027, 3, 31, 20, 0, 0, 0, ist), true, false},
		{"the day after", date(2027, 4, 1), false, true},
		{"just after midnight after, in the hospital's zone", time.Date(2027, 4, 1, 0, 30, 0, 0, ist), false, true},
	} {
		assert.Equal(t, c.inForce, pol.InForce(c.day), "in force: %s", c.name)
		assert.Equal(t, c.expired, pol.Expired(c.day), "expired: %s", c.name)
	}

	open := pol
	open.ValidTo = time.Time{}
	assert.False(t, open.Expired(date(2099, 1, 1)))
	assert.True(t, open.InForce(date(2099, 1, 1)))

	ended := pol
	ended.Active = false
	assert.False(t, ended.InForce(date(2026, 10, 2)), "an ended policy covers nothing")
	assert.False(t, ended.Expired(date(2026, 10, 2)), "ended is not the same as expired")
}
