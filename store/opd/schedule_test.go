package opd_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/opd"
)

func TestSlotsFollowSessionsLeaveAndExtraSessions(t *testing.T) {
	p := opd.Profile{Username: "dr.x", Room: "R1", Sessions: []opd.Session{
		{Weekday: time.Monday, Start: "09:00", End: "13:00", SlotMinutes: 15},
		{Weekday: time.Monday, Start: "12:30", End: "14:00", SlotMinutes: 30, Room: "R2"}, // overlaps the first
		{Weekday: time.Wednesday, Start: "14:00", End: "14:50", SlotMinutes: 20},
	}, Exceptions: map[string]opd.Exception{
		"2030-03-11": {Date: "2030-03-11", Leave: true},
		"2030-03-12": {Date: "2030-03-12", Extra: []opd.Session{{Start: "17:00", End: "18:00", SlotMinutes: 30}}},
	}}
	slots, err := opd.Slots(p, "2030-03-04", ist)
	require.NoError(t, err)
	// 16 quarter-hours 09:00–13:00, then 13:00–13:30 and 13:30–14:00; 12:30 overlaps and is dropped.
	require.Len(t, slots, 18)
	assert.Equal(t, time.Date(2030, 3, 4, 3, 30, 0, 0, time.UTC), slots[0].Start, "09:00 IST is stored in UTC")
	assert.Equal(t, slots[0].Start.Add(15*time.Minute), slots[0].End)
	assert.Equal(t, "R1", slots[0].Room)
	assert.Equal(t, at(0, 13, 0).UTC(), slots[16].Start)
	assert.Equal(t, "R2", slots[16].Room)
	assert.Equal(t, "slot:dr.x:2030-03-04T03:30:00Z", slots[0].Key("dr.x"))

	wed, _ := opd.Slots(p, "2030-03-06", ist)
	assert.Len(t, wed, 2, "a remainder shorter than a slot is not bookable")
	leave, _ := opd.Slots(p, "2030-03-11", ist)
	assert.Empty(t, leave, "on leave")
	extra, _ := opd.Slots(p, "2030-03-12", ist)
	assert.Len(t, extra, 2, "a Tuesday with only the extra session")
	_, err = opd.Slots(p, "4 March", ist)
	assert.ErrorIs(t, err, store.ErrInvalid)
}

func TestSessionsAreCheckedAndVersioned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.s.Profile(ctx, "dr.rao")
	require.NoError(t, err)
	assert.Equal(t, "CONS-MED", p.ConsultService, "defaults to CONS-<department>")
	for _, bad := range [][]opd.Session{
		{{Weekday: time.Monday, Start: "13:00", End: "09:00", SlotMinutes: 15}},
		{{Weekday: time.Monday, Start: "9", End: "13:00", SlotMinutes: 15}},
		{{Weekday: time.Monday, Start: "09:00", End: "13:00", SlotMinutes: 0}},
		{{Weekday: time.Monday, Start: "09:00", End: "12:00", SlotMinutes: 15}, {Weekday: time.Monday, Start: "11:00", End: "13:00", SlotMinutes: 15}},
	} {
		_, err := e.s.SetSessions(ctx, "dr.rao", p.Version, bad, "admin")
		assert.ErrorIs(t, err, store.ErrInvalid, "%+v", bad)
	}
	_, err = e.s.SetSessions(ctx, "dr.rao", p.Version-1, everyDay("09:00", "10:00", 15), "admin")
	assert.ErrorIs(t, err, store.ErrConflict, "made from an old version")

	_, err = e.s.SaveProfile(ctx, opd.Profile{Username: "nobody", Kind: opd.KindDoctor, Department: "MED"}, "admin")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.s.SaveProfile(ctx, opd.Profile{Username: "dr.rao", Kind: opd.KindDoctor, Department: "MED", ConsultService: "CONS-NONE", Active: true}, "admin")
	assert.ErrorIs(t, err, store.ErrNotFound, "the consultation code must be on the price list")

	p, err = e.s.SetException(ctx, "dr.rao", opd.Exception{Date: "2030-03-05", Leave: true, Reason: "conference"}, "admin")
	require.NoError(t, err)
	assert.True(t, p.Exceptions["2030-03-05"].Leave)
	slots, err := e.s.FreeSlots(ctx, "dr.rao", "2030-03-05")
	require.NoError(t, err)
	assert.Empty(t, slots)
	p, err = e.s.ClearException(ctx, "dr.rao", "2030-03-05", "admin")
	require.NoError(t, err)
	assert.NotContains(t, p.Exceptions, "2030-03-05")
}

func TestShiftsRostersAndWhoIsOnDuty(t *testing.T) {
	for _, c := range []struct {
		t           time.Time
		date, shift string
	}{
		{at(0, 7, 59), "2030-03-03", opd.ShiftNight},
		{at(0, 8, 0), "2030-03-04", opd.ShiftDay},
		{at(0, 14, 0), "2030-03-04", opd.ShiftEvening},
		{at(0, 20, 0), "2030-03-04", opd.ShiftNight},
		{at(0, 23, 30), "2030-03-04", opd.ShiftNight},
	} {
		date, shift := opd.ShiftAt(c.t, ist)
		assert.Equal(t, c.date+" "+c.shift, date+" "+shift, c.t.String())
	}

	e := newEnv(t)
	ctx := context.Background()
	_, err := e.s.OnDutyNow(ctx, "MED", at(0, 21, 0))
	assert.ErrorIs(t, err, store.ErrNotFound, "nobody named yet")
	_, err = e.s.SetOnCall(ctx, opd.OnCall{Department: "MED", Date: "2030-03-04", Shift: opd.ShiftNight, Doctor: "dr.nair"}, "admin")
	require.NoError(t, err)
	oc, err := e.s.OnDutyNow(ctx, "MED", at(1, 2, 0))
	require.NoError(t, err, "02:00 on Tuesday is Monday's night shift")
	assert.Equal(t, "dr.nair", oc.Doctor)
	assert.Equal(t, "Dr. Asha Nair", oc.DoctorName)
	_, err = e.s.SetOnCall(ctx, opd.OnCall{Department: "MED", Date: "2030-03-04", Shift: opd.ShiftNight, Doctor: "nurse.mary"}, "admin")
	assert.ErrorIs(t, err, store.ErrNotFound, "a nurse has no doctor's profile")

	_, err = e.s.SetRoster(ctx, opd.Roster{Ward: "W1", Date: "2030-03-04", Shift: opd.ShiftDay, Nurses: []string{"nurse.mary"}, ChargeNurse: "nurse.das"}, "admin")
	assert.ErrorIs(t, err, store.ErrInvalid, "the charge nurse must be on the shift")
	_, err = e.s.SetRoster(ctx, opd.Roster{Ward: "W9", Date: "2030-03-04", Shift: opd.ShiftDay, Nurses: []string{"nurse.mary"}, ChargeNurse: "nurse.mary"}, "admin")
	assert.ErrorIs(t, err, store.ErrNotFound)
	r, err := e.s.SetRoster(ctx, opd.Roster{Ward: "W1", Date: "2030-03-04", Shift: opd.ShiftDay, Nurses: []string{"nurse.mary", "nurse.das"}, ChargeNurse: "nurse.das"}, "admin")
	require.NoError(t, err)
	assert.Equal(t, "roster:W1:2030-03-04:day", r.ID)
	got, err := e.s.NursesOnDuty(ctx, "W1", at(0, 11, 0))
	require.NoError(t, err)
	assert.Equal(t, []string{"Mary Thomas", "Rina Das"}, got.Names)
	assert.Equal(t, "nurse.das", got.ChargeNurse)
}
