package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
)

// samplePath fills route parameters with values that exist in the demo hospital.
func samplePath(e *env, p string) string {
	id := strings.Repeat("a", 64)
	if strings.HasPrefix(p, "/patients/") {
		id = e.patientID("Rajesh Sharma")
	}
	r := strings.NewReplacer(":username", "t.nurse", ":code", "W1", ":id", id, ":name", "missing.css",
		":policy", "nosuchpolicy", ":allergy", "nosuchallergy", ":doctor", "doctor")
	return r.Replace(p)
}

func appRoutes(e *env) []fiber.Route {
	var out []fiber.Route
	for _, r := range e.app.Fiber().GetRoutes(true) {
		if r.Method == fiber.MethodHead {
			continue
		}
		out = append(out, r)
	}
	return out
}

func TestEveryRouteDeclaresAPermission(t *testing.T) {
	e := newEnv(t)
	policies := e.app.Policies()
	routes := appRoutes(e)
	require.Greater(t, len(routes), 30)
	for _, r := range routes {
		_, ok := policies[r.Method+" "+r.Path]
		assert.True(t, ok, "%s %s has no declared permission", r.Method, r.Path)
	}
}

// TestRouteRoleMatrix requests every route as every role, as a page and as an htmx
// fragment, and expects exactly what the permission table says.
func TestRouteRoleMatrix(t *testing.T) {
	e := newEnv(t)
	policies := e.app.Policies()
	checks := 0
	for _, role := range handlers.AllRoles {
		c := e.as(role)
		for _, r := range appRoutes(e) {
			perm := policies[r.Method+" "+r.Path]
			if perm == handlers.Public || r.Path == "/logout" {
				continue
			}
			for _, htmx := range []bool{false, true} {
				var hdr []string
				if htmx {
					hdr = []string{"HX-Request", "true"}
				}
				var status int
				if r.Method == fiber.MethodGet {
					status, _, _ = c.get(samplePath(e, r.Path), hdr...)
				} else {
					status, _, _ = c.post(samplePath(e, r.Path), nil, hdr...)
				}
				assert.Less(t, status, 500, "%s %s as %s", r.Method, r.Path, role)
				checks++
				if handlers.Can([]string{string(role)}, perm) {
					assert.NotEqual(t, http.StatusForbidden, status, "%s should reach %s %s", role, r.Method, r.Path)
					assert.NotEqual(t, http.StatusUnauthorized, status, "%s was signed out by %s %s", role, r.Method, r.Path)
				} else {
					assert.Equal(t, http.StatusForbidden, status, "%s must not reach %s %s (htmx=%v)", role, r.Method, r.Path, htmx)
				}
			}
		}
	}
	t.Logf("route × role checks: %d", checks)
}

// TestPermissionTableExpectations checks the table itself against rules written by hand.
func TestPermissionTableExpectations(t *testing.T) {
	e := newEnv(t)
	policies := e.app.Policies()
	for key, perm := range policies {
		method, path, _ := strings.Cut(key, " ")
		if method == fiber.MethodHead {
			continue
		}
		staffOnly := !strings.HasPrefix(path, "/portal") && perm != handlers.PermSelf && perm != handlers.Public
		if strings.HasPrefix(path, "/admin") {
			assert.False(t, handlers.Can([]string{"nurse"}, perm), "a nurse reaches %s", key)
			assert.False(t, handlers.Can([]string{"doctor"}, perm), "a doctor reaches %s", key)
			assert.False(t, handlers.Can([]string{"front_desk"}, perm), "front desk reaches %s", key)
		}
		if staffOnly {
			assert.False(t, handlers.Can([]string{"patient"}, perm), "a patient reaches staff page %s", key)
			assert.False(t, handlers.Can([]string{"display"}, perm) && perm != handlers.PermDisplay, "the display screen reaches %s", key)
		}
		if perm == handlers.Public {
			ok := path == "/login" || path == "/portal/activate" || path == "/healthz" || path == "/readyz" || strings.HasPrefix(path, "/static/")
			assert.True(t, ok, "anonymous reaches %s", key)
		}
		if strings.HasPrefix(path, "/prices/") && method == fiber.MethodPost {
			assert.True(t, handlers.Can([]string{"admin"}, perm))
			assert.False(t, handlers.Can([]string{"billing_clerk"}, perm), "a billing clerk changes prices")
		}
	}
}

func TestAnonymousIsSentToLogin(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, path := range []string{"/", "/admin", "/admin/users", "/ward", "/prices", "/account"} {
		status, _, resp := c.get(path)
		assert.Equal(t, http.StatusSeeOther, status, path)
		assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/login"), path)
	}
	status, _, resp := c.get("/ward/W1", "HX-Request", "true")
	assert.Equal(t, http.StatusUnauthorized, status, "htmx gets 401, never a login page in a fragment")
	assert.Equal(t, "/login", resp.Header.Get("HX-Redirect"))
	for _, path := range []string{"/login", "/healthz", "/readyz"} {
		status, _, _ := c.get(path)
		assert.Equal(t, http.StatusOK, status, path)
	}
}

func TestDeniedPageIsAProper403(t *testing.T) {
	e := newEnv(t)
	nurse := e.as(handlers.RoleNurse)
	status, body, _ := nurse.get("/admin/users")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "You do not have permission")
	assert.Contains(t, body, "<html", "a full page for a normal request")

	status, body, resp := nurse.get("/admin/users", "HX-Request", "true")
	assert.Equal(t, http.StatusForbidden, status)
	assert.NotContains(t, body, "<html", "a fragment for htmx")
	assert.Equal(t, "#flash", resp.Header.Get("HX-Retarget"))
}
