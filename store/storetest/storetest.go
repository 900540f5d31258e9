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
	"testing"

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
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		os.Exit(1)
	}
	code := m.Run()
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
