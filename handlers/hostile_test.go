package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/identity"
)

func userExists(t *testing.T, e *env, name string) bool {
	_, err := identity.NewUsers(e.db).ByUsername(context.Background(), name)
	return err == nil
}

func newUserForm() url.Values {
	return url.Values{"username": {"dr.mehta"}, "full_name": {"Dr Anil Mehta"}, "department": {"MED"},
		"roles": {"doctor"}, "password": {"a temporary password 1"}}
}

func TestCSRFIsRequiredOnEveryUnsafeRequest(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)

	form := newUserForm()
	status, body, _ := admin.do(http.MethodPost, "/admin/users", form) // no token at all
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "Request refused")

	other := e.as(handlers.RoleAdmin)
	form.Set("_csrf", other.csrf) // a token from another session
	status, _, _ = admin.do(http.MethodPost, "/admin/users", form)
	assert.Equal(t, http.StatusForbidden, status)

	form.Set("_csrf", admin.csrf) // the right token from a foreign origin
	status, _, _ = admin.do(http.MethodPost, "/admin/users", form, "Origin", "https://evil.example")
	assert.Equal(t, http.StatusForbidden, status)
	assert.False(t, userExists(t, e, "dr.mehta"), "nothing was stored")

	status, _, _ = admin.do(http.MethodPost, "/admin/users", newUserForm(), "X-CSRF-Token", admin.csrf) // htmx style
	assert.Equal(t, http.StatusSeeOther, status)
	assert.True(t, userExists(t, e, "dr.mehta"))
}

func TestLoginWithoutCSRFIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	status, _, _ := c.do(http.MethodPost, "/login", url.Values{"username": {"t.admin"}, "password": {testPassword}})
	assert.Equal(t, http.StatusForbidden, status)
	assert.Empty(t, c.cookies["hms_session"])
}

func TestHostileLoginBodies(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	cases := []struct {
		name   string
		form   url.Values
		status int
	}{
		{"operator injection", url.Values{"username[$ne]": {"x"}, "password[$ne]": {"x"}}, http.StatusUnauthorized},
		{"operator as value", url.Values{"username": {`{"$ne":null}`}, "password": {`{"$gt":""}`}}, http.StatusUnauthorized},
		{"overlong fields", url.Values{"username": {strings.Repeat("a", 5000)}, "password": {strings.Repeat("b", 5000)}}, http.StatusUnprocessableEntity},
		{"duplicate field", url.Values{"username": {"t.admin", "t.nurse"}, "password": {testPassword}}, http.StatusUnprocessableEntity},
		{"control characters", url.Values{"username": {"t.admin\r\nLOGIN OK user=root"}, "password": {"x"}}, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		status, body, _ := c.post("/login", tc.form)
		assert.Equal(t, tc.status, status, tc.name)
		assert.NotContains(t, body, "goroutine", tc.name)
		assert.Empty(t, c.cookies["hms_session"], "%s signed someone in", tc.name)
	}
}

func TestForgedSessionCookieIsTreatedAsSignedOut(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, forged := range []string{"garbage", strings.Repeat("A", 400), "MTcwMDAwMDAwMHxhYmN8ZGVm"} {
		c.cookies["hms_session"] = forged
		status, _, resp := c.get("/admin")
		assert.Equal(t, http.StatusSeeOther, status)
		assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/login"))
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	// over a real socket: app.Test refuses oversized bodies before the server sees them
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = e.app.Fiber().Listener(ln) }()
	t.Cleanup(func() { _ = e.app.Fiber().Shutdown() })
	// announce a 10 MB form and read the answer: the server refuses before reading it
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	var cookies []string
	for k, v := range admin.cookies {
		cookies = append(cookies, k+"="+v)
	}
	_, err = fmt.Fprintf(conn, "POST /admin/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Cookie: %s\r\nContent-Length: %d\r\n\r\nfull_name=xxxx", strings.Join(cookies, "; "), 10<<20)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.NotContains(t, string(body), "goroutine")
	assert.False(t, userExists(t, e, "dr.mehta"))
	status, _, _ := admin.get("/admin")
	assert.Equal(t, http.StatusOK, status, "the server is still serving")
}

func TestWrongContentTypeIsRefused(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	req := httptest.NewRequest(http.MethodPost, "/admin/users", strings.NewReader(`{"username":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", admin.csrf)
	for k, v := range admin.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := e.app.Fiber().Test(req, -1)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
}

func TestNewUserValidationKeepsEntries(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	admin.get("/admin/users/new")
	form := newUserForm()
	form.Set("username", "ａｄｍｉｎ")
	form.Set("full_name", "Dr <script>alert(1)</script> Mehta")
	form.Set("password", "short")
	status, body, _ := admin.post("/admin/users", form)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="username"`)
	assert.Contains(t, body, `data-error="password"`)
	assert.Contains(t, body, "Dr &lt;script&gt;alert(1)&lt;/script&gt; Mehta", "entries kept, escaped")
	assert.NotContains(t, body, "<script>alert(1)")

	form = newUserForm()
	form.Set("full_name", "Dr Anil\u200b Mehta") // zero-width space
	status, body, _ = admin.post("/admin/users", form)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="full_name"`)

	form = newUserForm()
	form.Set("username", "t.nurse")
	status, body, _ = admin.post("/admin/users", form)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "This username is taken.")
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, path := range []string{"/login", "/nope", "/healthz"} {
		_, _, resp := c.get(path)
		csp := resp.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'self'", path)
		assert.Contains(t, csp, "frame-ancestors 'none'", path)
		assert.NotContains(t, csp, "unsafe-inline", path)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), path)
		assert.NotEmpty(t, resp.Header.Get("Referrer-Policy"), path)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), path)
	}
	status, body, _ := c.get("/nope")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body, "Not found")
}

func TestStaticAssetsAreHashedAndImmutable(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	_, body, _ := c.get("/login")
	i := strings.Index(body, `href="/static/app.`)
	require.Positive(t, i)
	path := body[i+6 : i+6+strings.Index(body[i+6:], `"`)]
	status, _, resp := c.get(path)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, resp.Header.Get("Cache-Control"), "immutable")
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/css")
	for _, bad := range []string{"/static/../go.mod", "/static/..%2fgo.mod", "/static/app.css", "/.git/config", "/.env"} {
		status, _, _ := c.get(bad)
		assert.Equal(t, http.StatusNotFound, status, bad)
	}
}
