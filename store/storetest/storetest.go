// Package storetest gives tests a throw-away database: on the embedded engine
// (one per test binary) or on MONGODB_URI when it is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

var shared *store.DB

// Main opens the shared engine around the package's tests.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "hms-test-")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	shared, err = store.Open(ctx, store.Config{
		URI: os.Getenv("MONGODB_URI"), DataDir: dir,
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Monitor: audited.monitor(),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		os.Exit(1)
	}
	code := m.Run()
	if bad := audited.report(os.Stdout); bad > 0 && code == 0 {
		fmt.Fprintln(os.Stderr, "storetest: the index audit found queries no declared index serves (store/indexes.go)")
		code = 1
	}
	for _, db := range templates {
		_ = db.Drop(ctx)
	}
	_ = shared.Close(ctx)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// DB returns a fresh database with every index, dropped when the test ends.
func DB(t testing.TB) *store.DB {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := shared.WithDatabase("t_" + hex.EncodeToString(b))
	ctx := context.Background()
	if err := db.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	return db
}

// Copy copies every document of every collection of from into to (a fresh database from
// DB). Tests that need the same starting data build it once and copy it, which is much
// cheaper than building it again (password hashing dominates the demo seed).
func Copy(t testing.TB, from, to *store.DB) {
	t.Helper()
	ctx := harnessCtx()
	names, err := from.R.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		cur, err := from.R.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		if len(docs) == 0 {
			continue
		}
		batch := make([]any, len(docs))
		for i, d := range docs {
			batch[i] = d
		}
		if _, err := to.W.Collection(name).InsertMany(ctx, batch); err != nil {
			t.Fatalf("storetest: copy %s: %v", name, err)
		}
	}
}

// Template returns a database built once per test binary by build (under name), for
// tests to Copy from. It is dropped when the binary's tests end.
func Template(t testing.TB, name string, build func(db *store.DB) error) *store.DB {
	t.Helper()
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if db, ok := templates[name]; ok {
		return db
	}
	db := shared.WithDatabase("tpl_" + name)
	ctx := context.Background()
	_ = db.Drop(ctx)
	if err := db.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := build(db); err != nil {
		t.Fatal(err)
	}
	templates[name] = db
	return db
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*store.DB{}
)
