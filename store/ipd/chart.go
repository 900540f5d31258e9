package ipd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/opd"
	"hms/store/signing"
)

// Shifts of the nursing day.
var Shifts = []string{"morning", "evening", "night"}

// Note is a nursing note, signed by the nurse who wrote it; notes are never edited.
type Note struct {
	ID        string             `bson:"id,omitempty"` // the signed document's id: <admission>/nursing-note/<object id>
	At        time.Time          `bson:"at"`
	Shift     string             `bson:"shift"`
	Text      string             `bson:"text"`
	By        string             `bson:"by"`
	ByName    string             `bson:"by_name"`
	Signature *signing.Signature `bson:"signature,omitempty"`
}

// NoteContent is what a nursing note's signature covers; admID ties it to its chart.
func NoteContent(admID string, n Note) signing.Content {
	return signing.Content{"id": n.ID, "admission_id": admID, "at": n.At, "shift": n.Shift, "text": n.Text, "by": n.By, "by_name": n.ByName}
}

// VerifyNotes checks the signature of each of a chart's nursing notes, in its order.
func (s *Store) VerifyNotes(c Chart) []signing.Check {
	out := make([]signing.Check, len(c.Notes))
	for i, n := range c.Notes {
		out[i] = s.signer.Verify(NoteContent(c.ID, n), n.Signature)
		if n.ID != "" { // notes written before signatures existed carry no id and no signature
			out[i] = out[i].Signed(signing.KindNursingNote, n.ID)
		}
	}
	return out
}

// Intake and output kinds.
const (
	Intake = "intake"
	Output = "output"
)

// IO is one intake or output entry in millilitres.
type IO struct {
	At     time.Time `bson:"at"`
	Kind   string    `bson:"kind"`  // intake, output
	Route  string    `bson:"route"` // oral, IV, urine, drain, vomit …
	ML     int       `bson:"ml"`
	By     string    `bson:"by"`
	ByName string    `bson:"by_name"`
}

// IORoutes are the routes the form offers, by kind.
var IORoutes = map[string][]string{Intake: {"oral", "IV", "NG tube"}, Output: {"urine", "drain", "vomit", "stool"}}

// Chart is the nursing chart of an admission: one document, appended to.
type Chart struct {
	ID     string             `bson:"_id"`
	Vitals []opd.VitalsRecord `bson:"vitals"`
	Notes  []Note             `bson:"notes"`
	IO     []IO               `bson:"io"`
	PRN    []Dose             `bson:"prn"`
}

// Chart returns an admission's nursing chart (empty when nothing is charted yet).
func (s *Store) Chart(ctx context.Context, admID string) (Chart, error) {
	c, err := byID[Chart](ctx, s.ch, admID, "chart")
	if errors.Is(err, store.ErrNotFound) {
		return Chart{ID: admID}, nil
	}
	return c, err
}

func (s *Store) activeAdmission(ctx context.Context, admID string) (Admission, error) {
	a, err := s.Admission(ctx, admID)
	if err != nil {
		return a, err
	}
	if !a.Active() {
		return a, fmt.Errorf("%w: the patient has left the ward", store.ErrInvalid)
	}
	return a, nil
}

// RecordVitals charts a set of vitals with the OPD's plausibility limits (a refused value
// is a *opd.VitalsError naming the field); the tile's abnormal-vitals badge follows.
func (s *Store) RecordVitals(ctx context.Context, admID string, vs opd.Vitals, by string) (opd.VitalsRecord, error) {
	if err := vs.Check(); err != nil {
		return opd.VitalsRecord{}, err
	}
	a, err := s.activeAdmission(ctx, admID)
	if err != nil {
		return opd.VitalsRecord{}, err
	}
	rec := opd.VitalsRecord{Vitals: vs, BMI: opd.BMIOf(vs), At: s.now().UTC(), By: by}
	if err := upsert(ctx, s.ch, admID, bson.D{{Key: "$push", Value: bson.D{{Key: "vitals", Value: rec}}}}); err != nil {
		return rec, err
	}
	abnormal := rec.AbnormalFields()
	if abnormal == nil {
		abnormal = []string{}
	}
	// A later set of vitals always wins; an older one never overwrites it.
	_, err = s.adms.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: admID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "vitals_abnormal", Value: abnormal}, {Key: "vitals_at", Value: rec.At}}}})
	if err != nil {
		return rec, fmt.Errorf("store: ward tile vitals %s: %w", admID, err)
	}
	s.bump(ctx, a.Ward)
	return rec, nil
}

// AddNote appends a nursing note signed with the server's key in the same write.
func (s *Store) AddNote(ctx context.Context, admID, shift, text string, who signing.Person) (Note, error) {
	text = strings.TrimSpace(text)
	switch {
	case !slices.Contains(Shifts, shift):
		return Note{}, fmt.Errorf("%w: choose the shift", store.ErrInvalid)
	case text == "" || len(text) > 4000:
		return Note{}, fmt.Errorf("%w: a note has 1–4000 characters", store.ErrInvalid)
	}
	if _, err := s.activeAdmission(ctx, admID); err != nil {
		return Note{}, err
	}
	n := Note{ID: admID + "/nursing-note/" + bson.NewObjectID().Hex(), At: s.now().UTC().Truncate(time.Millisecond),
		Shift: shift, Text: text, By: who.ID, ByName: who.Name}
	sig, err := s.signer.Sign(signing.KindNursingNote, n.ID, NoteContent(admID, n), who, n.At)
	if err != nil {
		return Note{}, err
	}
	n.Signature = &sig
	return n, upsert(ctx, s.ch, admID, bson.D{{Key: "$push", Value: bson.D{{Key: "notes", Value: n}}}})
}

// AddIO appends an intake or output entry.
func (s *Store) AddIO(ctx context.Context, admID, kind, route string, ml int, byName, by string) (IO, error) {
	switch {
	case !slices.Contains(IORoutes[kind], route):
		return IO{}, fmt.Errorf("%w: choose intake or output and its route", store.ErrInvalid)
	case ml < 1 || ml > 10000:
		return IO{}, fmt.Errorf("%w: the volume must be 1–10000 ml", store.ErrInvalid)
	}
	if _, err := s.activeAdmission(ctx, admID); err != nil {
		return IO{}, err
	}
	e := IO{At: s.now().UTC(), Kind: kind, Route: route, ML: ml, By: by, ByName: byName}
	return e, upsert(ctx, s.ch, admID, bson.D{{Key: "$push", Value: bson.D{{Key: "io", Value: e}}}})
}
