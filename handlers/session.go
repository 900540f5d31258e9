package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"hms/store"
	"hms/store/identity"
)

const (
	sessionCookie = "hms_session"
	localsUser    = "user"
	// backgroundHeader marks a board's self-refresh: it is not user activity.
	backgroundHeader = "X-HMS-Background"
)

// sessionUser is what a request knows about its signed-in user, copied from the session record.
type sessionUser struct {
	SessionID  string // record id (hash of the cookie token)
	Username   string
	FullName   string
	Roles      []string
	PatientID  string
	MustChange bool
}

func currentUser(c *fiber.Ctx) *sessionUser {
	u, _ := c.Locals(localsUser).(*sessionUser)
	return u
}

// cookieStore is a gorilla/sessions Store whose cookie carries only a signed, random
// token; the session itself lives server-side in the sessions collection, so logout,
// password change and an administrator can revoke it.
type cookieStore struct {
	codec   securecookie.Codec
	options sessions.Options
}

func (s *cookieStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

func (s *cookieStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := s.options
	sess.Options, sess.IsNew = &opts, true
	ck, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var token string
	if err := s.codec.Decode(name, ck.Value, &token); err != nil {
		return sess, err // forged or expired cookie: a new, empty session
	}
	sess.ID, sess.IsNew = token, false
	return sess, nil
}

func (s *cookieStore) Save(_ *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 || sess.ID == "" {
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	v, err := s.codec.Encode(sess.Name(), sess.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), v, sess.Options))
	return nil
}

// headerWriter collects the Set-Cookie headers gorilla writes, for copying onto Fiber's response.
type headerWriter struct{ h http.Header }

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerWriter) WriteHeader(int)             {}

// gorillaSession reads the request's session through gorilla.
func (a *App) gorillaSession(c *fiber.Ctx) (*sessions.Session, *http.Request, error) {
	r, err := adaptor.ConvertRequest(c, false)
	if err != nil {
		return nil, nil, err
	}
	sess, err := a.cookies.New(r, sessionCookie)
	return sess, r, err
}

// saveCookie writes the session cookie (token, or deletion when token is "").
func (a *App) saveCookie(c *fiber.Ctx, token string) error {
	sess, r, _ := a.gorillaSession(c)
	if r == nil {
		return errors.New("handlers: cannot read request")
	}
	sess.ID = token
	if token == "" {
		sess.Options.MaxAge = -1
	}
	w := &headerWriter{h: http.Header{}}
	if err := a.cookies.Save(r, w, sess); err != nil {
		return err
	}
	for _, v := range w.h.Values("Set-Cookie") {
		c.Response().Header.Add(fiber.HeaderSetCookie, v)
	}
	return nil
}

// loadSession finds the signed-in user, if any, and enforces the idle and absolute timeouts.
// A board's background refresh does not count as activity.
func (a *App) loadSession(c *fiber.Ctx) error {
	if len(c.Request().Header.Cookie(sessionCookie)) == 0 {
		return c.Next()
	}
	sess, _, err := a.gorillaSession(c)
	if err != nil || sess.IsNew {
		_ = a.saveCookie(c, "") // forged or undecodable: drop it
		return c.Next()
	}
	rec, err := a.Sessions.ByToken(c.UserContext(), sess.ID)
	if errors.Is(err, store.ErrNotFound) {
		_ = a.saveCookie(c, "")
		return c.Next()
	}
	if err != nil {
		return err // fail closed: no database, no session
	}
	now := time.Now()
	if !rec.Active(now, a.cfg.IdleTimeout) {
		_ = a.saveCookie(c, "")
		c.Locals("session_expired", true)
		return c.Next()
	}
	// A board's background refresh is not activity, except on a display-only account: a
	// waiting-room screen shows no patient data and must stay up all day.
	activity := c.Get(backgroundHeader) != "1" || onlyRole(rec.Roles, RoleDisplay)
	if activity && now.Sub(rec.LastSeen) >= a.touchEvery() {
		if err := a.Sessions.Touch(c.UserContext(), rec.ID, now); err != nil {
			return err
		}
	}
	c.Locals(localsUser, &sessionUser{SessionID: rec.ID, Username: rec.UserID, FullName: rec.FullName,
		Roles: rec.Roles, PatientID: rec.PatientID, MustChange: rec.MustChange})
	return c.Next()
}

// touchEvery limits last-seen writes to once a minute (or less for very short test timeouts).
func (a *App) touchEvery() time.Duration {
	return min(time.Minute, a.cfg.IdleTimeout/4)
}

// startSession creates a new server-side session for u and sets its cookie: a new id at every login.
func (a *App) startSession(c *fiber.Ctx, u identity.User) error {
	token, _, err := a.Sessions.Create(c.UserContext(), u, a.cfg.AbsoluteTimeout, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	return a.saveCookie(c, token)
}

// toLogin sends an anonymous request to the login page; htmx gets 401 + HX-Redirect so a
// login page is never swapped into a fragment.
func toLogin(c *fiber.Ctx) error {
	if isPartial(c) {
		c.Set("HX-Redirect", "/login")
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet || !safeNext(next) {
		next = ""
	}
	to := "/login"
	if next != "" && next != "/" {
		to += "?next=" + queryEscape(next)
	}
	if expired, _ := c.Locals("session_expired").(bool); expired {
		if next != "" && next != "/" {
			to += "&expired=1"
		} else {
			to += "?expired=1"
		}
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

func onlyRole(roles []string, r Role) bool { return len(roles) == 1 && Role(roles[0]) == r }
