package opd

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// DaySummary is an appointment as a doctor's day list shows it (copied from the appointment).
type DaySummary struct {
	ID        string    `bson:"id"`
	Start     time.Time `bson:"start"`
	End       time.Time `bson:"end"`
	Room      string    `bson:"room,omitempty"`
	PatientID string    `bson:"patient_id"`
	MRN       string    `bson:"mrn"`
	Name      string    `bson:"name"`
	AgeSex    string    `bson:"age_sex"`
	Phone     string    `bson:"phone,omitempty"`
	Reason    string    `bson:"reason,omitempty"`
	Status    string    `bson:"status"`
	VisitID   string    `bson:"visit_id,omitempty"`
	Seq       int64     `bson:"seq"`
}

// dayDoc is the bucket day:<date>:<doctor>: the doctor's appointments of one date, keyed
// by appointment id so a change is one $set on a dotted path.
type dayDoc struct {
	ID         string                `bson:"_id"`
	Date       string                `bson:"date"`
	Doctor     string                `bson:"doctor"`
	DoctorName string                `bson:"doctor_name"`
	Department string                `bson:"department"`
	Appts      map[string]DaySummary `bson:"appts"`
}

// deptDoc is dept:<date>:<dept>: the doctors with appointments or a queue that date.
type deptDoc struct {
	ID      string   `bson:"_id"`
	Doctors []string `bson:"doctors"`
}

// statusMoved marks, in a day bucket, an appointment rescheduled to another date.
const statusMoved = "moved"

// DayID is the _id of a doctor's day bucket.
func DayID(date, doctor string) string { return "day:" + date + ":" + doctor }

func deptID(date, dept string) string { return "dept:" + date + ":" + dept }

// DoctorDay is a doctor's appointments on one date, by start time.
type DoctorDay struct {
	Date, Doctor, DoctorName, Department string
	Appointments                         []DaySummary
}

// Day returns a doctor's appointments on date: one read by _id.
func (s *Store) Day(ctx context.Context, date, doctor string) (DoctorDay, error) {
	d, err := byID[dayDoc](ctx, s.days, DayID(date, doctor), "day")
	if errors.Is(err, store.ErrNotFound) {
		return DoctorDay{Date: date, Doctor: doctor}, nil
	}
	if err != nil {
		return DoctorDay{}, err
	}
	out := DoctorDay{Date: d.Date, Doctor: d.Doctor, DoctorName: d.DoctorName, Department: d.Department}
	for _, a := range d.Appts {
		if a.Status != statusMoved {
			out.Appointments = append(out.Appointments, a)
		}
	}
	slices.SortFunc(out.Appointments, func(a, b DaySummary) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// doctorsOn lists the doctors of a department with appointments or a queue on date.
func (s *Store) doctorsOn(ctx context.Context, date, dept string) ([]string, error) {
	d, err := byID[deptDoc](ctx, s.days, deptID(date, dept), "department day")
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	slices.Sort(d.Doctors)
	return d.Doctors, err
}

// DepartmentDay returns the day of every doctor of a department with appointments on
// date: one read by _id for the department, then one per doctor.
func (s *Store) DepartmentDay(ctx context.Context, date, dept string) ([]DoctorDay, error) {
	doctors, err := s.doctorsOn(ctx, date, dept)
	if err != nil {
		return nil, err
	}
	var out []DoctorDay
	for _, doc := range doctors {
		d, err := s.Day(ctx, date, doc)
		if err != nil {
			return nil, err
		}
		if len(d.Appointments) > 0 {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b DoctorDay) int { return cmp.Compare(a.DoctorName, b.DoctorName) })
	return out, nil
}

// SlotState is a slot of a doctor's day and whether it can be booked.
type SlotState struct {
	Slot
	Taken         bool
	Past          bool
	AppointmentID string
}

// FreeSlots lists a doctor's slots on date with what is taken (from the day bucket) and
// what has already started.
func (s *Store) FreeSlots(ctx context.Context, doctor, date string) ([]SlotState, error) {
	p, err := s.doctor(ctx, doctor)
	if err != nil {
		return nil, err
	}
	slots, err := Slots(p, date, s.loc)
	if err != nil {
		return nil, err
	}
	day, err := s.Day(ctx, date, doctor)
	if err != nil {
		return nil, err
	}
	taken := map[time.Time]string{}
	for _, a := range day.Appointments {
		if a.Status != ApptCancelled {
			taken[a.Start.UTC()] = a.ID
		}
	}
	now := s.now()
	out := make([]SlotState, 0, len(slots))
	for _, sl := range slots {
		id, t := taken[sl.Start]
		out = append(out, SlotState{Slot: sl, Taken: t, AppointmentID: id, Past: !sl.Start.After(now)})
	}
	return out, nil
}

// MarkNoShows marks every appointment of a doctor's date still booked after its start as
// a no-show (the day-end run); it reports how many it marked.
func (s *Store) MarkNoShows(ctx context.Context, date, doctor, by string) (int, error) {
	day, err := s.Day(ctx, date, doctor)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range day.Appointments {
		if a.Status != ApptBooked || s.now().Before(a.Start) {
			continue
		}
		_, err := s.MarkNoShow(ctx, a.ID, by)
		switch {
		case err == nil:
			n++
		case errors.Is(err, store.ErrInvalid): // checked in or cancelled meanwhile
		default:
			return n, err
		}
	}
	return n, nil
}

// followAppt applies an appointment's follow-ups: free slot keys it let go, take it off
// a day it left, copy it to its day bucket. Each is idempotent and decided from the
// appointment as it is now, so a late or repeated one never undoes a newer change.
func (s *Store) followAppt(ctx context.Context, ap *Appointment) error {
	a := *ap
	var done bson.A
	for _, p := range a.Pending {
		kind, arg, _ := strings.Cut(p, ":")
		switch kind {
		case "free":
			if arg != a.SlotKey || a.Status == ApptCancelled {
				if _, err := guard.Delete(ctx, s.db, store.CollOPDKeys, arg, []guard.Cond{guard.Eq("owner", a.ID)}); err != nil {
					return err
				}
			}
		case "unday":
			// A tombstone, not an $unset: its seq keeps a late copy of the old date out.
			if arg != a.Date {
				_, err := guard.Update(ctx, s.db, store.CollOPDDays, DayID(arg, a.Doctor),
					[]guard.Cond{guard.Below("appts."+a.ID+".seq", a.Seq+1)},
					bson.D{{Key: "$set", Value: bson.D{{Key: "appts." + a.ID, Value: DaySummary{ID: a.ID, Status: statusMoved, Seq: a.Seq}}}}}, nil)
				if err != nil {
					return err
				}
			}
		}
		done = append(done, p)
	}
	if a.DaySeq < a.Seq {
		if err := s.syncDay(ctx, a); err != nil {
			return err
		}
	}
	if len(done) == 0 && a.DaySeq >= a.Seq {
		return nil
	}
	update := bson.D{{Key: "$max", Value: bson.D{{Key: "day_seq", Value: a.Seq}}}}
	if len(done) > 0 {
		update = append(update, bson.E{Key: "$pullAll", Value: bson.D{{Key: "pending", Value: done}}})
	}
	if err := setByID(ctx, s.appts, a.ID, update); err != nil {
		return err
	}
	ap.Pending, ap.DaySeq = nil, max(ap.DaySeq, a.Seq)
	return nil
}

// syncDay copies the appointment into its day bucket unless the bucket holds a newer copy.
func (s *Store) syncDay(ctx context.Context, a Appointment) error {
	id := DayID(a.Date, a.Doctor)
	sum := DaySummary{ID: a.ID, Start: a.Start, End: a.End, Room: a.Room, PatientID: a.PatientID, MRN: a.MRN,
		Name: a.Name, AgeSex: a.AgeSex, Phone: a.Phone, Reason: a.Reason, Status: a.Status, VisitID: a.VisitID, Seq: a.Seq}
	write := func() (bool, error) {
		return guard.Update(ctx, s.db, store.CollOPDDays, id, []guard.Cond{guard.Below("appts."+a.ID+".seq", a.Seq+1)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "appts." + a.ID, Value: sum}, {Key: "updated_at", Value: s.now().UTC()}}}}, nil)
	}
	ok, err := write()
	if err != nil || ok {
		return err
	}
	// The bucket is missing (the day's first booking) or holds a newer copy.
	if err := s.ensureDay(ctx, a.Date, a.Doctor, a.DoctorName, a.Department); err != nil {
		return err
	}
	_, err = write()
	return err
}

// ensureDay creates a doctor's day bucket and lists the doctor on the department's day.
func (s *Store) ensureDay(ctx context.Context, date, doctor, name, dept string) error {
	err := upsert(ctx, s.days, DayID(date, doctor), bson.D{{Key: "$setOnInsert", Value: bson.D{
		{Key: "date", Value: date}, {Key: "doctor", Value: doctor}, {Key: "doctor_name", Value: name},
		{Key: "department", Value: dept}, {Key: "appts", Value: bson.D{}}, {Key: "created_at", Value: s.now().UTC()}}}})
	if err != nil {
		return err
	}
	return s.listDoctor(ctx, date, doctor, dept)
}

// listDoctor records that a doctor has appointments or a queue on a department's date.
func (s *Store) listDoctor(ctx context.Context, date, doctor, dept string) error {
	return s.memo.do(s.Today(), deptID(date, dept)+":"+doctor, 0, func() error {
		return upsert(ctx, s.days, deptID(date, dept), bson.D{{Key: "$addToSet", Value: bson.D{{Key: "doctors", Value: doctor}}}})
	})
}
