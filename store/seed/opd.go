package seed

import (
	"context"
	"fmt"
	"time"

	"hms/store/opd"
)

// demoDoctor is one doctor's OPD: department, room and weekly sessions.
type demoDoctor struct {
	username, specialty, licence, room string
	days                               []time.Weekday
	sessions                           [][2]string // start, end
}

var (
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	everyDay = append([]time.Weekday{time.Sunday}, weekdays...)
)

// demoDoctors sit in the OPD. The demo account "doctor" holds a session every day of the
// week so the OPD can be tried whenever the demo runs.
var demoDoctors = []demoDoctor{
	{"doctor", "Internal medicine", "KMC-48213", "OPD-1", everyDay, [][2]string{{"08:00", "13:00"}, {"14:00", "20:00"}}},
	{"dr.rao", "General surgery", "KMC-39102", "OPD-4", weekdays, [][2]string{{"09:00", "13:00"}}},
	{"dr.iyer", "Paediatrics", "KMC-51877", "OPD-6", weekdays, [][2]string{{"09:00", "13:00"}, {"16:00", "18:00"}}},
	{"dr.khan", "Cardiology", "KMC-27456", "OPD-8", []time.Weekday{time.Monday, time.Wednesday, time.Friday}, [][2]string{{"10:00", "14:00"}}},
	{"dr.menon", "Obstetrics & gynaecology", "KMC-44390", "OPD-5", weekdays, [][2]string{{"09:00", "12:00"}}},
}

// demoNurses are the nurses' units in the staff directory.
var demoNurses = map[string]string{"nurse": "W1", "chargenurse": "W1", "nurse.joseph": "W3", "nurse.das": "W5"}

func opdProfiles(ctx context.Context, o *opd.Store, deptOf func(string) string) (int, error) {
	n := 0
	for _, d := range demoDoctors {
		p, err := o.SaveProfile(ctx, opd.Profile{Username: d.username, Kind: opd.KindDoctor, Department: deptOf(d.username),
			Specialty: d.specialty, Licence: d.licence, Room: d.room, Active: true}, by)
		if err != nil {
			return n, fmt.Errorf("seed: profile %s: %w", d.username, err)
		}
		var sessions []opd.Session
		for _, day := range d.days {
			for _, s := range d.sessions {
				sessions = append(sessions, opd.Session{Weekday: day, Start: s[0], End: s[1], SlotMinutes: 15, Room: d.room})
			}
		}
		if _, err := o.SetSessions(ctx, d.username, p.Version, sessions, by); err != nil {
			return n, fmt.Errorf("seed: sessions of %s: %w", d.username, err)
		}
		n++
	}
	for username, ward := range demoNurses {
		if _, err := o.SaveProfile(ctx, opd.Profile{Username: username, Kind: opd.KindNurse, Department: deptOf(username),
			Ward: ward, Active: true}, by); err != nil {
			return n, fmt.Errorf("seed: profile %s: %w", username, err)
		}
		n++
	}
	return n, nil
}
