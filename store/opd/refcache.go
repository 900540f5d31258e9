package opd

import (
	"context"
	"fmt"
	"sync"
	"time"

	"hms/store"
	"hms/store/catalog"
)

// refTTL is how long the cached formulary and lab catalogue are trusted (DESIGN rule 7):
// a change made through another instance shows within this time; a code not found
// refreshes at once, so a drug just added here is found.
const refTTL = 30 * time.Second

// refCache holds the drug formulary and the lab catalogue, read whole from the catalogue
// (hundreds of documents) and looked up by code in memory.
type refCache struct {
	cat    *catalog.Catalog
	mu     sync.Mutex
	loaded time.Time
	drugs  map[string]catalog.Drug
	labs   map[string]catalog.LabTest
}

func newRefCache(cat *catalog.Catalog) *refCache { return &refCache{cat: cat} }

func (r *refCache) refresh(ctx context.Context, force bool) error {
	if !force && time.Since(r.loaded) < refTTL {
		return nil
	}
	drugs, err := r.cat.Drugs(ctx)
	if err != nil {
		return err
	}
	labs, err := r.cat.LabTests(ctx)
	if err != nil {
		return err
	}
	r.drugs = make(map[string]catalog.Drug, len(drugs))
	for _, d := range drugs {
		r.drugs[d.Code] = d
	}
	r.labs = make(map[string]catalog.LabTest, len(labs))
	for _, t := range labs {
		r.labs[t.Code] = t
	}
	r.loaded = time.Now()
	return nil
}

func lookup[T any](ctx context.Context, r *refCache, pick func() (T, bool), what, code string) (T, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var zero T
	if err := r.refresh(ctx, false); err != nil {
		return zero, err
	}
	if v, ok := pick(); ok {
		return v, nil
	}
	if err := r.refresh(ctx, true); err != nil {
		return zero, err
	}
	if v, ok := pick(); ok {
		return v, nil
	}
	return zero, fmt.Errorf("%w: %s %q", store.ErrNotFound, what, code)
}

// Drug returns a formulary entry by code.
func (s *Store) Drug(ctx context.Context, code string) (catalog.Drug, error) {
	r := s.ref
	return lookup(ctx, r, func() (catalog.Drug, bool) { d, ok := r.drugs[code]; return d, ok }, "drug", code)
}

// LabTest returns a lab catalogue entry by code.
func (s *Store) LabTest(ctx context.Context, code string) (catalog.LabTest, error) {
	r := s.ref
	return lookup(ctx, r, func() (catalog.LabTest, bool) { t, ok := r.labs[code]; return t, ok }, "lab test", code)
}
