package opd

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"hms/store"
)

// Session is a recurring weekly OPD session of a doctor, in the hospital's zone.
type Session struct {
	Weekday     time.Weekday `bson:"weekday"`
	Start       string       `bson:"start"` // "09:00"
	End         string       `bson:"end"`   // "13:00"
	SlotMinutes int          `bson:"slot_minutes"`
	Room        string       `bson:"room,omitempty"` // "" = the doctor's room
}

// Exception changes one date of a doctor's schedule: leave (no weekly sessions that day)
// and/or extra sessions (their Weekday is ignored).
type Exception struct {
	Date   string    `bson:"date"`
	Leave  bool      `bson:"leave"`
	Reason string    `bson:"reason,omitempty"`
	Extra  []Session `bson:"extra,omitempty"`
	By     string    `bson:"by"`
	At     time.Time `bson:"at"`
}

// Slot is one bookable period; Start and End are in UTC.
type Slot struct {
	Start time.Time
	End   time.Time
	Room  string
}

// Key is the slot's unique key for a doctor: slot:<doctor>:<start UTC RFC3339>.
func (sl Slot) Key(doctor string) string { return SlotKey(doctor, sl.Start) }

// SlotKey is the _id of the key document that makes a doctor's slot bookable once.
func SlotKey(doctor string, start time.Time) string {
	return "slot:" + doctor + ":" + start.UTC().Format(time.RFC3339)
}

// clock parses "HH:MM" into minutes after midnight.
func clock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%w: time %q (use HH:MM)", store.ErrInvalid, s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// check validates a session's times and slot length.
func (ss Session) check() error {
	from, err := clock(ss.Start)
	if err != nil {
		return err
	}
	to, err := clock(ss.End)
	if err != nil {
		return err
	}
	switch {
	case ss.Weekday < time.Sunday || ss.Weekday > time.Saturday:
		return fmt.Errorf("%w: weekday", store.ErrInvalid)
	case to <= from:
		return fmt.Errorf("%w: a session must end after it starts (%s–%s)", store.ErrInvalid, ss.Start, ss.End)
	case ss.SlotMinutes < 5 || ss.SlotMinutes > 120:
		return fmt.Errorf("%w: slot length must be between 5 and 120 minutes", store.ErrInvalid)
	case to-from < ss.SlotMinutes:
		return fmt.Errorf("%w: the session %s–%s is shorter than one slot", store.ErrInvalid, ss.Start, ss.End)
	}
	return nil
}

// checkSessions validates sessions and refuses two that overlap on the same weekday.
func checkSessions(list []Session, sameDay bool) error {
	for i, a := range list {
		if err := a.check(); err != nil {
			return err
		}
		for _, b := range list[:i] {
			if !sameDay && a.Weekday != b.Weekday {
				continue
			}
			af, _ := clock(a.Start)
			at, _ := clock(a.End)
			bf, _ := clock(b.Start)
			bt, _ := clock(b.End)
			if af < bt && bf < at {
				return fmt.Errorf("%w: sessions %s–%s and %s–%s overlap", store.ErrInvalid, a.Start, a.End, b.Start, b.End)
			}
		}
	}
	return nil
}

// Slots computes the bookable slots of a doctor on date ("2006-01-02" in loc): the weekly
// sessions of that weekday unless on leave, plus the date's extra sessions, cut into slots
// of each session's length (a remainder shorter than a slot is not bookable). Slots that
// overlap an earlier one are dropped. It is pure: no database, no clock.
func Slots(p Profile, date string, loc *time.Location) ([]Slot, error) {
	day, err := parseDate(date, loc)
	if err != nil {
		return nil, err
	}
	var sessions []Session
	ex, hasEx := p.Exceptions[date]
	if !hasEx || !ex.Leave {
		for _, ss := range p.Sessions {
			if ss.Weekday == day.Weekday() {
				sessions = append(sessions, ss)
			}
		}
	}
	if hasEx {
		sessions = append(sessions, ex.Extra...)
	}
	var out []Slot
	y, m, d := day.Date()
	for _, ss := range sessions {
		from, err1 := clock(ss.Start)
		to, err2 := clock(ss.End)
		if err1 != nil || err2 != nil || ss.SlotMinutes <= 0 {
			continue // stored sessions were checked when saved
		}
		room := cmp.Or(ss.Room, p.Room)
		for t := from; t+ss.SlotMinutes <= to; t += ss.SlotMinutes {
			// time.Date in loc, not midnight + minutes: right across a DST change.
			start := time.Date(y, m, d, t/60, t%60, 0, 0, loc)
			end := time.Date(y, m, d, (t+ss.SlotMinutes)/60, (t+ss.SlotMinutes)%60, 0, 0, loc)
			out = append(out, Slot{Start: start.UTC(), End: end.UTC(), Room: room})
		}
	}
	slices.SortFunc(out, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	kept := out[:0]
	for _, sl := range out {
		if n := len(kept); n > 0 && sl.Start.Before(kept[n-1].End) {
			continue
		}
		kept = append(kept, sl)
	}
	return kept, nil
}

// slotAt returns the slot of p that starts at start, if there is one.
func slotAt(p Profile, start time.Time, loc *time.Location) (Slot, string, bool) {
	date := start.In(loc).Format(DateLayout)
	slots, err := Slots(p, date, loc)
	if err != nil {
		return Slot{}, date, false
	}
	i := slices.IndexFunc(slots, func(sl Slot) bool { return sl.Start.Equal(start) })
	if i < 0 {
		return Slot{}, date, false
	}
	return slots[i], date, true
}
