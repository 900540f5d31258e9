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

// Addendum is text added to a signed note.
type Addendum struct {
	Text string    `bson:"text"`
	By   string    `bson:"by"`
	At   time.Time `bson:"at"`
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

// SignNote signs the note: from then on it is read-only.
func (s *Store) SignNote(ctx context.Context, id, by string) (Visit, error) {
	v, err := s.edit(ctx, id, by, []string{StateWithDoctor, StateCompleted}, func(v Visit) (visitWrite, error) {
		if v.Note.Status == NoteSigned {
			return visitWrite{}, ErrAlreadyDone
		}
		if v.Note.Empty() {
			return visitWrite{}, fmt.Errorf("%w: the note is empty", store.ErrInvalid)
		}
		return visitWrite{set: signNote(s.now().UTC(), by)}, nil
	})
	return v, err
}

func signNote(at time.Time, by string) bson.D {
	return bson.D{{Key: "note.status", Value: NoteSigned}, {Key: "note.signed_at", Value: at}, {Key: "note.signed_by", Value: by}}
}

// AddAddendum appends text to a signed note, with its author and time.
func (s *Store) AddAddendum(ctx context.Context, id, text, by string) (Visit, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Visit{}, fmt.Errorf("%w: the addendum is empty", store.ErrInvalid)
	}
	return s.edit(ctx, id, by, []string{StateWithDoctor, StateCompleted}, func(v Visit) (visitWrite, error) {
		if v.Note.Status != NoteSigned {
			return visitWrite{}, fmt.Errorf("%w: the note is not signed yet; edit it instead", store.ErrInvalid)
		}
		return visitWrite{push: bson.D{{Key: "note.addenda", Value: Addendum{Text: text, By: by, At: s.now().UTC()}}}}, nil
	})
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
