package opd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hms/store"
	"hms/store/catalog"
)

// Visit is one OPD visit: the source of truth for the patient's place in the queue,
// the triage vitals and the consultation. The queue bucket, the appointment's status,
// the lab/radiology order documents and the consultation charge follow from it.
type Visit struct {
	ID             string         `bson:"_id"` // "V0000123"
	Number         int64          `bson:"number"`
	Date           string         `bson:"date"` // check-in date in the hospital's zone
	Token          int64          `bson:"token"`
	Doctor         string         `bson:"doctor"`
	DoctorName     string         `bson:"doctor_name"`
	Department     string         `bson:"department"`
	Room           string         `bson:"room,omitempty"`
	ServiceCode    string         `bson:"service_code"` // the consultation's price-list code
	PatientID      string         `bson:"patient_id"`
	MRN            string         `bson:"mrn"`
	Name           string         `bson:"name"`
	AgeSex         string         `bson:"age_sex"`
	AppointmentID  string         `bson:"appointment_id,omitempty"`
	Complaint      string         `bson:"complaint,omitempty"`
	Status         string         `bson:"status"`
	Priority       string         `bson:"priority,omitempty"`
	PriorityReason string         `bson:"priority_reason,omitempty"`
	CheckedInAt    time.Time      `bson:"checked_in_at"`
	CalledAt       time.Time      `bson:"called_at,omitempty"`
	SeenBy         string         `bson:"seen_by,omitempty"` // who called the patient in
	DoneAt         time.Time      `bson:"done_at,omitempty"` // completed or cancelled
	CancelReason   string         `bson:"cancel_reason,omitempty"`
	Vitals         []VitalsRecord `bson:"vitals"`
	Note           Note           `bson:"note"`
	Diagnoses      []Diagnosis    `bson:"diagnoses"`
	Prescriptions  []Prescription `bson:"prescriptions"`
	Orders         []Order        `bson:"orders"`
	FollowUpDate   string         `bson:"follow_up_date,omitempty"`
	FollowUpNote   string         `bson:"follow_up_note,omitempty"`
	CompletedBy    string         `bson:"completed_by,omitempty"`
	ChargeID       string         `bson:"charge_id,omitempty"`
	Events         []Event        `bson:"events"`
	Pending        []string       `bson:"pending,omitempty"` // follow-ups still to apply
	Seq            int64          `bson:"seq"`               // moves on every change the queue shows
	QueueSeq       int64          `bson:"queue_seq"`         // the Seq the queue bucket shows
	Version        int64          `bson:"version"`           // moves on every change
	catalog.Stamp  `bson:",inline"`
}

// AssignedTo reports whether the visit is in username's queue. Handlers let a doctor act
// on another doctor's patient only with the override permission.
func (v Visit) AssignedTo(username string) bool { return v.Doctor == username }

// LatestVitals returns the last vitals recorded, if any.
func (v Visit) LatestVitals() (VitalsRecord, bool) {
	if len(v.Vitals) == 0 {
		return VitalsRecord{}, false
	}
	return v.Vitals[len(v.Vitals)-1], true
}

// Pending follow-up kinds recorded on a visit.
const (
	followAppt      = "appt"       // mark the appointment checked in
	followCharge    = "charge"     // post the consultation charge
	followLastVisit = "last_visit" // record the patient's last visit
	followOrder     = "order"      // "order:<line>": store the order document
	followPharmacy  = "pharmacy"   // put the visit's prescriptions on the pharmacy's worklist
)

// Priority kinds that move a patient up the queue.
const (
	PriorityNone      = ""
	PriorityElderly   = "elderly"
	PriorityEmergency = "emergency" // emergency referral
	PriorityOther     = "other"     // needs a reason
)

// PriorityLabels are the names people read.
var PriorityLabels = map[string]string{PriorityElderly: "Elderly", PriorityEmergency: "Emergency referral", PriorityOther: "Priority"}

func checkPriority(kind, reason string) error {
	switch kind {
	case PriorityNone, PriorityElderly, PriorityEmergency:
		return nil
	case PriorityOther:
		if strings.TrimSpace(reason) == "" {
			return fmt.Errorf("%w: a reason is required for priority", store.ErrInvalid)
		}
		return nil
	}
	return fmt.Errorf("%w: priority %q", store.ErrInvalid, kind)
}

// CheckIn is what the front desk enters: an appointment, or a walk-in's patient and doctor.
type CheckIn struct {
	AppointmentID  string // from an appointment: patient and doctor come from it
	PatientID      string // walk-in
	Doctor         string // walk-in
	Complaint      string
	Priority       string
	PriorityReason string
	Token          string // the walk-in form's one-time token: a double-clicked check-in makes one visit
}

// Visit returns one visit or store.ErrNotFound.
func (s *Store) Visit(ctx context.Context, id string) (Visit, error) {
	return byID[Visit](ctx, s.vis, id, "visit")
}

// CheckIn creates an OPD visit with a visit number and the doctor's next token of the
// day (1, 2, 3 …: the counter token:<date>:<doctor>). Checking in the same appointment
// (or the same walk-in form) twice creates one visit: the second call returns it with
// ErrAlreadyCheckedIn.
func (s *Store) CheckIn(ctx context.Context, in CheckIn, by string) (Visit, error) {
	date := s.Today()
	key := ""
	if in.AppointmentID != "" {
		a, err := s.Appointment(ctx, in.AppointmentID)
		if err != nil {
			return Visit{}, err
		}
		switch {
		case a.Status == ApptCheckedIn && a.VisitID != "":
			v, err := s.Visit(ctx, a.VisitID)
			if err != nil {
				return v, err
			}
			return v, ErrAlreadyCheckedIn
		case a.Status != ApptBooked && a.Status != ApptCheckedIn:
			return Visit{}, fmt.Errorf("%w: the appointment is %s", store.ErrInvalid, a.Status)
		case a.Date != date:
			return Visit{}, fmt.Errorf("%w: the appointment is for %s", store.ErrInvalid, a.Date)
		}
		in.PatientID, in.Doctor, key = a.PatientID, a.Doctor, "checkin:"+a.ID
		in.Complaint = strings.TrimSpace(in.Complaint + " " + a.Reason)
	} else if in.Token != "" {
		key = "checkin-form:" + in.Token
	}
	if err := checkPriority(in.Priority, in.PriorityReason); err != nil {
		return Visit{}, err
	}
	doc, err := s.doctor(ctx, in.Doctor)
	if err != nil {
		return Visit{}, err
	}
	pat, err := s.pats.ByID(ctx, in.PatientID)
	if err != nil {
		return Visit{}, fmt.Errorf("store: check-in: patient: %w", err)
	}
	if pat.DuplicateOf != "" {
		return Visit{}, fmt.Errorf("%w: this record is a duplicate of MRN %s", store.ErrInvalid, pat.DupOfMRN)
	}
	n, err := s.db.Next(ctx, "visit")
	if err != nil {
		return Visit{}, err
	}
	id := fmt.Sprintf("V%07d", n)
	if key != "" {
		if err := s.claimKey(ctx, key, id, by, s.visitStored); err != nil {
			if !errors.Is(err, errKeyHeld) {
				return Visit{}, err
			}
			return s.checkedInBy(ctx, key)
		}
	}
	if err := s.journal(ctx, "first_visit", n); err == nil {
		err = s.listDoctor(ctx, date, doc.Username, doc.Department)
	}
	if err != nil {
		return Visit{}, err
	}
	token, err := s.db.Next(ctx, "token:"+date+":"+doc.Username)
	if err != nil {
		return Visit{}, err
	}
	now := s.now().UTC()
	v := Visit{ID: id, Number: n, Date: date, Token: token, Doctor: doc.Username, DoctorName: doc.FullName,
		Department: doc.Department, Room: doc.Room, ServiceCode: doc.ConsultService, PatientID: pat.ID, MRN: pat.MRN,
		Name: pat.Name(), AgeSex: ageSex(pat, now), AppointmentID: in.AppointmentID, Complaint: strings.TrimSpace(in.Complaint),
		Status: StateWaiting, Priority: in.Priority, PriorityReason: strings.TrimSpace(in.PriorityReason), CheckedInAt: now,
		Vitals: []VitalsRecord{}, Note: Note{Status: NoteDraft}, Diagnoses: []Diagnosis{}, Prescriptions: []Prescription{},
		Orders: []Order{}, Events: []Event{{At: now, By: by, To: StateWaiting}}, Seq: 1, Version: 1, Stamp: stamp(now, by)}
	if in.AppointmentID != "" {
		v.Pending = []string{followAppt}
	}
	if _, err := s.vis.W.InsertOne(ctx, v); err != nil {
		if key != "" {
			s.releaseKey(key, id)
		}
		return Visit{}, fmt.Errorf("store: check-in: %w", err)
	}
	err = s.followVisit(ctx, &v)
	return v, err
}

// visitStored reports whether visit owner was stored (a visit holds its check-in key).
func (s *Store) visitStored(ctx context.Context, owner, _ string) (bool, bool, error) {
	_, err := s.Visit(ctx, owner)
	if errors.Is(err, store.ErrNotFound) {
		return false, false, nil
	}
	return err == nil, err == nil, err
}

// checkedInBy waits (up to 5 s) for the visit that holds a check-in key to be stored,
// and returns it with ErrAlreadyCheckedIn.
func (s *Store) checkedInBy(ctx context.Context, key string) (Visit, error) {
	for range 100 {
		k, err := byID[keyDoc](ctx, s.keys, key, "check-in key")
		if err != nil {
			return Visit{}, err
		}
		v, err := s.Visit(ctx, k.Owner)
		if err == nil {
			return v, ErrAlreadyCheckedIn
		}
		if !errors.Is(err, store.ErrNotFound) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return Visit{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return Visit{}, fmt.Errorf("%w: this check-in is still being saved", store.ErrConflict)
}

// queueEntry is the visit as the queue bucket shows it.
func queueEntry(v Visit) QueueEntry {
	e := QueueEntry{VisitID: v.ID, Token: v.Token, PatientID: v.PatientID, MRN: v.MRN, Name: v.Name, AgeSex: v.AgeSex,
		State: v.Status, Priority: v.Priority, PriorityReason: v.PriorityReason, AppointmentID: v.AppointmentID,
		CheckedInAt: v.CheckedInAt, CalledAt: v.CalledAt, DoneAt: v.DoneAt, Seq: v.Seq}
	if vr, ok := v.LatestVitals(); ok {
		e.VitalsTaken, e.Abnormal = true, len(vr.AbnormalFields()) > 0
	}
	return e
}

// activeStates are the states in which a visit is still in the queue.
var activeStates = []string{StateWaiting, StateVitalsDone, StateWithDoctor, StateSkipped}

// Active reports whether the visit is still in the queue.
func (v Visit) Active() bool { return slices.Contains(activeStates, v.Status) }
