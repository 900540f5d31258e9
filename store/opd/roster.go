package opd

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
)

// Shifts of the day. A night shift belongs to the date it starts on.
const (
	ShiftDay     = "day"
	ShiftEvening = "evening"
	ShiftNight   = "night"
)

// Shifts in the order of the day.
var Shifts = []string{ShiftDay, ShiftEvening, ShiftNight}

// ShiftStart is when each shift starts, in minutes after midnight (hospital's zone):
// day 08:00–14:00, evening 14:00–20:00, night 20:00–08:00 the next morning.
var ShiftStart = map[string]int{ShiftDay: 8 * 60, ShiftEvening: 14 * 60, ShiftNight: 20 * 60}

// ShiftAt returns the date and shift on duty at t in loc. Before 08:00 it is the night
// shift of the previous date.
func ShiftAt(t time.Time, loc *time.Location) (date, shift string) {
	local := t.In(loc)
	m := local.Hour()*60 + local.Minute()
	switch {
	case m < ShiftStart[ShiftDay]:
		return local.AddDate(0, 0, -1).Format(DateLayout), ShiftNight
	case m < ShiftStart[ShiftEvening]:
		return local.Format(DateLayout), ShiftDay
	case m < ShiftStart[ShiftNight]:
		return local.Format(DateLayout), ShiftEvening
	default:
		return local.Format(DateLayout), ShiftNight
	}
}

// Roster is the nurses of one ward on one shift of one date.
type Roster struct {
	ID            string   `bson:"_id"` // roster:<ward>:<date>:<shift>
	Ward          string   `bson:"ward"`
	Date          string   `bson:"date"`
	Shift         string   `bson:"shift"`
	Nurses        []string `bson:"nurses"` // usernames
	ChargeNurse   string   `bson:"charge_nurse"`
	Names         []string `bson:"names"` // copied, in the order of Nurses
	catalog.Stamp `bson:",inline"`
}

// OnCall is the doctor on call for one department on one shift of one date.
type OnCall struct {
	ID            string `bson:"_id"` // oncall:<dept>:<date>:<shift>
	Department    string `bson:"department"`
	Date          string `bson:"date"`
	Shift         string `bson:"shift"`
	Doctor        string `bson:"doctor"`
	DoctorName    string `bson:"doctor_name"`
	catalog.Stamp `bson:",inline"`
}

// RosterID and OnCallID are the _ids of the roster and on-call documents.
func RosterID(ward, date, shift string) string { return "roster:" + ward + ":" + date + ":" + shift }

// OnCallID is the _id of the on-call document of a department, date and shift.
func OnCallID(dept, date, shift string) string { return "oncall:" + dept + ":" + date + ":" + shift }

func (s *Store) checkShift(date, shift string) error {
	if _, err := parseDate(date, s.loc); err != nil {
		return err
	}
	if !slices.Contains(Shifts, shift) {
		return fmt.Errorf("%w: shift %q", store.ErrInvalid, shift)
	}
	return nil
}

// SetRoster stores the nurses of a ward's shift, replacing what it had. The ward must
// exist, every nurse must be a user, and the charge nurse must be one of them.
func (s *Store) SetRoster(ctx context.Context, r Roster, by string) (Roster, error) {
	if err := s.checkShift(r.Date, r.Shift); err != nil {
		return r, err
	}
	if _, err := s.cat.Ward(ctx, r.Ward); err != nil {
		return r, fmt.Errorf("store: roster ward %s: %w", r.Ward, err)
	}
	if len(r.Nurses) == 0 || !slices.Contains(r.Nurses, r.ChargeNurse) {
		return r, fmt.Errorf("%w: the charge nurse must be one of the shift's nurses", store.ErrInvalid)
	}
	r.Names = make([]string, 0, len(r.Nurses))
	for _, n := range r.Nurses {
		u, err := s.users.ByUsername(ctx, n)
		if err != nil {
			return r, fmt.Errorf("store: roster nurse %s: %w", n, err)
		}
		r.Names = append(r.Names, u.FullName)
	}
	r.ID = RosterID(r.Ward, r.Date, r.Shift)
	now := s.now().UTC()
	err := upsert(ctx, s.rosters, r.ID, bson.D{
		{Key: "$set", Value: bson.D{{Key: "ward", Value: r.Ward}, {Key: "date", Value: r.Date}, {Key: "shift", Value: r.Shift},
			{Key: "nurses", Value: r.Nurses}, {Key: "charge_nurse", Value: r.ChargeNurse}, {Key: "names", Value: r.Names},
			{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "created_at", Value: now}, {Key: "created_by", Value: by}}}})
	if err != nil {
		return r, err
	}
	return s.Roster(ctx, r.Ward, r.Date, r.Shift)
}

// Roster returns a ward's shift roster or store.ErrNotFound.
func (s *Store) Roster(ctx context.Context, ward, date, shift string) (Roster, error) {
	return byID[Roster](ctx, s.rosters, RosterID(ward, date, shift), "roster")
}

// SetOnCall names the on-call doctor of a department's shift, replacing any before.
func (s *Store) SetOnCall(ctx context.Context, o OnCall, by string) (OnCall, error) {
	if err := s.checkShift(o.Date, o.Shift); err != nil {
		return o, err
	}
	if err := s.department(ctx, o.Department); err != nil {
		return o, err
	}
	p, err := s.doctor(ctx, strings.TrimSpace(o.Doctor))
	if err != nil {
		return o, err
	}
	o.ID = OnCallID(o.Department, o.Date, o.Shift)
	now := s.now().UTC()
	err = upsert(ctx, s.rosters, o.ID, bson.D{
		{Key: "$set", Value: bson.D{{Key: "department", Value: o.Department}, {Key: "date", Value: o.Date},
			{Key: "shift", Value: o.Shift}, {Key: "doctor", Value: p.Username}, {Key: "doctor_name", Value: p.FullName},
			{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "created_at", Value: now}, {Key: "created_by", Value: by}}}})
	if err != nil {
		return o, err
	}
	return byID[OnCall](ctx, s.rosters, o.ID, "on-call")
}

// OnDutyNow returns the doctor on call for a department at t (ErrNotFound: nobody named).
func (s *Store) OnDutyNow(ctx context.Context, dept string, t time.Time) (OnCall, error) {
	date, shift := ShiftAt(t, s.loc)
	return byID[OnCall](ctx, s.rosters, OnCallID(dept, date, shift), "on-call")
}

// NursesOnDuty returns the roster of a ward at t (ErrNotFound: none recorded).
func (s *Store) NursesOnDuty(ctx context.Context, ward string, t time.Time) (Roster, error) {
	date, shift := ShiftAt(t, s.loc)
	return s.Roster(ctx, ward, date, shift)
}
