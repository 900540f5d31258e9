package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/audit"
)

func TestAppendLinksEachEventToTheOneBefore(t *testing.T) {
	l, db := newLog(t)
	evs := appendN(t, l, 3, read("p1"))
	for i, e := range evs {
		assert.Equal(t, int64(i+1), e.Seq)
		assert.Equal(t, e.ComputeHash(), e.Hash)
		assert.Len(t, e.Hash, 64)
		assert.Equal(t, time.UTC, e.At.Location())
		assert.Zero(t, e.At.Nanosecond()%int(time.Millisecond), "stored times keep milliseconds only")
	}
	assert.Equal(t, audit.Genesis, evs[0].Prev)
	assert.Equal(t, evs[0].Hash, evs[1].Prev)
	assert.Equal(t, evs[1].Hash, evs[2].Prev)

	raw := rawEvent(t, db, 2)
	assert.Equal(t, "000000000002", raw["_id"])
	assert.Equal(t, evs[1].Hash, raw["hash"])
	assert.Equal(t, "nurse1", raw["user"])
	assert.Equal(t, "chart:overview", raw["object"])

	seq, hash, err := l.Tip(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(3), seq)
	assert.Equal(t, evs[2].Hash, hash)
}

func TestHashCoversEveryField(t *testing.T) {
	e := audit.Event{Seq: 7, At: time.Date(2026, 11, 26, 10, 0, 0, 123e6, time.UTC), User: "u", Role: "r",
		Action: "patient.read", PatientID: "p", Object: "o", Outcome: audit.OK, RequestID: "q", IP: "10.0.0.1", Prev: audit.Genesis}
	base := e.ComputeHash()
	for name, change := range map[string]func(*audit.Event){
		"seq": func(e *audit.Event) { e.Seq++ }, "at": func(e *audit.Event) { e.At = e.At.Add(time.Millisecond) },
		"user": func(e *audit.Event) { e.User = "v" }, "role": func(e *audit.Event) { e.Role = "s" },
		"action": func(e *audit.Event) { e.Action = "patient.update" }, "patient": func(e *audit.Event) { e.PatientID = "q" },
		"object": func(e *audit.Event) { e.Object = "x" }, "outcome": func(e *audit.Event) { e.Outcome = audit.Denied },
		"request": func(e *audit.Event) { e.RequestID = "z" }, "ip": func(e *audit.Event) { e.IP = "10.0.0.2" },
		"prev": func(e *audit.Event) { e.Prev = base },
		// Length prefixes: moving a character between neighbouring fields changes the hash.
		"boundary": func(e *audit.Event) { e.User, e.Role = "ur", "" },
	} {
		c := e
		change(&c)
		assert.NotEqual(t, base, c.ComputeHash(), name)
	}
	assert.Equal(t, base, e.ComputeHash(), "deterministic")
}

// Concurrent writers in one process and in several (app instances on one MongoDB), so
// that places are contested through the database (insert-once _id), not only taken in
// turn inside a process.
func TestAppend50ConcurrentWritersTakeContiguousPlaces(t *testing.T) {
	for _, tc := range []struct{ logs, writers, each int }{
		{1, 50, 10}, // fifty goroutines of one process, ten events each
		{5, 50, 2},  // the same spread over five app instances
		{25, 25, 1}, // twenty-five instances colliding on every place (slow on the embedded engine's one writer)
	} {
		logs, writers, each := tc.logs, tc.writers, tc.each
		t.Run(fmt.Sprintf("%d logs", logs), func(t *testing.T) {
			l, db := newLog(t)
			all := []*audit.Log{l}
			for len(all) < logs {
				all = append(all, audit.NewProcess(db))
			}
			n := writers * each
			seqs := make(chan int64, n)
			errs := make(chan error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			began := time.Now()
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for range each {
						e, err := all[w%logs].Append(context.Background(), read(pid(w%7)))
						errs <- err
						seqs <- e.Seq
					}
				}()
			}
			close(start)
			wg.Wait()
			close(seqs)
			close(errs)
			took := time.Since(began)
			for err := range errs {
				require.NoError(t, err)
			}
			seen := map[int64]bool{}
			for s := range seqs {
				assert.False(t, seen[s], "seq %d handed out twice", s)
				seen[s] = true
			}
			for s := int64(1); s <= int64(n); s++ {
				assert.True(t, seen[s], "seq %d skipped", s)
			}
			r, err := l.Verify(context.Background(), 0, 0)
			require.NoError(t, err)
			assert.True(t, r.OK(), "%+v", r.Break)
			assert.Equal(t, int64(n), r.Checked)
			assert.Equal(t, int64(n), r.TipSeq)
			listed := 0
			for p := range min(writers, 7) {
				tr, err := l.ByPatient(context.Background(), pid(p), 1)
				require.NoError(t, err)
				listed += len(tr.Accesses)
			}
			assert.Equal(t, n, listed, "every event is listed once under its patient")
			t.Logf("%d logs: %d appends by %d writers in %v (%v per append, wall clock)", logs, n, writers,
				took.Round(time.Millisecond), (took / time.Duration(n)).Round(time.Microsecond))
		})
	}
}

func TestAppendProbesPastALaggingHead(t *testing.T) {
	l, db := newLog(t)
	evs := appendN(t, l, 6, read("p1"))
	// A crash after inserting events 4–6 but before recording them in the head.
	_, err := db.W.Collection(store.CollAuditHead).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "head"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: int64(3)}, {Key: "hash", Value: evs[2].Hash}}}})
	require.NoError(t, err)

	restarted := audit.NewProcess(db)
	e, err := restarted.Append(context.Background(), read("p1"))
	require.NoError(t, err)
	assert.Equal(t, int64(7), e.Seq)
	assert.Equal(t, evs[5].Hash, e.Prev)
	r, err := restarted.Verify(context.Background(), 0, 0)
	require.NoError(t, err)
	assert.True(t, r.OK(), "%+v", r.Break)
	assert.Equal(t, int64(7), r.Checked)
}

func TestAppendFailsClosedWhenTheDatabaseIsGone(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: t.TempDir()})
	require.NoError(t, err)
	l := audit.New(db, nil)
	_, err = l.Append(ctx, read("p1"))
	require.NoError(t, err)
	require.NoError(t, db.Close(ctx))

	_, err = l.Append(ctx, read("p1"))
	require.Error(t, err)
	assert.ErrorIs(t, err, audit.ErrUnavailable)
	assert.Contains(t, err.Error(), "audit trail cannot be written")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	l2, _ := newLog(t)
	_, err = l2.Append(cancelled, read("p1"))
	assert.ErrorIs(t, err, audit.ErrUnavailable)
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestAppendRefusesMalformedEntries(t *testing.T) {
	l, _ := newLog(t)
	ok := read("p1")
	for name, change := range map[string]func(*audit.Entry){
		"action with spaces":  func(e *audit.Entry) { e.Action = "Patient read" },
		"empty action":        func(e *audit.Entry) { e.Action = "" },
		"no outcome":          func(e *audit.Entry) { e.Outcome = "" },
		"unknown outcome":     func(e *audit.Entry) { e.Outcome = "maybe" },
		"operator in patient": func(e *audit.Entry) { e.PatientID = "$ne" },
		"PHI-like object":     func(e *audit.Entry) { e.Object = "diagnosis: HIV positive" },
		"newline in role":     func(e *audit.Entry) { e.Role = "nurse\nadmin" },
	} {
		in := ok
		change(&in)
		_, err := l.Append(context.Background(), in)
		assert.ErrorIs(t, err, store.ErrInvalid, name)
	}
	seq, _, err := l.Tip(context.Background())
	require.NoError(t, err)
	assert.Zero(t, seq, "nothing was written")
}

func TestAppendEscapesWhatClientsChoose(t *testing.T) {
	l, _ := newLog(t)
	in := audit.Entry{User: "x\r\nLOGIN OK user=root", Role: "", Action: audit.ActionLoginFail, Outcome: audit.Failed,
		RequestID: "r\x00", IP: "::ffff:10.1.2.3"}
	e, err := l.Append(context.Background(), in)
	require.NoError(t, err)
	assert.Equal(t, `"x\r\nLOGIN OK user=root"`, e.User, "one line, visibly quoted")
	assert.Equal(t, `"r\x00"`, e.RequestID)
	assert.Equal(t, "10.1.2.3", e.IP)

	in.IP, in.User = "1.2.3.4, 5.6.7.8", "ñandú"
	e, err = l.Append(context.Background(), in)
	require.NoError(t, err)
	assert.Equal(t, `1.2.3.4, 5.6.7.8`, e.IP, "not an address, but printable: kept")
	assert.Equal(t, `"\u00f1and\u00fa"`, e.User)
}
