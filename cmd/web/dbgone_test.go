package main

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// dbTimeout is the server's HMS_DB_TIMEOUT in this test: how long a request may wait
// for the database before it is refused.
const dbTimeout = 2 * time.Second

// The database goes away under a running server (a proxy between them is cut): /readyz
// fails, pages and htmx fragments answer within seconds with a clear "cannot reach the
// database, not saved" 503, a write is refused and nothing of it is stored, and when the
// database is back the server serves again by itself, without a restart.
func TestDatabaseGoneIsRefusedClearlyAndRecovered(t *testing.T) {
	dir := t.TempDir()
	out, err := command(dir, freeAddr(t), "seed").CombinedOutput()
	require.NoError(t, err, "seed: %s", out)
	dbURI := startFerret(t, filepath.Join(dir, "db"))
	u, err := url.Parse(dbURI)
	require.NoError(t, err)
	proxy := newDBProxy(t, u.Host)

	srv, addr := startServer(t, dir, "MONGODB_URI=mongodb://"+proxy.addr+"/", "HMS_DB_TIMEOUT="+dbTimeout.String(),
		"HMS_SESSION_KEY="+newToken(64), "HMS_ENCRYPTION_KEY="+keyFile(t, dir, "encryption.key"),
		"HMS_SIGNING_KEY="+base64.StdEncoding.EncodeToString([]byte(newToken(64))[:32])) // MongoDB mode: both keys must be given
	desk := signIn(t, addr, "frontdesk")
	desk.page(t, "/patients/new")
	a := desk.send("/patients", registration(newToken(32), "Before", 1))
	require.Equal(t, http.StatusSeeOther, a.status, "%.300s", a.body)
	chart := a.location
	desk.page(t, chart)

	proxy.cut()
	status, _, err := desk.get("/readyz")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status, "/readyz fails without the database")

	anon := newBrowser(t, addr)
	status, body, err := anon.get("/login")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "the sign-in page needs no database")
	assert.Contains(t, body, `name="password"`)

	for _, htmx := range []bool{false, true} {
		started := time.Now()
		req, _ := http.NewRequest(http.MethodGet, desk.base+chart, nil)
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		resp, err := desk.http.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(started)
		body := string(b)
		t.Logf("patient chart (htmx %v) with the database gone: %d in %v", htmx, resp.StatusCode, took.Round(time.Millisecond))
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.LessOrEqual(t, took, 3*dbTimeout, "refused within the configured timeout, not after the driver's 30 s")
		assert.Contains(t, body, "Cannot reach the database")
		assert.Contains(t, body, "your entry was not saved")
		assert.NotEmpty(t, resp.Header.Get("Retry-After"))
		for _, leak := range []string{"goroutine", "panic", "mongo", "server selection", ".go:"} {
			assert.NotContains(t, strings.ToLower(body), leak, "no internals on the page")
		}
		if htmx {
			assert.NotContains(t, body, "<html", "htmx gets a fragment")
			assert.Equal(t, "#flash", resp.Header.Get("HX-Retarget"))
		} else {
			assert.Contains(t, body, `data-testid="error-page"`)
		}
	}

	// a write is refused, and nothing of it is stored
	token := newToken(32)
	started := time.Now()
	a = desk.send("/patients", registration(token, "Whilegone", 2))
	t.Logf("registration with the database gone: %d in %v", a.status, time.Since(started).Round(time.Millisecond))
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusServiceUnavailable, a.status)
	assert.Contains(t, a.body, "your entry was not saved")
	assert.Zero(t, countPatients(t, dbURI, "Whilegone"), "nothing stored")

	// the database comes back: the server recovers by itself
	proxy.restore()
	back, status := time.Now(), 0
	for status != http.StatusOK && time.Since(back) < 15*time.Second {
		time.Sleep(200 * time.Millisecond)
		status, _, err = desk.get("/readyz")
		require.NoError(t, err)
	}
	require.Equal(t, http.StatusOK, status, "/readyz answers again once the database is back")
	t.Logf("ready again %v after the database came back, without a restart", time.Since(back).Round(time.Millisecond))
	require.Nil(t, srv.ProcessState, "the server process never stopped")
	body = desk.page(t, chart)
	assert.Contains(t, body, "Before Concurrent", "the same session opens the chart again")
	a = desk.send("/patients", registration(token, "Whilegone", 2))
	require.Equal(t, http.StatusSeeOther, a.status, "the retry of the refused entry is saved: %.300s", a.body)
	assert.EqualValues(t, 1, countPatients(t, dbURI, "Whilegone"), "saved once")
}

// startFerret runs FerretDB in this process on the SQLite files under dir and returns
// its URI: the database the server reaches through the proxy.
func startFerret(t *testing.T, dir string) string {
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "sqlite",
		SQLiteURL: "file:" + abs + "/", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return f.MongoDBURI()
}

// keyFile is a key the seed generated into the data directory, as an environment value.
func keyFile(t *testing.T, dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(b)
}

func countPatients(t *testing.T, uri, given string) int64 {
	ctx := context.Background()
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	require.NoError(t, err)
	defer c.Disconnect(ctx)
	n, err := c.Database("hms").Collection(store.CollPatients).CountDocuments(ctx, bson.M{"given": given})
	require.NoError(t, err)
	return n
}
