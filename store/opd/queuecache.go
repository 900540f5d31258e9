package opd

import (
	"context"
	"sync"
)

// On the embedded engine a queue bucket of 100 patients takes about 9 ms to read, and
// the boards poll it every few seconds from every screen: reads, not writes, would
// bound the OPD. Only one process can own the embedded data directory (it holds a
// flock), and every write to a queue goes through syncQueue in this package, so the
// process may keep the buckets it read and drop one whenever it writes it. Against
// MongoDB (several instances, cheap reads) nothing is cached.
type queueCache struct {
	mu      sync.Mutex
	entries map[string]*cachedQueue // database name + queue _id
}

type cachedQueue struct {
	gen int64     // moves on every write, so a read that raced a write is not kept
	doc *queueDoc // nil: not cached
}

// maxCachedQueues bounds the cache: a hospital has tens of OPD doctors a day.
const maxCachedQueues = 2000

// queues is shared by every Store of the process (tests open several over one database).
var queues = &queueCache{entries: map[string]*cachedQueue{}}

func (s *Store) queueKey(id string) string { return s.db.R.Name() + "\x00" + id }

// readQueue returns the bucket, from the cache when the engine allows it.
func (s *Store) readQueue(ctx context.Context, id string) (queueDoc, error) {
	if !s.db.Embedded {
		return byID[queueDoc](ctx, s.queues, id, "queue")
	}
	key := s.queueKey(id)
	queues.mu.Lock()
	c := queues.entries[key]
	if c == nil {
		if len(queues.entries) >= maxCachedQueues { // old days' buckets: start afresh
			queues.entries = map[string]*cachedQueue{}
		}
		c = &cachedQueue{}
		queues.entries[key] = c
	}
	if c.doc != nil {
		d := *c.doc
		queues.mu.Unlock()
		return d, nil
	}
	gen := c.gen
	queues.mu.Unlock()
	d, err := byID[queueDoc](ctx, s.queues, id, "queue")
	if err != nil {
		return d, err
	}
	queues.mu.Lock()
	if c.gen == gen { // no write since the read began
		c.doc = &d
	}
	queues.mu.Unlock()
	return d, nil
}

// forgetQueue drops a bucket before and after this process writes it.
func (s *Store) forgetQueue(id string) {
	key := s.queueKey(id)
	queues.mu.Lock()
	defer queues.mu.Unlock()
	if c := queues.entries[key]; c != nil {
		c.gen++
		c.doc = nil
	}
}
