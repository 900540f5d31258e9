package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/patients"
)

// Interaction severities, most serious first.
const (
	SeverityMajor    = "major"
	SeverityModerate = "moderate"
	SeverityMinor    = "minor"
)

// Severities are the allowed severities in the order forms offer them.
var Severities = []string{SeverityMajor, SeverityModerate, SeverityMinor}

// Interaction is a known interaction between two generics (folded names), with a one-line note.
type Interaction struct {
	ID       string `bson:"_id"` // InteractionID(a, b)
	A        string `bson:"a"`   // as entered, for display
	B        string `bson:"b"`
	Severity string `bson:"severity"`
	Note     string `bson:"note"`
	Stamp    `bson:",inline"`
}

// InteractionID is the key of the pair: both generics folded, in order, so a–b and b–a are one.
func InteractionID(a, b string) string {
	x, y := patients.Fold(a), patients.Fold(b)
	if y < x {
		x, y = y, x
	}
	return x + "|" + y
}

// Components are the folded generics a drug is made of ("Amoxicillin + clavulanic acid" → two).
func Components(generic string) []string {
	var out []string
	for _, p := range strings.Split(generic, "+") {
		if f := patients.Fold(p); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Interactions lists the known interactions (cached like the formulary).
func (c *Catalog) Interactions(ctx context.Context) ([]Interaction, error) {
	return c.interactionList(ctx)
}

// SaveInteraction adds or replaces the interaction of a pair.
func (c *Catalog) SaveInteraction(ctx context.Context, in Interaction, who string) error {
	defer interactionCache.forget()
	if patients.Fold(in.A) == "" || patients.Fold(in.B) == "" || patients.Fold(in.A) == patients.Fold(in.B) {
		return fmt.Errorf("%w: an interaction needs two different generics", store.ErrInvalid)
	}
	if !slices.Contains(Severities, in.Severity) {
		return fmt.Errorf("%w: severity %q", store.ErrInvalid, in.Severity)
	}
	in.ID = InteractionID(in.A, in.B)
	now := time.Now().UTC()
	_, err := c.drugs.W.Database().Collection(store.CollDrugInteractions).UpdateOne(ctx, bson.D{{Key: "_id", Value: in.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "a", Value: strings.TrimSpace(in.A)}, {Key: "b", Value: strings.TrimSpace(in.B)},
			{Key: "severity", Value: in.Severity}, {Key: "note", Value: strings.TrimSpace(in.Note)},
			{Key: "updated_at", Value: now}, {Key: "updated_by", Value: who}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "created_at", Value: now}, {Key: "created_by", Value: who}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: save interaction %s: %w", in.ID, err)
	}
	return nil
}

// DeleteInteraction removes a pair (reference data, not a clinical record).
func (c *Catalog) DeleteInteraction(ctx context.Context, id string) error {
	defer interactionCache.forget()
	_, err := c.drugs.W.Database().Collection(store.CollDrugInteractions).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return fmt.Errorf("store: delete interaction %s: %w", id, err)
	}
	return nil
}

// Found is one interaction between a drug and another medication of the patient.
type Found struct {
	Interaction
	Drug, Other string // the generics as named on the drug and the other medication
}

// InteractionsWith finds the known interactions between generic and each of others.
func (c *Catalog) InteractionsWith(ctx context.Context, generic string, others []string) ([]Found, error) {
	list, err := c.Interactions(ctx)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	byID := make(map[string]Interaction, len(list))
	for _, in := range list {
		byID[in.ID] = in
	}
	var out []Found
	seen := map[string]bool{}
	for _, o := range others {
		for _, x := range Components(generic) {
			for _, y := range Components(o) {
				id := InteractionID(x, y)
				if in, ok := byID[id]; ok && !seen[id+o] {
					seen[id+o] = true
					out = append(out, Found{Interaction: in, Drug: generic, Other: o})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Found) int {
		return slices.Index(Severities, a.Severity) - slices.Index(Severities, b.Severity)
	})
	return out, nil
}

// interactionCache keeps the interaction list; a package variable so Catalog's shape
// (shared with other teams) is unchanged. Keyed by database name: tests use several.
var interactionCache = struct{ forget func() }{forget: func() { interactionLists.clear() }}

var interactionLists = &dbCaches{m: map[string]*listCache[Interaction]{}}

func (c *Catalog) interactionList(ctx context.Context) ([]Interaction, error) {
	coll := c.drugs.R.Database().Collection(store.CollDrugInteractions)
	return interactionLists.get(c.drugs.R.Database().Name()).get(ctx, func(ctx context.Context) ([]Interaction, error) {
		return all[Interaction](ctx, store.Coll{R: coll, W: coll}, "interactions")
	})
}

// dbCaches holds one interaction list cache per database.
type dbCaches struct {
	mu sync.Mutex
	m  map[string]*listCache[Interaction]
}

func (d *dbCaches) get(name string) *listCache[Interaction] {
	d.mu.Lock()
	defer d.mu.Unlock()
	lc, ok := d.m[name]
	if !ok {
		lc = &listCache[Interaction]{}
		d.m[name] = lc
	}
	return lc
}

func (d *dbCaches) clear() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, lc := range d.m {
		lc.forget()
	}
}
