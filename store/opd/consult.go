package opd

import (
	"cmp"
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

// Note states: a signed note is read-only; corrections are addenda.
const (
	NoteDraft  = "draft"
	NoteSigned = "signed"
)

// SOAP is the clinical note's four parts.
type SOAP struct {
	Subjective string `bson:"subjective"`
	Objective  string `bson:"objective"`
	Assessment string `bson:"assessment"`
	Plan       string `bson:"plan"`
}

// Empty reports whether nothing has been written.
func (n SOAP) Empty() bool {
	return strings.TrimSpace(n.Subjective+n.Objective+n.Assessment+n.Plan) == ""
}

// Addendum is text added to a signed note, itself signed when it is added.
type Addendum struct {
	Text      string             `bson:"text"`
	By        string             `bson:"by"`
	At        time.Time          `bson:"at"`
	Signature *signing.Signature `bson:"signature,omitempty"`
}

// Note is the visit's clinical note.
type Note struct {
	SOAP     `bson:",inline"`
	Status   string     `bson:"status"`
	SavedAt  time.Time  `bson:"saved_at,omitempty"`
	SavedBy  string     `bson:"saved_by,omitempty"`
	SignedAt time.Time  `bson:"signed_at,omitempty"`
	SignedBy string     `bson:"signed_by,omitempty"`
	Addenda  []Addendum `bson:"addenda,omitempty"`
	// Signature is the server's signature over NoteContent, written in the same guarded
	// write that marks the note signed (absent on notes signed before signatures existed).
	Signature *signing.Signature `bson:"signature,omitempty"`
}

// Diagnosis is one diagnosis of the visit: an ICD-10 code, free text, or both.
type Diagnosis struct {
	Line    int       `bson:"line"`
	Code    string    `bson:"code,omitempty"`
	Title   string    `bson:"title,omitempty"` // the code's title
	Text    string    `bson:"text,omitempty"`  // the doctor's words
	Primary bool      `bson:"primary"`
	By      string    `bson:"by"`
	At      time.Time `bson:"at"`
}

// consulting is where the consultation may be written: with the doctor.
var consulting = []string{StateWithDoctor}

// edit applies a change worked out from the visit as read, in a write conditional on the
// version read (retried a few times when something else changed the visit meanwhile).
func (s *Store) edit(ctx context.Context, id, by string, states []string, change func(v Visit) (visitWrite, error)) (Visit, error) {
	for attempt := 0; attempt < 5; attempt++ {
		v, err := s.Visit(ctx, id)
		if err != nil {
			return v, err
		}
		if !slices.Contains(states, v.Status) {
			return v, fmt.Errorf("%w: the visit is %s", store.ErrInvalid, strings.ToLower(StateLabels[v.Status]))
		}
		w, err := change(v)
		if err != nil {
			return v, err
		}
		w.conds = append(w.conds, guard.Eq("version", v.Version))
		out, ok, err := s.write(ctx, id, by, w)
		if err != nil || ok {
			return out, err
		}
	}
	return Visit{}, store.ErrConflict
}

func errSigned() error {
	return fmt.Errorf("%w: the note is signed; add an addendum instead", store.ErrInvalid)
}

// SaveNote saves the draft note (as often as the doctor likes). A signed note is refused.
func (s *Store) SaveNote(ctx context.Context, id string, n SOAP, by string) (Visit, error) {
	return s.edit(ctx, id, by, []string{StateWithDoctor, StateCompleted}, func(v Visit) (visitWrite, error) {
		if v.Note.Status == NoteSigned {
			return visitWrite{}, errSigned()
		}
		return visitWrite{set: bson.D{{Key: "note.subjective", Value: n.Subjective}, {Key: "note.objective", Value: n.Objective},
			{Key: "note.assessment", Value: n.Assessment}, {Key: "note.plan", Value: n.Plan},
			{Key: "note.saved_at", Value: s.now().UTC()}, {Key: "note.saved_by", Value: by}}}, nil
	})
}

// SignNote signs the note with the server's key: from then on it is read-only.
func (s *Store) SignNote(ctx context.Context, id string, who signing.Person) (Visit, error) {
	v, err := s.edit(ctx, id, who.ID, []string{StateWithDoctor, StateCompleted}, func(v Visit) (visitWrite, error) {
		if v.Note.Status == NoteSigned {
			return visitWrite{}, ErrAlreadyDone
		}
		if v.Note.Empty() {
			return visitWrite{}, fmt.Errorf("%w: the note is empty", store.ErrInvalid)
		}
		set, err := s.signNote(v, who)
		return visitWrite{set: set}, err
	})
	return v, err
}

// signNote is the $set that signs v's note as read: the write that applies it is guarded
// on v's version, so what was signed is what is stored.
func (s *Store) signNote(v Visit, who signing.Person) (bson.D, error) {
	sig, err := s.signer.Sign(signing.KindConsultNote, v.ID, NoteContent(v), who, s.now())
	if err != nil {
		return nil, err
	}
	return bson.D{{Key: "note.status", Value: NoteSigned}, {Key: "note.signed_at", Value: sig.SignedAt},
		{Key: "note.signed_by", Value: who.ID}, {Key: "note.signature", Value: sig}}, nil
}

// NoteContent is what a consultation note's signature covers: the four parts and whose
// visit it is.
func NoteContent(v Visit) signing.Content {
	return signing.Content{"visit_id": v.ID, "patient_id": v.PatientID, "mrn": v.MRN, "subjective": v.Note.Subjective,
		"objective": v.Note.Objective, "assessment": v.Note.Assessment, "plan": v.Note.Plan}
}

// AddendumContent is what the signature of addendum i (from 0) of v's note covers.
func AddendumContent(v Visit, i int) signing.Content {
	a := v.Note.Addenda[i]
	return signing.Content{"visit_id": v.ID, "patient_id": v.PatientID, "n": i + 1, "text": a.Text, "by": a.By, "at": a.At}
}

// AddendumID is the signed document id of addendum n (from 1) of a visit's note.
func AddendumID(visitID string, n int) string { return fmt.Sprintf("%s/addendum/%d", visitID, n) }

// AddAddendum appends a signed correction to a signed note, with its author and time.
func (s *Store) AddAddendum(ctx context.Context, id, text string, who signing.Person) (Visit, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Visit{}, fmt.Errorf("%w: the addendum is empty", store.ErrInvalid)
	}
	return s.edit(ctx, id, who.ID, []string{StateWithDoctor, StateCompleted}, func(v Visit) (visitWrite, error) {
		if v.Note.Status != NoteSigned {
			return visitWrite{}, fmt.Errorf("%w: the note is not signed yet; edit it instead", store.ErrInvalid)
		}
		a := Addendum{Text: text, By: who.ID, At: s.now().UTC().Truncate(time.Millisecond)}
		v.Note.Addenda = append(slices.Clone(v.Note.Addenda), a)
		n := len(v.Note.Addenda)
		sig, err := s.signer.Sign(signing.KindConsultAddendum, AddendumID(v.ID, n), AddendumContent(v, n-1), who, a.At)
		if err != nil {
			return visitWrite{}, err
		}
		a.Signature = &sig
		return visitWrite{push: bson.D{{Key: "note.addenda", Value: a}}}, nil
	})
}

// NoteSeal is the verification of a visit's signed note and of each of its addenda.
type NoteSeal struct {
	Note    signing.Check
	Addenda []signing.Check // in the note's order
}

// VerifyNote checks the signatures of v's note and addenda against their content now.
func (s *Store) VerifyNote(v Visit) NoteSeal {
	out := NoteSeal{Note: s.signer.Verify(NoteContent(v), v.Note.Signature)}
	if v.Note.Status == NoteSigned {
		out.Note = out.Note.Signed(signing.KindConsultNote, v.ID)
	}
	for i := range v.Note.Addenda {
		c := s.signer.Verify(AddendumContent(v, i), v.Note.Addenda[i].Signature)
		out.Addenda = append(out.Addenda, c.Signed(signing.KindConsultAddendum, AddendumID(v.ID, i+1)))
	}
	return out
}

// AddDiagnosis adds an ICD-10 code (from the shipped list), free text, or both. The first
// diagnosis, or one marked primary, is the primary one.
func (s *Store) AddDiagnosis(ctx context.Context, id, code, text string, primary bool, by string) (Visit, error) {
	code, text = strings.ToUpper(strings.TrimSpace(code)), strings.TrimSpace(text)
	d := Diagnosis{Code: code, Text: text, Primary: primary, By: by, At: s.now().UTC()}
	if code != "" {
		c, ok := ICD10ByCode(code)
		if !ok {
			return Visit{}, fmt.Errorf("%w: ICD-10 code %q", store.ErrNotFound, code)
		}
		d.Code, d.Title = c.Code, c.Title
	} else if text == "" {
		return Visit{}, fmt.Errorf("%w: enter a code or a diagnosis", store.ErrInvalid)
	}
	return s.edit(ctx, id, by, consulting, func(v Visit) (visitWrite, error) {
		list := slices.Clone(v.Diagnoses)
		line := 0
		for _, x := range list {
			if d.Code != "" && x.Code == d.Code {
				return visitWrite{}, fmt.Errorf("%w: %s is already a diagnosis", store.ErrDuplicate, d.Code)
			}
			line = max(line, x.Line)
		}
		d.Line = line + 1
		if len(list) == 0 {
			d.Primary = true
		}
		if d.Primary {
			for i := range list {
				list[i].Primary = false
			}
		}
		return visitWrite{set: bson.D{{Key: "diagnoses", Value: append(list, d)}}}, nil
	})
}

// RemoveDiagnosis takes a diagnosis off the visit during the consultation.
func (s *Store) RemoveDiagnosis(ctx context.Context, id string, line int, by string) (Visit, error) {
	return s.edit(ctx, id, by, consulting, func(v Visit) (visitWrite, error) {
		i := slices.IndexFunc(v.Diagnoses, func(d Diagnosis) bool { return d.Line == line })
		if i < 0 {
			return visitWrite{}, fmt.Errorf("%w: diagnosis %d", store.ErrNotFound, line)
		}
		list := slices.Delete(slices.Clone(v.Diagnoses), i, i+1)
		if len(list) > 0 && !slices.ContainsFunc(list, func(d Diagnosis) bool { return d.Primary }) {
			slices.SortFunc(list, func(a, b Diagnosis) int { return cmp.Compare(a.Line, b.Line) })
			list[0].Primary = true
		}
		return visitWrite{set: bson.D{{Key: "diagnoses", Value: list}}}, nil
	})
}
