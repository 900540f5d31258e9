package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the tests run this binary as the real program (HMS_RUN_MAIN=1).
func TestMain(m *testing.M) {
	if os.Getenv("HMS_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func command(dir, addr string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "HMS_RUN_MAIN=1", "HMS_DATA_DIR="+dir, "HMS_ADDR="+addr, "MONGODB_URI=", "HMS_LOG_LEVEL=warn")
	return cmd
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// The server seeds, serves, refuses a second process on its data directory, and on
// SIGTERM finishes and exits cleanly, releasing the directory.
func TestServeLocksTheDataDirAndShutsDownGracefully(t *testing.T) {
	dir, addr := t.TempDir(), freeAddr(t)
	// the child writes to a file, which the test may read while the child runs
	logf, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	require.NoError(t, err)
	defer logf.Close()
	out := logText{logf.Name()}
	srv := command(dir, addr, "serve")
	srv.Stdout, srv.Stderr = logf, logf
	require.NoError(t, srv.Start())
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()

	ready := false
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && !ready; time.Sleep(200 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			ready = resp.StatusCode == http.StatusOK
			resp.Body.Close()
		}
	}
	require.True(t, ready, "server never became ready:\n%s", out.String())
	assert.Contains(t, out.String(), "Demo-Hospital-2026", "the demo logins are printed on first start")

	second, err := command(dir, freeAddr(t), "seed").CombinedOutput()
	require.Error(t, err, "a second process must be refused")
	assert.Contains(t, string(second), "in use by another running hms process")

	require.NoError(t, srv.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-done:
		require.NoError(t, err, "exit status after SIGTERM:\n%s", out.String())
	case <-time.After(30 * time.Second):
		_ = srv.Process.Kill()
		t.Fatal("server did not stop within 30 s of SIGTERM")
	}

	again, err := command(dir, freeAddr(t), "seed").CombinedOutput()
	require.NoError(t, err, "the lock is released at exit: %s", again)
	assert.Contains(t, string(again), "already has users", "seeding is idempotent")
}

func TestHelpListsCommandsAndEnvironment(t *testing.T) {
	out, err := command(t.TempDir(), "127.0.0.1:0", "--help").CombinedOutput()
	require.NoError(t, err)
	for _, want := range []string{"serve", "seed", "create-admin", "MONGODB_URI", "HMS_DATA_DIR", "HMS_IDLE_TIMEOUT"} {
		assert.Contains(t, string(out), want)
	}
}

func TestServeWithMongoURIRefusesWithoutASessionKey(t *testing.T) {
	cmd := command(t.TempDir(), "127.0.0.1:0", "serve")
	cmd.Env = append(cmd.Env, "MONGODB_URI=mongodb://127.0.0.1:1/", "HMS_SESSION_KEY=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "HMS_SESSION_KEY is required", fmt.Sprint(err))
}

// logText reads a log file as it is at the moment of the call.
type logText struct{ path string }

func (l logText) String() string {
	b, _ := os.ReadFile(l.path)
	return string(b)
}
