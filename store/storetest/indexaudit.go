package storetest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"hms/metrics"
	"hms/store"
)

// The index audit records the shape of every filter and sort the store sends while a
// package's tests run, and fails the package on any shape no declared index serves (what
// a real MongoDB would answer with a collection scan). The test harness's own reads
// (copying a template) carry harnessCtx and are not the store's queries.

type harnessKey struct{}

func harnessCtx() context.Context { return context.WithValue(context.Background(), harnessKey{}, true) }

// queryShape is one query the store sent: collection, command, filter shape, sort keys.
type queryShape struct {
	coll, command, filter, sort string
	declared                    string   // the DeclaredScan reason
	keys                        []string // top-level filter keys
	sortKeys                    []string
}

func (q queryShape) String() string {
	s := fmt.Sprintf("%-20s %-14s %s", q.coll, q.command, q.filter)
	if q.sort != "" {
		s += " sort " + q.sort
	}
	return s
}

type auditLog struct {
	mu     sync.Mutex
	shapes map[string]queryShape
}

var audited = &auditLog{shapes: map[string]queryShape{}}

func (l *auditLog) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(ctx context.Context, e *event.CommandStartedEvent) {
		if ctx != nil && ctx.Value(harnessKey{}) != nil || calledFromTest() {
			return
		}
		q, ok := shapeOf(e.CommandName, e.Command)
		if !ok {
			return
		}
		q.declared, _ = store.ScanReason(ctx)
		l.mu.Lock()
		l.shapes[q.String()] = q
		l.mu.Unlock()
	}}
}

func shapeOf(command string, cmd bson.Raw) (queryShape, bool) {
	switch command {
	case "find", "count", "distinct", "findAndModify", "update", "delete", "aggregate":
	default:
		return queryShape{}, false
	}
	coll, filter := metrics.Describe(command, cmd)
	q := queryShape{coll: coll, command: command, filter: filter}
	if filter == "" {
		q.filter = "{}"
	}
	q.keys = topKeys(cmd, command)
	if v, err := cmd.LookupErr("sort"); err == nil {
		if d, ok := v.DocumentOK(); ok {
			elems, _ := d.Elements()
			for _, e := range elems {
				q.sortKeys = append(q.sortKeys, e.Key())
			}
			q.sort = "{" + strings.Join(q.sortKeys, ", ") + "}"
		}
	}
	return q, true
}

// topKeys are the filter's top-level field names (operators such as $or excluded).
func topKeys(cmd bson.Raw, command string) []string {
	var filter bson.Raw
	pick := func(v bson.RawValue) {
		if d, ok := v.DocumentOK(); ok {
			filter = d
		}
	}
	switch command {
	case "find", "count", "distinct":
		for _, k := range []string{"filter", "query"} {
			if v, err := cmd.LookupErr(k); err == nil {
				pick(v)
			}
		}
	case "findAndModify":
		if v, err := cmd.LookupErr("query"); err == nil {
			pick(v)
		}
	case "aggregate":
		if v, err := cmd.LookupErr("pipeline", "0", "$match"); err == nil {
			pick(v)
		}
	case "update", "delete":
		arr := "updates"
		if command == "delete" {
			arr = "deletes"
		}
		if v, err := cmd.LookupErr(arr, "0", "q"); err == nil {
			pick(v)
		}
	}
	elems, _ := filter.Elements()
	var keys []string
	for _, e := range elems {
		if !strings.HasPrefix(e.Key(), "$") {
			keys = append(keys, e.Key())
		}
	}
	return keys
}

// served reports whether a declared index (or the _id index) serves the query, and why not.
func served(q queryShape) (bool, string) {
	if q.declared != "" {
		return true, "declared scan: " + q.declared
	}
	if slices.Contains(q.keys, "_id") {
		return true, ""
	}
	if q.command == "count" && len(q.keys) == 0 {
		return true, "" // an estimated count is answered from collection metadata
	}
	if len(q.keys) == 0 && len(q.sortKeys) == 0 {
		if why, ok := store.WholeReads[q.coll]; ok && why != "" {
			return true, ""
		}
		return false, "reads the whole collection; only store.WholeReads collections may"
	}
	for _, ix := range store.Indexes {
		if ix.Coll != q.coll || len(ix.Keys) == 0 {
			continue
		}
		first := ix.Keys[0].Key
		if slices.Contains(q.keys, first) || (len(q.keys) == 0 && len(q.sortKeys) > 0 && q.sortKeys[0] == first) {
			return true, ""
		}
	}
	if why, ok := store.WholeReads[q.coll]; ok && why != "" {
		return true, "" // a small collection filtered in memory by the engine
	}
	return false, "no declared index on " + q.coll + " starts with one of its fields"
}

// report prints every shape and returns how many no index serves.
func (l *auditLog) report(w io.Writer) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	names := make([]string, 0, len(l.shapes))
	for k := range l.shapes {
		names = append(names, k)
	}
	sort.Strings(names)
	bad := 0
	var b strings.Builder
	for _, k := range names {
		ok, why := served(l.shapes[k])
		mark := "ok  "
		if !ok {
			mark, bad = "SCAN", bad+1
		}
		fmt.Fprintf(&b, "  %s %s", mark, k)
		if why != "" {
			fmt.Fprintf(&b, "   (%s)", why)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(w, "index audit: %d query shapes, %d not served by a declared index\n%s", len(names), bad, b.String())
	if dir := os.Getenv("HMS_INDEX_AUDIT_DIR"); dir != "" {
		wd, _ := os.Getwd()
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, filepath.Base(wd)+".txt"), []byte(b.String()), 0o644)
	}
	return bad
}

// calledFromTest reports whether the command comes from a test's own assertion (the
// first frame of this module on the stack is in a _test.go file) rather than the store.
func calledFromTest() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "hms/") && !strings.HasPrefix(f.Function, "hms/store/storetest.") {
			return strings.HasSuffix(f.File, "_test.go")
		}
		if !more {
			return false
		}
	}
}
