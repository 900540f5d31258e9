package lab

import (
	"context"
	"slices"
	"sync"
	"time"

	"hms/store/worklist"
)

// worklistTTL is how long a read of the lab worklist is reused. Every bench PC polls it
// every 10 s and the list document holds a few hundred items (tens of ms to read on the
// embedded engine), so readers share one read: a change made through this process is
// seen at once, one made elsewhere (an order placed by the OPD) within this time.
const worklistTTL = 2 * time.Second

type worklistCache struct {
	mu      sync.Mutex
	at      time.Time
	items   []worklist.Item
	version int64
}

// Worklist returns the lab's open orders and the list's version (shared for worklistTTL).
func (s *Store) Worklist(ctx context.Context) ([]worklist.Item, int64, error) {
	c := &s.wl
	c.mu.Lock() // held across the read: concurrent pollers wait for one read, not ten
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < worklistTTL {
		return slices.Clone(c.items), c.version, nil
	}
	items, version, err := s.lists.Items(ctx, worklist.Lab)
	if err != nil {
		return nil, 0, err
	}
	c.items, c.version, c.at = items, version, time.Now()
	return slices.Clone(items), version, nil
}

// forgetWorklist drops the shared read after this process changed the list.
func (s *Store) forgetWorklist() {
	s.wl.mu.Lock()
	s.wl.at = time.Time{}
	s.wl.mu.Unlock()
}
