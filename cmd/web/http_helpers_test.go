package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clerk is a signed-in browser that knows its session's CSRF token, so it can post
// many forms at once without reading a page before each.
type clerk struct {
	*browser
	csrf string
}

// answer is what one request got back.
type answer struct {
	status         int
	location, body string
	err            error
}

var mrnRE = regexp.MustCompile(`data-testid="patient-mrn">MRN (\d+)<`)

func signIn(t *testing.T, addr, user string) *clerk {
	b := newBrowser(t, addr)
	b.http.Timeout = time.Minute // a burst of 200 queues behind the single writer; a -race build is slow
	b.login(t, user)
	_, page, err := b.get("/account")
	require.NoError(t, err)
	m := csrfFieldRE.FindStringSubmatch(page)
	require.NotNil(t, m, "the account page carries the CSRF token")
	return &clerk{browser: b, csrf: m[1]}
}

// send posts form (with the session's CSRF token) and reads the whole answer.
func (c *clerk) send(path string, form url.Values, header ...string) answer {
	f := url.Values{}
	for k, v := range form {
		f[k] = append([]string(nil), v...)
	}
	f.Set("_csrf", c.csrf)
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(f.Encode()))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body)}
}

// page gets path and fails the test unless it answers 200.
func (c *clerk) page(t *testing.T, path string) string {
	status, body, err := c.get(path)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "GET %s", path)
	return body
}

// burst runs n requests at the same moment (a barrier opens them together) and returns
// their answers in order.
func burst(n int, send func(i int) answer) []answer {
	out := make([]answer, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			out[i] = send(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

// tally counts the answers that won (ok), that were refused with the expected message
// (refusal), and everything else (errors, reported with the first example).
func tally(t *testing.T, what, noun string, answers []answer, ok func(answer) bool, refusal func(answer) bool) (won, refused int) {
	t.Helper()
	errs, example := 0, ""
	for _, a := range answers {
		switch {
		case a.err == nil && ok(a):
			won++
		case a.err == nil && refusal(a):
			refused++
		default:
			errs++
			if example == "" {
				example = fmt.Sprintf("status %d, location %q, err %v, body %s", a.status, a.location, a.err, a.body[max(0, strings.Index(a.body, "<main")):])
			}
		}
	}
	t.Logf("%s: %d requests, %d %s, %d clear refusals, %d errors", what, len(answers), won, noun, refused, errs)
	require.Zero(t, errs, "%s: every answer is a success or a clear refusal; first other: %s", what, example)
	return won, refused
}

func newToken(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
