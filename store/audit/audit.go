// Package audit keeps the tamper-evident audit trail: one event per access to a patient's
// record, login, logout, permission denial or administrative action, in a hash chain.
//
// Collections (names in store/indexes.go):
//
//   - audit: the chain. _id is the sequence number as a 12-digit zero-padded string
//     ("000000000042"): an insert claims a place exactly once on every engine, string
//     order is number order, and the embedded engine pushes a string _id filter down to
//     SQLite (a number it would filter in Go, document by document). The app only
//     inserts and reads here; it never updates or deletes.
//   - audit_head: one document, _id "head", {seq, hash} of the newest event. It saves
//     a fresh process the walk to the end of the chain; when it lags (a crash between
//     insert and update) appending probes forward from it by _id.
//   - audit_by_patient: "<patientID>:<YYYY-MM>" (UTC month) → who touched that patient
//     that month, capped at MonthCap entries plus a count of the rest; written after the
//     event as an idempotent follow-up, read by _id for "who looked at this patient".
//
// Reads are by _id, or walks over the chain: batches of explicit _ids on MongoDB, one
// pass over the collection on the embedded engine (see each). No secondary index.
package audit

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"hms/store"
)

// ErrUnavailable means an event could not be written durably: the caller must refuse
// the access it was about to allow (fail closed). The wrapped error says why.
var ErrUnavailable = errors.New("audit: the audit trail cannot be written")

// Limits of the reads.
const (
	MonthCap      = 500  // entries kept per patient per month; the rest are counted
	ScanWindow    = 5000 // events a Search without a patient examines, newest first
	RecoverWindow = 256  // newest events whose follow-ups Recover re-applies
	MaxLimit      = 1000 // rows a Search returns at most
	MaxMonths     = 36   // months ByPatient and a patient Search read at most
)

const (
	maxClaims = 1000 // insert attempts before Append gives up under contention
	batchSize = 256  // events fetched per round when walking the chain
)

// Log appends to and reads the audit trail. It is safe for concurrent use; the Logs of
// one process over one database take turns to append (they share a writer), and several
// processes may append to the same database.
type Log struct {
	db               *store.DB
	chain, head, pat store.Coll
	log              *slog.Logger
	now              func() time.Time
	monthCap         int
	scanWindow       int
	batchIn          bool // walk the chain in batches of explicit _ids (MongoDB), not one pass
	w                *writer
	fullMu           sync.Mutex
	full             map[string]bool // month documents known to have MonthCap entries
	pendingMu        sync.Mutex
	pending          []Event // events whose per-patient follow-up failed, retried later
}

// writer is the turn and the known tip of one process's appends to one database.
type writer struct {
	sem   chan struct{}
	seq   int64 // newest event this process knows of; guarded by sem
	hash  string
	known bool
}

type writerKey struct {
	client *mongo.Client
	name   string
}

var (
	writersMu sync.Mutex
	writers   = map[writerKey]*writer{}
)

func newWriter() *writer { return &writer{sem: make(chan struct{}, 1)} }

// sharedWriter returns the writer of this process for db's database. Its tip is trusted
// while the process runs: restore a database only beneath a stopped process.
func sharedWriter(db *store.DB) *writer {
	writersMu.Lock()
	defer writersMu.Unlock()
	k := writerKey{db.W.Client(), db.W.Name()}
	if w, ok := writers[k]; ok {
		return w
	}
	writers[k] = newWriter()
	return writers[k]
}

// New returns the audit log over db.
func New(db *store.DB, log *slog.Logger) *Log {
	if log == nil {
		log = slog.Default()
	}
	return &Log{db: db, chain: db.Coll(store.CollAudit), head: db.Coll(store.CollAuditHead),
		pat: db.Coll(store.CollAuditByPatient), log: log, now: time.Now, monthCap: MonthCap, scanWindow: ScanWindow,
		// On MongoDB a walk reads batches of explicit _ids (one indexed query each); on the
		// embedded engine $in scans the whole collection, so a walk streams it once.
		batchIn: !db.Embedded, w: sharedWriter(db), full: map[string]bool{}}
}

func unavailable(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
}
