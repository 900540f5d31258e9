package opd

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/guard"
	"hms/store/signing"
	"hms/store/worklist"
)

// Completion is what the doctor enters when the consultation ends.
type Completion struct {
	FollowUpDate string // "2006-01-02", after today; "" = none
	FollowUpNote string
	SignNote     bool           // sign the draft note in the same write
	Signer       signing.Person // who signs it (the doctor completing); ID "" = by
	ServiceCode  string         // "" = the doctor's consultation code; e.g. "CONS-FU" for a follow-up visit
}

// ConsultChargeID is the _id of a visit's consultation charge.
func ConsultChargeID(visitID string) string { return "visit:" + visitID + ":consult" }

// Complete ends the consultation: with_doctor → completed exactly once, however often it
// is called at the same time (a second call gets ErrAlreadyDone). The same write records
// the follow-ups: the consultation charge at the price in force at completion, and the
// patient's last visit; both are idempotent and re-applied by Repair after a crash.
func (s *Store) Complete(ctx context.Context, id string, c Completion, by string) (Visit, error) {
	now := s.now().UTC()
	if c.FollowUpDate != "" {
		if _, err := parseDate(c.FollowUpDate, s.loc); err != nil {
			return Visit{}, err
		}
		if c.FollowUpDate <= s.Today() {
			return Visit{}, fmt.Errorf("%w: the follow-up date must be after today", store.ErrInvalid)
		}
	}
	v, err := s.Visit(ctx, id)
	if err != nil {
		return v, err
	}
	if v.Status == StateCompleted {
		return v, ErrAlreadyDone
	}
	code := cmp.Or(strings.TrimSpace(c.ServiceCode), v.ServiceCode)
	svc, err := s.cat.Service(ctx, code)
	if err != nil {
		return v, fmt.Errorf("store: consultation service %s: %w", code, err)
	}
	if _, ok := svc.PriceAt(now); !ok || !svc.Active {
		return v, fmt.Errorf("%w: %s", ErrNoPrice, code)
	}
	set := bson.D{{Key: "done_at", Value: now}, {Key: "completed_by", Value: by}, {Key: "service_code", Value: code},
		{Key: "charge_id", Value: ConsultChargeID(id)}, {Key: "follow_up_date", Value: c.FollowUpDate},
		{Key: "follow_up_note", Value: strings.TrimSpace(c.FollowUpNote)}}
	var conds []guard.Cond
	if c.SignNote && v.Note.Status == NoteDraft && !v.Note.Empty() {
		if c.Signer.ID == "" {
			c.Signer.ID = by
		}
		sign, err := s.signNote(v, c.Signer)
		if err != nil {
			return v, err
		}
		set = append(set, sign...)
		// The signature covers the note as read here: the write holds only if it is unchanged.
		conds = append(conds, guard.Eq("note.status", NoteDraft), guard.Eq("note.subjective", v.Note.Subjective),
			guard.Eq("note.objective", v.Note.Objective), guard.Eq("note.assessment", v.Note.Assessment),
			guard.Eq("note.plan", v.Note.Plan))
	}
	pending := []string{followCharge, followLastVisit}
	if len(v.ActivePrescriptions()) > 0 {
		pending = append(pending, followPharmacy)
	}
	return s.transition(ctx, id, StateCompleted, by, "", visitWrite{set: set, pending: pending, conds: conds})
}

// PharmacyItemID is the pharmacy worklist item of a visit's prescriptions.
func PharmacyItemID(visitID string) string { return "rx:" + visitID }

// sendToPharmacy puts a completed visit's prescriptions on the pharmacy's worklist
// (once: the item id is derived from the visit).
func (s *Store) sendToPharmacy(ctx context.Context, v Visit) error {
	rx := v.ActivePrescriptions()
	if len(rx) == 0 {
		return nil
	}
	names := make([]string, 0, len(rx))
	for _, p := range rx {
		names = append(names, p.Generic+" "+p.Strength)
	}
	return s.lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: PharmacyItemID(v.ID), Kind: worklist.KindOPDRx, Ref: v.ID,
		PatientID: v.PatientID, MRN: v.MRN, Name: v.Name, Where: "OPD · " + v.Department, Priority: worklist.PriorityRoutine,
		Status: "waiting", Summary: strings.Join(names, ", "), At: v.DoneAt})
}

// postConsultCharge posts the consultation charge of a completed visit at the price in
// force when it completed (insert-once by ConsultChargeID).
func (s *Store) postConsultCharge(ctx context.Context, v Visit) error {
	svc, err := s.cat.Service(ctx, v.ServiceCode)
	if err != nil {
		return err
	}
	price, ok := svc.PriceAt(v.DoneAt)
	if !ok {
		return fmt.Errorf("%w: %s at %s", ErrNoPrice, v.ServiceCode, v.DoneAt.Format("2006-01-02 15:04"))
	}
	return s.charges.Post(ctx, billing.Charge{ID: cmp.Or(v.ChargeID, ConsultChargeID(v.ID)), PatientID: v.PatientID,
		MRN: v.MRN, Name: v.Name, Encounter: v.ID, EncounterKind: "opd", Department: v.Department,
		ServiceCode: v.ServiceCode, Description: svc.Name + " — " + v.DoctorName, Qty: 1, UnitPrice: price,
		TaxBP: svc.TaxBP, PostedAt: v.DoneAt, PostedBy: v.CompletedBy})
}
