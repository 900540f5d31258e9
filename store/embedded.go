package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// ErrDataDirInUse means another process holds the embedded data directory.
var ErrDataDirInUse = errors.New("store: the data directory is in use by another running hms process; stop it first (or run this command through that server)")

// embedded is an in-process FerretDB on SQLite, listening on loopback only.
type embedded struct {
	uri    string
	dbDir  string // where FerretDB keeps one SQLite file per database
	cancel context.CancelFunc
	done   chan struct{}
	lock   *os.File
}

func startEmbedded(ctx context.Context, dir string, log *slog.Logger) (*embedded, error) {
	if dir == "" {
		dir = "data"
	}
	dbDir := filepath.Join(dir, "db")
	if err := os.MkdirAll(dbDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dbDir)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    slog.New(quietHandler{log.Handler()}),
	})
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("store: embedded engine: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	e := &embedded{cancel: cancel, done: make(chan struct{}), lock: lock, dbDir: abs}
	go func() {
		defer close(e.done)
		_ = f.Run(runCtx)
	}()
	uriCh := make(chan string, 1)
	go func() { uriCh <- f.MongoDBURI() }()
	select {
	case e.uri = <-uriCh:
	case <-time.After(30 * time.Second):
		e.stop()
		return nil, errors.New("store: embedded engine did not start listening")
	case <-ctx.Done():
		e.stop()
		return nil, ctx.Err()
	}
	return e, nil
}

func (e *embedded) stop() {
	e.cancel()
	select {
	case <-e.done:
	case <-time.After(10 * time.Second):
	}
	_ = e.lock.Close() // closing the descriptor releases the flock
}

// lockDir takes an exclusive OS lock on dir/hms.lock. The kernel releases it when the
// process dies, so a crash never blocks the restart.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "hms.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s)", ErrDataDirInUse, dir)
		}
		return nil, fmt.Errorf("store: lock data directory: %w", err)
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
	return f, nil
}

// quietHandler passes on only errors from the embedded engine: its warnings are
// protocol chatter (e.g. "no such command: endSessions" at every disconnect).
type quietHandler struct{ slog.Handler }

func (q quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && q.Handler.Enabled(ctx, l)
}
func (q quietHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return quietHandler{q.Handler.WithAttrs(a)}
}
func (q quietHandler) WithGroup(n string) slog.Handler { return quietHandler{q.Handler.WithGroup(n)} }
