package opd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// followVisit applies the follow-ups a visit records: the appointment's check-in, the
// consultation charge, the patient's last visit, order documents, and its copy in the
// queue bucket. Each is idempotent and decided from the visit as it is now; the markers
// are cleared only after they succeed, so Repair can re-apply any a crash left undone.
func (s *Store) followVisit(ctx context.Context, vp *Visit) error {
	v := *vp
	var done bson.A
	for _, p := range v.Pending {
		kind, arg, _ := strings.Cut(p, ":")
		var err error
		switch kind {
		case followAppt:
			err = s.apptCheckedIn(ctx, v)
		case followCharge:
			err = s.postConsultCharge(ctx, v)
		case followLastVisit:
			if s.onComplete != nil {
				err = s.onComplete(ctx, v.PatientID, v.DoneAt)
			}
		case followOrder:
			line, _ := strconv.Atoi(arg)
			err = s.placeOrder(ctx, v, line)
		case followPharmacy:
			err = s.sendToPharmacy(ctx, v)
		}
		if err != nil {
			return fmt.Errorf("store: visit %s follow-up %s: %w", v.ID, p, err)
		}
		done = append(done, p)
	}
	if v.QueueSeq < v.Seq {
		if err := s.syncQueue(ctx, v); err != nil {
			return fmt.Errorf("store: visit %s follow-up queue: %w", v.ID, err)
		}
		if err := s.syncPatientVisits(ctx, v); err != nil {
			return fmt.Errorf("store: visit %s follow-up patient visits: %w", v.ID, err)
		}
	}
	if len(done) == 0 && v.QueueSeq >= v.Seq {
		return nil
	}
	update := bson.D{{Key: "$max", Value: bson.D{{Key: "queue_seq", Value: v.Seq}}}}
	if len(done) > 0 {
		update = append(update, bson.E{Key: "$pullAll", Value: bson.D{{Key: "pending", Value: done}}})
	}
	if err := setByID(ctx, s.vis, v.ID, update); err != nil {
		return err
	}
	vp.Pending, vp.QueueSeq = nil, max(vp.QueueSeq, v.Seq)
	return nil
}

// syncQueue copies the visit into its doctor's queue bucket unless it holds a newer copy.
func (s *Store) syncQueue(ctx context.Context, v Visit) error {
	id := QueueID(v.Date, v.Doctor)
	s.forgetQueue(id)
	defer s.forgetQueue(id)
	write := func() (bool, error) {
		return guard.Update(ctx, s.db, store.CollQueues, id, []guard.Cond{guard.Below("entries."+v.ID+".seq", v.Seq+1)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "entries." + v.ID, Value: queueEntry(v)}, {Key: "updated_at", Value: s.now().UTC()}}}}, nil)
	}
	ok, err := write()
	if err != nil || ok {
		return err
	}
	// The bucket is missing (the day's first check-in) or holds a newer copy.
	err = upsert(ctx, s.queues, id, bson.D{{Key: "$setOnInsert", Value: bson.D{
		{Key: "date", Value: v.Date}, {Key: "doctor", Value: v.Doctor}, {Key: "doctor_name", Value: v.DoctorName},
		{Key: "department", Value: v.Department}, {Key: "room", Value: v.Room}, {Key: "entries", Value: bson.D{}},
		{Key: "created_at", Value: s.now().UTC()}}}})
	if err != nil {
		return err
	}
	_, err = write()
	return err
}

// apptCheckedIn marks a visit's appointment checked in and copies that to the day bucket.
func (s *Store) apptCheckedIn(ctx context.Context, v Visit) error {
	now := s.now().UTC()
	var a Appointment
	ok, err := guard.Update(ctx, s.db, store.CollAppointments, v.AppointmentID, []guard.Cond{guard.Eq("status", ApptBooked)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: ApptCheckedIn}, {Key: "visit_id", Value: v.ID},
			{Key: "updated_at", Value: now}, {Key: "updated_by", Value: v.CreatedBy}}},
			{Key: "$push", Value: bson.D{{Key: "events", Value: Event{At: now, By: v.CreatedBy, From: ApptBooked, To: ApptCheckedIn, Reason: "visit " + v.ID}}}},
			{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}}, &a)
	if err != nil {
		return err
	}
	if !ok { // already applied, or the appointment was cancelled meanwhile: nothing to do
		if a, err = s.Appointment(ctx, v.AppointmentID); err != nil {
			return err
		}
	}
	return s.followAppt(ctx, &a)
}

// RepairVisit re-applies the follow-ups a visit still records. It reports whether there were any.
func (s *Store) RepairVisit(ctx context.Context, id string) (bool, error) {
	v, err := s.Visit(ctx, id)
	if err != nil {
		return false, err
	}
	if len(v.Pending) == 0 && v.QueueSeq >= v.Seq {
		return false, nil
	}
	return true, s.followVisit(ctx, &v)
}

// RepairAppointment re-applies the follow-ups an appointment still records.
func (s *Store) RepairAppointment(ctx context.Context, id string) (bool, error) {
	a, err := s.Appointment(ctx, id)
	if err != nil {
		return false, err
	}
	if len(a.Pending) == 0 && a.DaySeq >= a.Seq {
		return false, nil
	}
	return true, s.followAppt(ctx, &a)
}

// Repair re-applies every follow-up that a crash may have left undone since yesterday
// (run at start-up and by check --repair): it walks the visit and appointment numbers
// taken since the journal's first of yesterday, reading each by _id. It reports how many
// documents it repaired.
func (s *Store) Repair(ctx context.Context) (int, error) {
	today := s.now().In(s.loc)
	return s.RepairSince(ctx, today.AddDate(0, 0, -1).Format(DateLayout))
}

// RepairSince is Repair from the first numbers taken on date (a "2006-01-02" date) on.
func (s *Store) RepairSince(ctx context.Context, date string) (int, error) {
	from, err := parseDate(date, s.loc)
	if err != nil {
		return 0, err
	}
	firstVisit, firstAppt := int64(0), int64(0)
	for d := from; !d.After(s.now()); d = d.AddDate(0, 0, 1) {
		j, err := byID[journalDoc](ctx, s.days, "journal:"+d.Format(DateLayout), "journal")
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		firstVisit, firstAppt = firstOf(firstVisit, j.FirstVisit), firstOf(firstAppt, j.FirstAppt)
	}
	return s.walkFrom(ctx, firstVisit, firstAppt, func(ctx context.Context, id string, pending bool) (bool, error) {
		if !pending {
			return false, nil
		}
		return s.repairOne(ctx, id)
	})
}

// Check walks every visit and appointment ever numbered and reports the ids whose
// follow-up writes are still pending; with repair it also re-applies them (check --repair).
func (s *Store) Check(ctx context.Context, repair bool) ([]string, error) {
	var found []string
	_, err := s.walkFrom(ctx, 1, 1, func(ctx context.Context, id string, pending bool) (bool, error) {
		if !pending {
			return false, nil
		}
		found = append(found, id)
		if !repair {
			return false, nil
		}
		return s.repairOne(ctx, id)
	})
	return found, err
}

// repairOne re-applies the follow-ups of an appointment (A…) or a visit (V…).
func (s *Store) repairOne(ctx context.Context, id string) (bool, error) {
	if strings.HasPrefix(id, "A") {
		return s.RepairAppointment(ctx, id)
	}
	return s.RepairVisit(ctx, id)
}

// walkFrom reads every appointment and visit from the given numbers to the last taken,
// by _id, and calls fn with whether each still has follow-ups pending; it counts the
// documents fn repaired.
func (s *Store) walkFrom(ctx context.Context, firstVisit, firstAppt int64, fn func(context.Context, string, bool) (bool, error)) (int, error) {
	n := 0
	walk := func(counter, prefix string, first int64, pendingOf func(context.Context, string) (bool, error)) error {
		if first == 0 {
			return nil
		}
		last, err := s.counter(ctx, counter)
		if err != nil {
			return err
		}
		for i := first; i <= last; i++ {
			id := fmt.Sprintf("%s%07d", prefix, i)
			pending, err := pendingOf(ctx, id)
			if errors.Is(err, store.ErrNotFound) { // a number taken by a write that never stored it
				continue
			}
			if err != nil {
				return err
			}
			did, err := fn(ctx, id, pending)
			if err != nil {
				return err
			}
			if did {
				n++
				s.log.Info("opd: completed an interrupted write", "id", id)
			}
		}
		return nil
	}
	apptPending := func(ctx context.Context, id string) (bool, error) {
		a, err := s.Appointment(ctx, id)
		return len(a.Pending) > 0 || a.DaySeq < a.Seq, err
	}
	visitPending := func(ctx context.Context, id string) (bool, error) {
		v, err := s.Visit(ctx, id)
		return len(v.Pending) > 0 || v.QueueSeq < v.Seq, err
	}
	if err := walk("appointment", "A", firstAppt, apptPending); err != nil {
		return n, err
	}
	return n, walk("visit", "V", firstVisit, visitPending)
}

func firstOf(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}
