package opd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
	"hms/store/guard"
)

// Appointment states.
const (
	ApptBooked    = "booked"
	ApptCheckedIn = "checked_in"
	ApptCancelled = "cancelled"
	ApptNoShow    = "no_show"
)

// Appointment is a booked slot of a doctor for a registered patient. It is the source
// of truth; the doctor's day bucket shows a copy of it.
type Appointment struct {
	ID            string    `bson:"_id"` // "A0000123"
	Number        int64     `bson:"number"`
	PatientID     string    `bson:"patient_id"`
	MRN           string    `bson:"mrn"`
	Name          string    `bson:"name"`
	AgeSex        string    `bson:"age_sex"`
	Phone         string    `bson:"phone,omitempty"`
	Doctor        string    `bson:"doctor"`
	DoctorName    string    `bson:"doctor_name"`
	Department    string    `bson:"department"`
	Date          string    `bson:"date"` // the slot's date in the hospital's zone
	Start         time.Time `bson:"start"`
	End           time.Time `bson:"end"`
	Room          string    `bson:"room,omitempty"`
	Reason        string    `bson:"reason,omitempty"`
	Status        string    `bson:"status"`
	SlotKey       string    `bson:"slot_key"`
	CancelReason  string    `bson:"cancel_reason,omitempty"`
	VisitID       string    `bson:"visit_id,omitempty"`
	Events        []Event   `bson:"events"`
	Pending       []string  `bson:"pending,omitempty"` // follow-ups still to apply
	Seq           int64     `bson:"seq"`               // moves on every change the day list shows
	DaySeq        int64     `bson:"day_seq"`           // the Seq the day bucket shows
	catalog.Stamp `bson:",inline"`
}

// Booking is what the front desk chooses: a patient, a doctor and one of the doctor's slots.
type Booking struct {
	PatientID string
	Doctor    string
	Start     time.Time
	Reason    string
}

// errKeyHeld means an insert-once key is held by another owner.
var errKeyHeld = errors.New("store: key held")

// keyOwner says whether a key's owner is stored, and whether it still holds the key.
type keyOwner func(ctx context.Context, owner, key string) (stored, holds bool, err error)

// claimKey takes the key document id for owner. A key whose owner was stored and has let
// it go (a cancelled appointment whose follow-up has not run yet) is taken over at once;
// one whose owner was never stored only after staleAfter, since it may belong to a write
// still in progress.
func (s *Store) claimKey(ctx context.Context, id, owner, by string, owned keyOwner) error {
	now := s.now().UTC()
	for attempt := 0; attempt < 2; attempt++ {
		_, err := s.keys.W.InsertOne(ctx, keyDoc{ID: id, Owner: owner, CreatedAt: now, CreatedBy: by})
		if err == nil {
			return nil
		}
		if !store.IsDuplicate(err) {
			return fmt.Errorf("store: key %s: %w", id, err)
		}
		k, err := byID[keyDoc](ctx, s.keys, id, "key")
		if errors.Is(err, store.ErrNotFound) {
			continue // freed meanwhile: try the insert again
		}
		if err != nil {
			return err
		}
		if k.Owner == owner {
			return nil
		}
		stored, holds, err := owned(ctx, k.Owner, id)
		if err != nil {
			return err
		}
		if holds || (!stored && now.Sub(k.CreatedAt) < staleAfter) {
			return errKeyHeld
		}
		ok, err := guard.Update(ctx, s.db, store.CollOPDKeys, id, []guard.Cond{guard.Eq("owner", k.Owner)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: owner}, {Key: "created_at", Value: now}, {Key: "created_by", Value: by}}}}, nil)
		if err != nil {
			return err
		}
		if !ok {
			return errKeyHeld
		}
		return nil
	}
	return errKeyHeld
}

// apptHolds reports whether appointment owner is stored and still holds slot key.
func (s *Store) apptHolds(ctx context.Context, owner, key string) (bool, bool, error) {
	a, err := s.Appointment(ctx, owner)
	if errors.Is(err, store.ErrNotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, a.SlotKey == key && a.Status != ApptCancelled, nil
}

// releaseKey gives back a key that owner took but did not keep.
func (s *Store) releaseKey(id, owner string) {
	_, _ = guard.Delete(context.Background(), s.db, store.CollOPDKeys, id, []guard.Cond{guard.Eq("owner", owner)})
}

// bookable returns the doctor and the slot at start, refusing a time that is not one of
// the doctor's slots or is not in the future.
func (s *Store) bookable(ctx context.Context, doctor string, start time.Time) (Profile, Slot, string, error) {
	p, err := s.doctor(ctx, doctor)
	if err != nil {
		return p, Slot{}, "", err
	}
	sl, date, ok := slotAt(p, start.UTC(), s.loc)
	if !ok {
		return p, sl, date, fmt.Errorf("%w: %s is not a slot of %s", store.ErrInvalid, start.In(s.loc).Format("2006-01-02 15:04"), p.FullName)
	}
	if !sl.Start.After(s.now()) {
		return p, sl, date, fmt.Errorf("%w: that slot has already started", store.ErrInvalid)
	}
	return p, sl, date, nil
}

// Book books a slot: one of the doctor's slots, in the future, for a registered patient.
// A slot is booked once: the key document slot:<doctor>:<start> is inserted once, so of
// two clerks booking it at the same moment one gets ErrSlotTaken.
func (s *Store) Book(ctx context.Context, b Booking, by string) (Appointment, error) {
	doc, sl, date, err := s.bookable(ctx, b.Doctor, b.Start)
	if err != nil {
		return Appointment{}, err
	}
	pat, err := s.pats.ByID(ctx, b.PatientID)
	if err != nil {
		return Appointment{}, fmt.Errorf("store: book: patient: %w", err)
	}
	if pat.DuplicateOf != "" {
		return Appointment{}, fmt.Errorf("%w: this record is a duplicate of MRN %s", store.ErrInvalid, pat.DupOfMRN)
	}
	n, err := s.db.Next(ctx, "appointment")
	if err != nil {
		return Appointment{}, err
	}
	now := s.now().UTC()
	a := Appointment{ID: fmt.Sprintf("A%07d", n), Number: n, PatientID: pat.ID, MRN: pat.MRN, Name: pat.Name(),
		AgeSex: ageSex(pat, now), Phone: pat.Phone, Doctor: doc.Username, DoctorName: doc.FullName, Department: doc.Department,
		Date: date, Start: sl.Start, End: sl.End, Room: sl.Room, Reason: strings.TrimSpace(b.Reason), Status: ApptBooked,
		SlotKey: sl.Key(doc.Username), Events: []Event{{At: now, By: by, To: ApptBooked}}, Seq: 1, Stamp: stamp(now, by)}
	if err := s.journal(ctx, "first_appointment", n); err != nil {
		return Appointment{}, err
	}
	if err := s.claimKey(ctx, a.SlotKey, a.ID, by, s.apptHolds); err != nil {
		if errors.Is(err, errKeyHeld) {
			return Appointment{}, ErrSlotTaken
		}
		return Appointment{}, err
	}
	if _, err := s.appts.W.InsertOne(ctx, a); err != nil {
		s.releaseKey(a.SlotKey, a.ID)
		return Appointment{}, fmt.Errorf("store: book: %w", err)
	}
	err = s.followAppt(ctx, &a)
	return a, err
}

// Appointment returns one appointment or store.ErrNotFound.
func (s *Store) Appointment(ctx context.Context, id string) (Appointment, error) {
	return byID[Appointment](ctx, s.appts, id, "appointment")
}

// Reschedule moves a booked appointment to another slot of the same doctor: the new
// slot's key is claimed first, then the appointment moves, then the old key is freed.
func (s *Store) Reschedule(ctx context.Context, id string, start time.Time, by string) (Appointment, error) {
	a, err := s.Appointment(ctx, id)
	if err != nil {
		return a, err
	}
	if a.Status != ApptBooked {
		return a, fmt.Errorf("%w: the appointment is %s", store.ErrInvalid, a.Status)
	}
	_, sl, date, err := s.bookable(ctx, a.Doctor, start)
	if err != nil {
		return a, err
	}
	if sl.Start.Equal(a.Start) {
		return a, nil
	}
	key := sl.Key(a.Doctor)
	if err := s.claimKey(ctx, key, a.ID, by, s.apptHolds); err != nil {
		if errors.Is(err, errKeyHeld) {
			return a, ErrSlotTaken
		}
		return a, err
	}
	now := s.now().UTC()
	pending := bson.A{"free:" + a.SlotKey}
	if date != a.Date {
		pending = append(pending, "unday:"+a.Date)
	}
	ev := Event{At: now, By: by, From: ApptBooked, To: ApptBooked,
		Reason: "rescheduled from " + a.Start.In(s.loc).Format("2006-01-02 15:04")}
	var moved Appointment
	ok, err := guard.Update(ctx, s.db, store.CollAppointments, a.ID,
		[]guard.Cond{guard.Eq("status", ApptBooked), guard.Eq("slot_key", a.SlotKey)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "date", Value: date}, {Key: "start", Value: sl.Start}, {Key: "end", Value: sl.End},
			{Key: "room", Value: sl.Room}, {Key: "slot_key", Value: key}, {Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}},
			{Key: "$push", Value: bson.D{{Key: "events", Value: ev}}},
			{Key: "$addToSet", Value: bson.D{{Key: "pending", Value: bson.D{{Key: "$each", Value: pending}}}}},
			{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}}, &moved)
	if err == nil && !ok {
		err = store.ErrConflict
	}
	if err != nil {
		if cur, rerr := s.Appointment(ctx, a.ID); rerr == nil && cur.SlotKey != key {
			s.releaseKey(key, a.ID)
		}
		return a, err
	}
	err = s.followAppt(ctx, &moved)
	return moved, err
}

// CancelAppointment cancels a booked appointment with a reason and frees its slot.
func (s *Store) CancelAppointment(ctx context.Context, id, reason, by string) (Appointment, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Appointment{}, fmt.Errorf("%w: a reason is required to cancel", store.ErrInvalid)
	}
	a, err := s.Appointment(ctx, id)
	if err != nil {
		return a, err
	}
	return s.moveAppt(ctx, a, ApptBooked, ApptCancelled, by, reason,
		bson.D{{Key: "cancel_reason", Value: reason}}, bson.A{"free:" + a.SlotKey})
}

// MarkNoShow records that the patient of a booked appointment did not come. Only once
// the slot has started.
func (s *Store) MarkNoShow(ctx context.Context, id, by string) (Appointment, error) {
	a, err := s.Appointment(ctx, id)
	if err != nil {
		return a, err
	}
	if s.now().Before(a.Start) && a.Status == ApptBooked {
		return a, fmt.Errorf("%w: the appointment has not started yet", store.ErrInvalid)
	}
	return s.moveAppt(ctx, a, ApptBooked, ApptNoShow, by, "", nil, nil)
}

// moveAppt changes an appointment's status from `from` to `to` in one conditional write.
func (s *Store) moveAppt(ctx context.Context, a Appointment, from, to, by, reason string, set bson.D, pending bson.A) (Appointment, error) {
	if a.Status == to {
		return a, ErrAlreadyDone
	}
	if a.Status != from {
		return a, fmt.Errorf("%w: the appointment is %s", store.ErrInvalid, a.Status)
	}
	now := s.now().UTC()
	set = append(set, bson.E{Key: "status", Value: to}, bson.E{Key: "updated_at", Value: now}, bson.E{Key: "updated_by", Value: by})
	update := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}},
		{Key: "$push", Value: bson.D{{Key: "events", Value: Event{At: now, By: by, From: from, To: to, Reason: reason}}}}}
	if len(pending) > 0 {
		update = append(update, bson.E{Key: "$addToSet", Value: bson.D{{Key: "pending", Value: bson.D{{Key: "$each", Value: pending}}}}})
	}
	var out Appointment
	ok, err := guard.Update(ctx, s.db, store.CollAppointments, a.ID, []guard.Cond{guard.Eq("status", from)}, update, &out)
	if err != nil {
		return a, err
	}
	if !ok {
		cur, err := s.Appointment(ctx, a.ID)
		if err != nil {
			return a, err
		}
		if cur.Status == to {
			return cur, ErrAlreadyDone
		}
		return cur, fmt.Errorf("%w: the appointment is %s", store.ErrInvalid, cur.Status)
	}
	err = s.followAppt(ctx, &out)
	return out, err
}
