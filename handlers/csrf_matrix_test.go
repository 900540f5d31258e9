package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
)

// holderOf is a role that holds p, so a forged request reaches the route's own checks
// if CSRF were missing (a role without it would be stopped by the 403 of RBAC anyway).
func holderOf(p handlers.Permission) (handlers.Role, bool) {
	for _, r := range handlers.AllRoles {
		if handlers.Can([]string{string(r)}, p) {
			return r, true
		}
	}
	return "", false
}

// TestCSRFOnEveryStateChange sends every unsafe route, as a user allowed to use it, the
// three forgeries: no token, another session's token, and the right token from a
// foreign origin. Every one must be refused before the handler runs.
func TestCSRFOnEveryStateChange(t *testing.T) {
	e := newEnv(t)
	policies := e.app.Policies()
	clients := map[handlers.Role]*client{}
	attacker := e.as(handlers.RoleAdmin) // a real session whose token is not the victim's
	routes, forgeries := 0, 0
	for _, r := range appRoutes(e) {
		if r.Method == fiber.MethodGet {
			continue
		}
		perm := policies[r.Method+" "+r.Path]
		role, ok := holderOf(perm)
		if perm == handlers.Public {
			role, ok = "", true // the login and activation forms carry a pre-session token
		}
		require.True(t, ok, "no role holds %s (%s %s)", perm, r.Method, r.Path)
		var c *client
		if role == "" {
			c = e.client()
			c.get("/login")
		} else {
			if clients[role] == nil {
				clients[role] = e.as(role)
			}
			c = clients[role]
		}
		path := samplePath(e, r.Path)
		routes++
		variants := []struct {
			name    string
			form    url.Values
			headers []string
		}{
			{"no token", url.Values{"x": {"1"}}, nil},
			{"another session's token", url.Values{"_csrf": {attacker.csrf}}, nil},
			{"foreign origin", url.Values{"_csrf": {c.csrf}}, []string{"Origin", "https://evil.example"}},
		}
		for _, v := range variants {
			status, body, _ := c.do(r.Method, path, v.form, v.headers...)
			assert.Equal(t, http.StatusForbidden, status, "%s %s with %s: %s", r.Method, r.Path, v.name, first(body, 200))
			forgeries++
		}
	}
	require.Greater(t, routes, 50, "the route table was walked")
	t.Logf("CSRF: %d state-changing routes × 3 forgeries = %d requests, all refused with 403", routes, forgeries)
}

func first(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func withAbsolute(d time.Duration) option {
	return func(c *handlers.Config) { c.AbsoluteTimeout = d }
}

// TestAbsoluteTimeoutEndsEvenABusySession: a person who keeps working is still signed
// out when the absolute lifetime ends (HIPAA automatic logoff), page and htmx alike.
func TestAbsoluteTimeoutEndsEvenABusySession(t *testing.T) {
	e := newEnv(t, withAbsolute(4*time.Second))
	busy := e.as(handlers.RoleNurse)
	deadline := time.Now().Add(4 * time.Second)
	for time.Now().Before(deadline.Add(-time.Second)) {
		status, _, _ := busy.get("/ward")
		require.Equal(t, http.StatusOK, status, "signed in while inside the lifetime")
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(time.Until(deadline) + 500*time.Millisecond)
	status, _, resp := busy.get("/ward/W1", "HX-Request", "true")
	assert.Equal(t, http.StatusUnauthorized, status, "an htmx request after expiry is told to sign in, not given a login page")
	assert.Equal(t, "/login", resp.Header.Get("HX-Redirect"))
	status, _, resp = busy.get("/ward")
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Contains(t, resp.Header.Get("Location"), "/login")
}
