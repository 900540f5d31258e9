//go:build e2e

// Package e2e holds the browser tests: they build and start the real server on
// a fresh embedded database (seeded with the demo hospital) and drive it with
// Chromium through playwright-go. Run them with `make e2e`.
package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/require"
)

// demoPassword is the password of every seeded demo account.
const demoPassword = "Demo-Hospital-2026"

var (
	// baseURL is the running server, e.g. "http://127.0.0.1:41234" (no trailing slash).
	baseURL string

	browser        playwright.Browser
	screenshotsDir string
)

const (
	readyTimeout    = 120 * time.Second
	shutdownTimeout = 30 * time.Second
	actionTimeoutMS = 20_000
)

// chromiumArgs keep Chromium quiet and self-contained (no network of its own,
// no GPU, runs as root in CI containers).
var chromiumArgs = []string{
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run does the set-up and tear-down around m.Run so deferred clean-ups run
// before os.Exit.
func run(m *testing.M) int {
	e2eDir, err := os.Getwd()
	if err != nil {
		return fail("getwd: %v", err)
	}
	root := filepath.Dir(e2eDir)
	screenshotsDir = filepath.Join(e2eDir, "screenshots")
	if err := os.MkdirAll(screenshotsDir, 0o755); err != nil {
		return fail("screenshots dir: %v", err)
	}

	tmp, err := os.MkdirTemp("", "hms-e2e-")
	if err != nil {
		return fail("temp dir: %v", err)
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "web")
	build := exec.Command("go", "build", "-o", bin, "./cmd/web")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	started := time.Now()
	if err := build.Run(); err != nil {
		return fail("go build ./cmd/web: %v", err)
	}
	fmt.Fprintf(os.Stderr, "e2e: built server in %s\n", time.Since(started).Round(time.Millisecond))

	srv, err := startServer(bin, tmp)
	if err != nil {
		return fail("%v", err)
	}
	defer srv.stop()

	pw, err := startPlaywright(root)
	if err != nil {
		return fail("%v", err)
	}
	defer func() {
		if err := pw.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: stopping playwright: %v\n", err)
		}
	}()

	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromium),
		Headless:       playwright.Bool(true),
		Args:           chromiumArgs,
	})
	if err != nil {
		return fail("launch %s: %v (install it: apt-get install chromium)", chromium, err)
	}
	defer browser.Close()

	code := m.Run()
	if code != 0 {
		srv.dumpLog(80)
	}
	return code
}

func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
	return 1
}

// server is the app under test, running as a child process.
type server struct {
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	waitErr error
}

// startServer runs `web serve` on a free loopback port with its own data
// directory, and waits until GET /readyz answers 200.
func startServer(bin, tmp string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("free port: %w", err)
	}
	dataDir := filepath.Join(tmp, "data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(tmp, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}

	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(bin, "serve")
	cmd.Dir = tmp
	cmd.Env = append(withoutEnv(os.Environ(), "MONGODB_URI", "HMS_ADDR", "HMS_DATA_DIR", "HMS_IDLE_TIMEOUT"),
		"HMS_ADDR="+addr,
		"HMS_DATA_DIR="+dataDir,
		"HMS_IDLE_TIMEOUT=15m",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &server{cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		logFile.Close()
		close(s.exited)
	}()

	baseURL = "http://" + addr
	started := time.Now()
	if err := s.waitReady(baseURL + "/readyz"); err != nil {
		s.dumpLog(80)
		s.stop()
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "e2e: server ready at %s in %s\n", baseURL, time.Since(started).Round(time.Millisecond))
	return s, nil
}

func (s *server) waitReady(readyURL string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	lastStatus := "no answer"
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("server exited before it was ready: %v", s.waitErr)
		default:
		}
		resp, err := client.Get(readyURL)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			lastStatus = resp.Status
		} else {
			lastStatus = err.Error()
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("server not ready within %s (GET %s: %s)", readyTimeout, readyURL, lastStatus)
}

// stop sends SIGTERM and waits for a graceful exit, killing it after shutdownTimeout.
func (s *server) stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		if s.waitErr != nil {
			fmt.Fprintf(os.Stderr, "e2e: server exit: %v\n", s.waitErr)
		}
	case <-time.After(shutdownTimeout):
		fmt.Fprintf(os.Stderr, "e2e: server did not stop within %s; killing it\n", shutdownTimeout)
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// dumpLog prints the last n lines of the server's output to stderr.
func (s *server) dumpLog(n int) {
	f, err := os.Open(s.logPath)
	if err != nil {
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	fmt.Fprintf(os.Stderr, "e2e: ---- last %d lines of server output ----\n%s\ne2e: ---- end of server output ----\n",
		len(lines), strings.Join(lines, "\n"))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
outer:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue outer
			}
		}
		out = append(out, kv)
	}
	return out
}

// startPlaywright runs the npm playwright-core driver with the system node.
// `make e2e` sets PLAYWRIGHT_DRIVER_PATH and PLAYWRIGHT_NODEJS_PATH; when they
// are unset (plain `go test -tags e2e ./e2e/`), <root>/.playwright and the node
// on PATH are used.
func startPlaywright(root string) (*playwright.Playwright, error) {
	driverDir := os.Getenv("PLAYWRIGHT_DRIVER_PATH")
	if driverDir == "" {
		driverDir = filepath.Join(root, ".playwright")
	}
	if _, err := os.Stat(filepath.Join(driverDir, "package", "cli.js")); err != nil {
		return nil, fmt.Errorf("no playwright driver at %s/package (run `make playwright-driver`, or `make e2e`): %w", driverDir, err)
	}
	if os.Getenv("PLAYWRIGHT_NODEJS_PATH") == "" {
		node, err := exec.LookPath("node")
		if err != nil {
			return nil, errors.New("node not found: install Node.js or set PLAYWRIGHT_NODEJS_PATH")
		}
		os.Setenv("PLAYWRIGHT_NODEJS_PATH", node)
	}
	pw, err := playwright.Run(&playwright.RunOptions{
		DriverDirectory:     driverDir,
		SkipInstallBrowsers: true,
	})
	if err != nil {
		return nil, fmt.Errorf("start playwright: %w", err)
	}
	return pw, nil
}

// newPage opens a page in a fresh browser context (own cookies, own storage).
// The context is closed when the test ends; if the test failed, a full-page
// screenshot is saved as e2e/screenshots/<TestName>.png first.
func newPage(t *testing.T) playwright.Page {
	t.Helper()
	bctx, err := browser.NewContext(playwright.BrowserNewContextOptions{
		BaseURL:  playwright.String(baseURL),
		Locale:   playwright.String("en-IN"),
		Viewport: &playwright.Size{Width: 1280, Height: 900},
	})
	require.NoError(t, err, "new browser context")
	bctx.SetDefaultTimeout(actionTimeoutMS)
	bctx.SetDefaultNavigationTimeout(actionTimeoutMS)
	page, err := bctx.NewPage()
	require.NoError(t, err, "new page")
	t.Cleanup(func() {
		if t.Failed() {
			path := filepath.Join(screenshotsDir, screenshotName(t.Name()))
			if _, err := page.Screenshot(playwright.PageScreenshotOptions{
				Path: playwright.String(path), FullPage: playwright.Bool(true),
			}); err != nil {
				t.Logf("failure screenshot: %v", err)
			} else {
				t.Logf("failure screenshot: %s (page %s)", path, page.URL())
			}
		}
		if err := bctx.Close(); err != nil {
			t.Logf("close browser context: %v", err)
		}
	})
	return page
}

// screenshot saves a full-page screenshot as e2e/screenshots/<name>.png (for review).
func screenshot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	_, err := page.Screenshot(playwright.PageScreenshotOptions{
		Path:     playwright.String(filepath.Join(screenshotsDir, screenshotName(name))),
		FullPage: playwright.Bool(true),
	})
	require.NoError(t, err, "screenshot %s", name)
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func screenshotName(name string) string {
	return unsafeFileChars.ReplaceAllString(name, "_") + ".png"
}

// login signs in through the login form and waits until the browser has left /login.
func login(t *testing.T, page playwright.Page, username, password string) {
	t.Helper()
	_, err := page.Goto(baseURL + "/login")
	require.NoError(t, err, "open /login")
	require.NoError(t, page.GetByLabel("Username", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(username), "fill Username")
	require.NoError(t, page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(password), "fill Password")
	require.NoError(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click(), "click Sign in")
	err = page.WaitForURL(func(u string) bool { return urlPath(u) != "/login" })
	if err != nil {
		body, _ := page.Locator("body").InnerText()
		require.NoError(t, err, "login as %q did not leave /login; page says:\n%s", username, body)
	}
}

// urlPath returns the path of a page URL ("" when it does not parse).
func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}

// expect is the shared web-first assertion helper (retries until the timeout).
var expect = playwright.NewPlaywrightAssertions(actionTimeoutMS)
