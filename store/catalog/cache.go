package catalog

import (
	"context"
	"slices"
	"sync"
	"time"
)

// listTTL is how long a catalogue list read is reused (DESIGN rule 7): a change made
// through this Catalog is seen at once, one made by another instance within this time.
const listTTL = 30 * time.Second

// listCache keeps one whole catalogue list; the consultation screen renders the
// formulary and the lab catalogue on every page, and reading them costs ~100 documents.
type listCache[T any] struct {
	mu   sync.Mutex
	at   time.Time
	list []T
}

// get returns the cached list (a copy) or loads it.
func (lc *listCache[T]) get(ctx context.Context, load func(context.Context) ([]T, error)) ([]T, error) {
	lc.mu.Lock()
	if lc.list != nil && time.Since(lc.at) < listTTL {
		out := slices.Clone(lc.list)
		lc.mu.Unlock()
		return out, nil
	}
	lc.mu.Unlock()
	list, err := load(ctx)
	if err != nil {
		return nil, err
	}
	lc.mu.Lock()
	lc.list, lc.at = slices.Clone(list), time.Now()
	lc.mu.Unlock()
	return list, nil
}

// forget drops the list after a change through this Catalog.
func (lc *listCache[T]) forget() {
	lc.mu.Lock()
	lc.list = nil
	lc.mu.Unlock()
}
