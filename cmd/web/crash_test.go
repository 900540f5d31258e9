package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/store/seed"
)

// browser is a minimal signed-in HTTP client: cookies kept, redirects not followed.
type browser struct {
	base string
	http *http.Client
}

var (
	csrfFieldRE   = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	formTokenRE   = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)
	chartPathRE   = regexp.MustCompile(`^/patients/[0-9a-f]{24}$`)
	errServerGone = fmt.Errorf("server gone")
)

func newBrowser(t *testing.T, addr string) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{base: "http://" + addr, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string, error) {
	resp, err := b.http.Get(b.base + path)
	if err != nil {
		return 0, "", errServerGone
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), nil
}

// post sends a form with the CSRF token of page (a body the form came from).
func (b *browser) post(path, page string, form url.Values) (*http.Response, error) {
	if m := csrfFieldRE.FindStringSubmatch(page); m != nil {
		form.Set("_csrf", m[1])
	}
	resp, err := b.http.PostForm(b.base+path, form)
	if err != nil {
		return nil, errServerGone
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func (b *browser) login(t *testing.T, user string) {
	_, page, err := b.get("/login")
	require.NoError(t, err)
	resp, err := b.post("/login", page, url.Values{"username": {user}, "password": {seed.DemoPassword}})
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "login as %s", user)
}

// startServer runs `web serve` on dir (with env added) and waits until it is ready.
func startServer(t *testing.T, dir string, env ...string) (*exec.Cmd, string) {
	addr := freeAddr(t)
	logf, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() { // the server's side of a failure: its errors name the cause
			t.Logf("server log (%s):\n%s", addr, logText{logf.Name()}.String())
		}
		logf.Close()
	})
	srv := command(dir, addr, "serve")
	srv.Env = append(srv.Env, env...)
	srv.Stdout, srv.Stderr = logf, logf
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) { // a -race build on a busy machine seeds slowly
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return srv, addr
			}
		}
	}
	t.Fatalf("server never became ready:\n%s", logText{logf.Name()}.String())
	return nil, ""
}

// The crash test: front-desk clerks register patients as fast as they can; the server is
// killed (SIGKILL, no shutdown) in the middle of the burst. Afterwards every consistency
// check passes once the interrupted follow-ups are re-applied, and every registration
// the server had answered "saved" is there.
func TestKilledInAWriteBurstLosesNothingAnswered(t *testing.T) {
	dir := t.TempDir()
	srv, addr := startServer(t, dir)

	var saved sync.Map // chart path → name
	var answered, refused atomic.Int64
	var wg sync.WaitGroup
	for w := range 6 {
		b := newBrowser(t, addr)
		b.login(t, "frontdesk")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				status, page, err := b.get("/patients/new")
				if err != nil || status != http.StatusOK {
					return
				}
				m := formTokenRE.FindStringSubmatch(page)
				if m == nil {
					return
				}
				given := fmt.Sprintf("Crash%c%c", 'a'+rune(w), 'a'+rune(i%26))
				family := fmt.Sprintf("Burst%c%c", 'a'+rune(i/26%26), 'a'+rune(i/676%26))
				resp, err := b.post("/patients", page, url.Values{"token": {m[1]}, "given": {given}, "family": {family},
					"sex": {"F"}, "dob": {fmt.Sprintf("19%02d-0%d-1%d", 40+i%50, 1+w, i%10)},
					"phone": {fmt.Sprintf("9%d%08d", w, i)}, "allergy_status": {"nka"}})
				if err != nil {
					return
				}
				if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusSeeOther && chartPathRE.MatchString(loc) {
					saved.Store(loc, given+" "+family)
					answered.Add(1)
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	for deadline := time.Now().Add(60 * time.Second); answered.Load() < 40 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, srv.Process.Kill(), "SIGKILL in the middle of the burst")
	_ = srv.Wait()
	wg.Wait()
	t.Logf("answered saved before the kill: %d (other answers: %d)", answered.Load(), refused.Load())
	require.GreaterOrEqual(t, answered.Load(), int64(40))

	out, err := command(dir, freeAddr(t), "check", "--repair").CombinedOutput()
	require.NoError(t, err, "check --repair after the crash:\n%s", out)
	t.Logf("check --repair after the crash:\n%s", out)
	out, err = command(dir, freeAddr(t), "check").CombinedOutput()
	require.NoError(t, err, "every consistency check passes after the repair:\n%s", out)
	require.Contains(t, string(out), "0 problem(s) found")

	_, addr = startServer(t, dir)
	b := newBrowser(t, addr)
	b.login(t, "frontdesk")
	missing := 0
	saved.Range(func(k, v any) bool {
		status, body, err := b.get(k.(string))
		require.NoError(t, err)
		if status != http.StatusOK || !strings.Contains(body, v.(string)) {
			missing++
			t.Errorf("%s (%s) was answered saved but is gone after the crash: %d", k, v, status)
		}
		return true
	})
	require.Zero(t, missing)
}
