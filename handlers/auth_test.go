package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/identity"
)

func TestLoginLandsEachRoleOnItsHome(t *testing.T) {
	e := newEnv(t)
	homes := map[handlers.Role]string{handlers.RoleAdmin: "/admin", handlers.RoleFrontDesk: "/patients",
		handlers.RoleNurse: "/ward", handlers.RoleDoctor: "/opd", handlers.RoleLabTech: "/lab",
		handlers.RolePharmacist: "/pharmacy", handlers.RoleBillingClerk: "/billing", handlers.RoleDisplay: "/display",
		handlers.RoleCompliance: "/compliance", handlers.RoleAdmissionDesk: "/admissions", handlers.RolePatient: "/portal"}
	for role, home := range homes {
		assert.Equal(t, home, e.client().login(userFor(role), testPassword), role)
	}
}

func TestWrongPasswordAndUnknownUserGetTheSameAnswer(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	s1, b1, _ := c.post("/login", url.Values{"username": {"t.nurse"}, "password": {"not the password"}})
	s2, b2, _ := c.post("/login", url.Values{"username": {"no.such.user"}, "password": {"not the password"}})
	assert.Equal(t, http.StatusUnauthorized, s1)
	assert.Equal(t, s1, s2)
	assert.Contains(t, b1, "Wrong username or password.")
	assert.Contains(t, b2, "Wrong username or password.")
	assert.Contains(t, b1, `value="t.nurse"`, "the username is kept")
}

func TestLockoutAfterFiveFailuresRefusesEvenTheRightPassword(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	for i := 0; i < 4; i++ {
		status, _, _ := c.post("/login", url.Values{"username": {"t.doctor"}, "password": {"wrong password " + string(rune('a'+i))}},
			"X-Forwarded-For", "10.0.0."+string(rune('1'+i))) // rotating XFF must not reset the count
		require.Equal(t, http.StatusUnauthorized, status)
	}
	status, body, _ := c.post("/login", url.Values{"username": {"t.doctor"}, "password": {"wrong again!"}})
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Contains(t, body, "Too many failed sign-ins")
	status, _, _ = c.post("/login", url.Values{"username": {"t.doctor"}, "password": {testPassword}})
	assert.Equal(t, http.StatusTooManyRequests, status, "the right password during lockout is refused")

	// an administrator clears it
	admin := e.as(handlers.RoleAdmin)
	admin.get("/admin/users/t.doctor")
	status, _, _ = admin.post("/admin/users/t.doctor/unlock", nil)
	require.Equal(t, http.StatusSeeOther, status)
	e.client().login("t.doctor", testPassword)
}

func TestLoginRotatesTheSessionAndLogoutRevokesIt(t *testing.T) {
	e := newEnv(t)
	c := e.as(handlers.RoleNurse)
	first := c.cookies["hms_session"]
	require.NotEmpty(t, first)
	c.login(userFor(handlers.RoleNurse), testPassword)
	assert.NotEqual(t, first, c.cookies["hms_session"], "a new session id at every login")

	stolen := c.cookies["hms_session"]
	status, _, _ := c.post("/logout", nil)
	require.Equal(t, http.StatusSeeOther, status)
	replay := e.client()
	replay.cookies["hms_session"] = stolen
	status, _, resp := replay.get("/ward")
	assert.Equal(t, http.StatusSeeOther, status, "a logged-out cookie is dead")
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/login"))
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	_, _, resp := c.post("/login", url.Values{"username": {"t.nurse"}, "password": {testPassword}})
	raw := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	require.Contains(t, raw, "hms_session=")
	for _, line := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(line, "hms_session=") {
			assert.Contains(t, line, "HttpOnly")
			assert.Contains(t, line, "SameSite=Lax")
			assert.Contains(t, line, "Path=/")
			assert.NotContains(t, line, "Domain=")
		}
	}
}

func TestIdleTimeoutAndBoardRefreshIsNotActivity(t *testing.T) {
	// Generous times, so a slow machine (the race detector, a busy CI) cannot turn one
	// slow request into an idle gap.
	e := newEnv(t, withIdle(3*time.Second))
	active := e.as(handlers.RoleNurse)
	board := e.as(handlers.RoleNurse)
	for i := 0; i < 6; i++ { // 4.2 s in all, longer than the idle timeout
		time.Sleep(700 * time.Millisecond)
		s, _, _ := active.get("/ward")
		require.Equal(t, http.StatusOK, s, "a person working stays signed in")
		board.get("/ward/W1", "HX-Request", "true", "X-HMS-Background", "1")
	}
	status, _, resp := board.get("/ward/W1", "HX-Request", "true", "X-HMS-Background", "1")
	assert.Equal(t, http.StatusUnauthorized, status, "an idle board is signed out, never shown stale")
	assert.Equal(t, "/login", resp.Header.Get("HX-Redirect"))
	time.Sleep(3200 * time.Millisecond)
	status, _, resp = active.get("/ward")
	assert.Equal(t, http.StatusSeeOther, status, "a person who walked away is signed out too")
	assert.Contains(t, resp.Header.Get("Location"), "expired=1", "and told why")
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	a := e.as(handlers.RolePharmacist)
	b := e.as(handlers.RolePharmacist)
	a.get("/account/password")
	newPw := "another long password 2026"
	status, body, _ := a.post("/account/password", url.Values{"current": {testPassword}, "new": {newPw}, "confirm": {newPw}})
	require.Equal(t, http.StatusSeeOther, status, body)
	s, _, _ := a.get("/pharmacy")
	assert.Equal(t, http.StatusOK, s, "the session that changed it stays")
	s, _, _ = b.get("/pharmacy")
	assert.Equal(t, http.StatusSeeOther, s, "the other session is signed out")
	e.client().login(userFor(handlers.RolePharmacist), newPw)
}

func TestWeakNewPasswordIsRefusedNextToTheField(t *testing.T) {
	e := newEnv(t)
	c := e.as(handlers.RoleNurse)
	c.get("/account/password")
	status, body, _ := c.post("/account/password", url.Values{"current": {testPassword}, "new": {"Password1234"}, "confirm": {"Password1234"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="new"`)
}

func TestAdminResetForcesAPasswordChange(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	admin.get("/admin/users/t.labtech")
	temp := "temporary password 77"
	status, _, _ := admin.post("/admin/users/t.labtech/password", url.Values{"password": {temp}})
	require.Equal(t, http.StatusSeeOther, status)

	tech := e.client()
	assert.Equal(t, "/account/password", tech.login("t.labtech", temp))
	status, _, resp := tech.get("/lab")
	assert.Equal(t, http.StatusSeeOther, status, "nothing else until the password is changed")
	assert.Equal(t, "/account/password", resp.Header.Get("Location"))
}

func TestOpenRedirectIsRefused(t *testing.T) {
	e := newEnv(t)
	for _, next := range []string{"https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"} {
		c := e.client()
		c.get("/login")
		_, _, resp := c.post("/login", url.Values{"username": {"t.admin"}, "password": {testPassword}, "next": {next}})
		assert.Equal(t, "/admin", resp.Header.Get("Location"), next)
	}
	c := e.client()
	c.get("/login")
	_, _, resp := c.post("/login", url.Values{"username": {"t.admin"}, "password": {testPassword}, "next": {"/prices"}})
	assert.Equal(t, "/prices", resp.Header.Get("Location"), "a local next is honoured")
}

func TestDisabledUserCannotSignIn(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, identity.NewUsers(e.db).SetDisabled(context.Background(), "t.nurse", true, "test"))
	c := e.client()
	c.get("/login")
	status, body, _ := c.post("/login", url.Values{"username": {"t.nurse"}, "password": {testPassword}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, body, "Wrong username or password.")
}
