package ipd

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
	"hms/store/signing"
)

// Discharge outcomes.
const (
	OutcomeHome      = "home"
	OutcomeAMA       = "ama"       // against medical advice
	OutcomeReferred  = "referred"  // referred or transferred out
	OutcomeAbsconded = "absconded" // left without telling anyone
	OutcomeDeceased  = "deceased"
)

// Outcomes in the order forms offer them, and their names.
var (
	Outcomes      = []string{OutcomeHome, OutcomeAMA, OutcomeReferred, OutcomeAbsconded, OutcomeDeceased}
	OutcomeLabels = map[string]string{OutcomeHome: "Home", OutcomeAMA: "Against medical advice",
		OutcomeReferred: "Referred / transferred out", OutcomeAbsconded: "Absconded", OutcomeDeceased: "Deceased"}
)

// Discharge is the discharge of an admission: ordered by the doctor, then departure
// recorded by the nurse (only that releases the bed).
type Discharge struct {
	Outcome       string    `bson:"outcome"`
	Note          string    `bson:"note,omitempty"`
	RefusalSigned bool      `bson:"refusal_signed,omitempty"` // AMA: the patient's signed refusal is on file
	Destination   string    `bson:"destination,omitempty"`    // referred: where to
	DeathAt       time.Time `bson:"death_at,omitempty"`
	CertifiedBy   string    `bson:"certified_by,omitempty"` // the doctor who certified the death
	OrderedAt     time.Time `bson:"ordered_at"`
	OrderedBy     string    `bson:"ordered_by"`
	OrderedByName string    `bson:"ordered_by_name"`
	DepartedAt    time.Time `bson:"departed_at,omitempty"`
	DepartedBy    string    `bson:"departed_by,omitempty"`
}

// DischargeOrder is what the doctor enters to order a discharge.
type DischargeOrder struct {
	Outcome       string
	Note          string
	RefusalSigned bool
	Destination   string
	DeathAt       time.Time
	CertifiedBy   string
	ByName        string
}

func (o *DischargeOrder) check(now time.Time, admitted time.Time) error {
	o.Note, o.Destination, o.CertifiedBy = strings.TrimSpace(o.Note), strings.TrimSpace(o.Destination), strings.TrimSpace(o.CertifiedBy)
	switch {
	case !slices.Contains(Outcomes, o.Outcome):
		return fmt.Errorf("%w: choose the outcome", store.ErrInvalid)
	case o.Outcome == OutcomeAMA && !o.RefusalSigned:
		return fmt.Errorf("%w: a discharge against medical advice needs the patient's signed refusal on file", store.ErrInvalid)
	case o.Outcome == OutcomeReferred && o.Destination == "":
		return fmt.Errorf("%w: say where the patient is referred to", store.ErrInvalid)
	case o.Outcome == OutcomeDeceased && (o.DeathAt.IsZero() || o.CertifiedBy == ""):
		return fmt.Errorf("%w: the time of death and the certifying doctor are required", store.ErrInvalid)
	case o.Outcome == OutcomeDeceased && (o.DeathAt.After(now) || o.DeathAt.Before(admitted)):
		return fmt.Errorf("%w: the time of death must lie within the stay", store.ErrInvalid)
	}
	return nil
}

// OrderDischarge records the doctor's discharge order: the tile shows it and billing is
// told; the bed stays held until the nurse records the departure. A death is recorded
// at once (the patient is marked deceased, open orders and future appointments cancelled).
func (s *Store) OrderDischarge(ctx context.Context, id string, o DischargeOrder, by string) (Admission, error) {
	a, err := s.Admission(ctx, id)
	if err != nil {
		return a, err
	}
	now := s.now().UTC()
	if err := o.check(now, a.AdmittedAt); err != nil {
		return a, err
	}
	d := Discharge{Outcome: o.Outcome, Note: o.Note, RefusalSigned: o.RefusalSigned, Destination: o.Destination,
		CertifiedBy: o.CertifiedBy, OrderedAt: now, OrderedBy: by, OrderedByName: o.ByName}
	pending := []string{followBilling}
	if o.Outcome == OutcomeDeceased {
		d.DeathAt = o.DeathAt.UTC()
		pending = append(pending, followDeceased)
	}
	out, err := s.move(ctx, a, StateActive, StateDischargeOrdered, by, "discharge ordered", OutcomeLabels[o.Outcome],
		bson.D{{Key: "discharge", Value: d}}, pending)
	if err != nil {
		return out, err
	}
	return s.follow(ctx, out)
}

// Depart records that the patient has left the ward (for a death: the body). Only now
// does the bed go to cleaning; the last nights' bed-day charges are posted.
func (s *Store) Depart(ctx context.Context, id string, at time.Time, by string) (Admission, error) {
	a, err := s.Admission(ctx, id)
	if err != nil {
		return a, err
	}
	now := s.now().UTC()
	if at.IsZero() {
		at = now
	}
	at = at.UTC()
	if at.After(now.Add(time.Minute)) || a.Discharge == nil || at.Before(a.Discharge.OrderedAt.Add(-time.Minute)) {
		return a, fmt.Errorf("%w: the departure time must be after the discharge order and not in the future", store.ErrInvalid)
	}
	stays := slices.Clone(a.Stays)
	stays[len(stays)-1].To = at
	return s.moveAndFollow(ctx, a, StateDischargeOrdered, StateDischarged, by, "left the ward", "",
		bson.D{{Key: "discharge.departed_at", Value: at}, {Key: "discharge.departed_by", Value: by}, {Key: "stays", Value: stays}},
		[]string{followRelease + a.Bed, followDeparted})
}

// move changes an admission's state in one write guarded on the state and version read,
// recording the follow-ups that must come after it.
func (s *Store) move(ctx context.Context, a Admission, from, to, by, what, detail string, set bson.D, pending []string) (Admission, error) {
	if a.Status != from {
		return a, fmt.Errorf("%w: the admission is %s", store.ErrInvalid, strings.ToLower(StateLabels[a.Status]))
	}
	now := s.now().UTC()
	set = append(set, bson.E{Key: "status", Value: to}, bson.E{Key: "updated_at", Value: now}, bson.E{Key: "updated_by", Value: by})
	update := bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}},
		{Key: "$push", Value: bson.D{{Key: "events", Value: Event{At: now, By: by, What: what, Detail: detail}},
			{Key: "pending", Value: bson.D{{Key: "$each", Value: pending}}}}}}
	var out Admission
	ok, err := guard.Update(ctx, s.db, store.CollAdmissions, a.ID,
		[]guard.Cond{guard.Eq("status", from), guard.Eq("version", a.Version)}, update, &out)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, store.ErrConflict
	}
	return out, nil
}

func (s *Store) moveAndFollow(ctx context.Context, a Admission, from, to, by, what, detail string, set bson.D, pending []string) (Admission, error) {
	out, err := s.move(ctx, a, from, to, by, what, detail, set, pending)
	if err != nil {
		return out, err
	}
	return s.follow(ctx, out)
}

// Summary is the discharge summary; once signed it is read-only.
type Summary struct {
	Diagnoses    string    `bson:"diagnoses"`
	Procedures   string    `bson:"procedures"`
	Course       string    `bson:"course"`
	Medications  string    `bson:"medications"` // on discharge
	FollowUp     string    `bson:"follow_up"`
	SavedAt      time.Time `bson:"saved_at"`
	SavedBy      string    `bson:"saved_by"`
	SignedAt     time.Time `bson:"signed_at,omitempty"`
	SignedBy     string    `bson:"signed_by,omitempty"`
	SignedByName string    `bson:"signed_by_name,omitempty"`
	// Signature is the server's signature over SummaryContent, written with SignedAt.
	Signature *signing.Signature `bson:"signature,omitempty"`
	Addenda   []SummaryAddendum  `bson:"addenda,omitempty"` // corrections after signing, each signed
}

// SummaryAddendum is a signed correction added to a signed discharge summary.
type SummaryAddendum struct {
	Text      string             `bson:"text"`
	By        string             `bson:"by"`
	ByName    string             `bson:"by_name"`
	At        time.Time          `bson:"at"`
	Signature *signing.Signature `bson:"signature,omitempty"`
}

// SummaryContent is what a discharge summary's signature covers: its clinical fields
// and whose admission it is.
func SummaryContent(a Admission) signing.Content {
	m := a.Summary
	return signing.Content{"admission_id": a.ID, "patient_id": a.PatientID, "mrn": a.MRN, "diagnoses": m.Diagnoses,
		"procedures": m.Procedures, "course": m.Course, "medications": m.Medications, "follow_up": m.FollowUp}
}

// SummaryAddendumID is the signed document id of addendum n (from 1) of a summary.
func SummaryAddendumID(admID string, n int) string {
	return fmt.Sprintf("%s/summary/addendum/%d", admID, n)
}

// SummaryAddendumContent is what the signature of addendum i (from 0) covers.
func SummaryAddendumContent(a Admission, i int) signing.Content {
	x := a.Summary.Addenda[i]
	return signing.Content{"admission_id": a.ID, "patient_id": a.PatientID, "n": i + 1, "text": x.Text, "by": x.By,
		"by_name": x.ByName, "at": x.At}
}

// SummarySeal is the verification of a signed summary and of each of its addenda.
type SummarySeal struct {
	Summary signing.Check
	Addenda []signing.Check
}

// VerifySummary checks the signatures of a's discharge summary and its addenda.
func (s *Store) VerifySummary(a Admission) SummarySeal {
	if a.Summary == nil {
		return SummarySeal{}
	}
	out := SummarySeal{Summary: s.signer.Verify(SummaryContent(a), a.Summary.Signature)}
	if a.Summary.Signed() {
		out.Summary = out.Summary.Signed(signing.KindDischargeSummary, a.ID)
	}
	for i := range a.Summary.Addenda {
		c := s.signer.Verify(SummaryAddendumContent(a, i), a.Summary.Addenda[i].Signature)
		out.Addenda = append(out.Addenda, c.Signed(signing.KindDischargeAddendum, SummaryAddendumID(a.ID, i+1)))
	}
	return out
}

// Signed reports whether the summary is signed.
func (m *Summary) Signed() bool { return m != nil && !m.SignedAt.IsZero() }

// SaveSummary stores the discharge summary draft; it may be written before or after the
// departure (it never holds the bed). A signed summary is refused.
func (s *Store) SaveSummary(ctx context.Context, id string, m Summary, by string) (Admission, error) {
	a, err := s.Admission(ctx, id)
	if err != nil {
		return a, err
	}
	if a.Summary.Signed() {
		return a, fmt.Errorf("%w: the discharge summary is signed", store.ErrInvalid)
	}
	m.Diagnoses, m.Procedures, m.Course = strings.TrimSpace(m.Diagnoses), strings.TrimSpace(m.Procedures), strings.TrimSpace(m.Course)
	m.Medications, m.FollowUp = strings.TrimSpace(m.Medications), strings.TrimSpace(m.FollowUp)
	m.SavedAt, m.SavedBy, m.SignedAt, m.SignedBy, m.SignedByName = s.now().UTC(), by, time.Time{}, "", ""
	m.Signature, m.Addenda = nil, nil
	return s.setSummary(ctx, a, m, by, "discharge summary saved")
}

// SignSummary signs the summary with the server's key, in the write that marks it
// signed; diagnoses, course and follow-up must be written. It is read-only afterwards.
func (s *Store) SignSummary(ctx context.Context, id string, who signing.Person) (Admission, error) {
	a, err := s.Admission(ctx, id)
	if err != nil {
		return a, err
	}
	switch {
	case a.Summary == nil || a.Summary.Diagnoses == "" || a.Summary.Course == "" || a.Summary.FollowUp == "":
		return a, fmt.Errorf("%w: write the diagnoses, the course and the follow-up before signing", store.ErrInvalid)
	case a.Summary.Signed():
		return a, fmt.Errorf("%w: the discharge summary is already signed", store.ErrInvalid)
	case a.Discharge == nil:
		return a, fmt.Errorf("%w: order the discharge before signing its summary", store.ErrInvalid)
	}
	m := *a.Summary
	sig, err := s.signer.Sign(signing.KindDischargeSummary, a.ID, SummaryContent(a), who, s.now())
	if err != nil {
		return a, err
	}
	// setSummary is guarded on the version read, so the summary signed is the one stored.
	m.SignedAt, m.SignedBy, m.SignedByName, m.Signature = sig.SignedAt, who.ID, who.Name, &sig
	return s.setSummary(ctx, a, m, who.ID, "discharge summary signed")
}

// AddSummaryAddendum appends a signed correction to a signed discharge summary.
func (s *Store) AddSummaryAddendum(ctx context.Context, id, text string, who signing.Person) (Admission, error) {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > 2000 {
		return Admission{}, fmt.Errorf("%w: an addendum has 1–2000 characters", store.ErrInvalid)
	}
	a, err := s.Admission(ctx, id)
	if err != nil {
		return a, err
	}
	if !a.Summary.Signed() {
		return a, fmt.Errorf("%w: the discharge summary is not signed yet; edit it instead", store.ErrInvalid)
	}
	m := *a.Summary
	x := SummaryAddendum{Text: text, By: who.ID, ByName: who.Name, At: s.now().UTC().Truncate(time.Millisecond)}
	m.Addenda = append(slices.Clone(m.Addenda), x)
	a.Summary = &m
	n := len(m.Addenda)
	sig, err := s.signer.Sign(signing.KindDischargeAddendum, SummaryAddendumID(a.ID, n), SummaryAddendumContent(a, n-1), who, x.At)
	if err != nil {
		return a, err
	}
	m.Addenda[n-1].Signature = &sig
	return s.setSummary(ctx, a, m, who.ID, "discharge summary addendum")
}

func (s *Store) setSummary(ctx context.Context, a Admission, m Summary, by, what string) (Admission, error) {
	now := s.now().UTC()
	var out Admission
	ok, err := guard.Update(ctx, s.db, store.CollAdmissions, a.ID, []guard.Cond{guard.Eq("version", a.Version)},
		bson.D{{Key: "$set", Value: stampSet(now, by, bson.E{Key: "summary", Value: m})},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}},
			{Key: "$push", Value: bson.D{{Key: "events", Value: Event{At: now, By: by, What: what}}}}}, &out)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, store.ErrConflict
	}
	return out, nil
}
