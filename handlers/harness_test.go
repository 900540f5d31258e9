package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/static"
	"hms/store"
	"hms/store/audit"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/identity"
	"hms/store/ipd"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/pharmacy"
	"hms/store/secret"
	"hms/store/seed"
	"hms/store/signing"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const testPassword = "a long test password for everyone"

// env is one app over a throw-away database holding the demo hospital plus one user per role.
type env struct {
	t    *testing.T
	app  *handlers.App
	db   *store.DB
	pats *patients.Store
	cfg  handlers.Config
	deps handlers.Deps
}

type option func(*handlers.Config)

func withIdle(d time.Duration) option { return func(c *handlers.Config) { c.IdleTimeout = d } }

func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	box, err := secret.New([]byte(strings.Repeat("e", 32)))
	require.NoError(t, err)
	// The demo hospital and one user per role are built once and copied into each test's
	// database: hashing their passwords again for every test would dominate the run.
	tpl := storetest.Template(t, "handlers", func(db *store.DB) error {
		ctx := context.Background()
		if _, err := seed.Demo(ctx, db, patients.New(db, box, quiet), quiet); err != nil {
			return err
		}
		for _, r := range handlers.AllRoles {
			_, err := identity.NewUsers(db).Create(ctx, identity.NewUser{Username: userFor(r),
				FullName: "Test " + handlers.RoleLabels[r], Roles: []string{string(r)}, Password: testPassword}, "test")
			if err != nil {
				return err
			}
		}
		return nil
	})
	db := storetest.DB(t)
	storetest.Copy(t, tpl, db)
	pats := patients.New(db, box, quiet)
	_, err = pats.Load(context.Background())
	require.NoError(t, err)
	users := identity.NewUsers(db)
	cfg := handlers.Config{SessionKey: []byte(strings.Repeat("k", 32)), IdleTimeout: 15 * time.Minute}
	for _, o := range opts {
		o(&cfg)
	}
	cat := catalog.New(db)
	sig := signing.Ephemeral() // one server key for every store, as in main
	opdStore := opd.New(db, cat, opd.Options{Location: cfg.Location, Patients: pats, OnVisitComplete: pats.SetLastVisit, Signer: sig})
	deps := handlers.Deps{DB: db, Users: users, Sessions: identity.NewSessions(db),
		Auth: identity.NewAuthenticator(db), Catalog: cat, Patients: pats, Accounts: billing.NewAccounts(db),
		Charges: billing.NewCharges(db), Billing: billing.New(db), OPD: opdStore,
		IPD:      ipd.New(db, cat, ipd.Options{Location: cfg.Location, Patients: pats, OPD: opdStore, Signer: sig}),
		Lab:      lab.New(db, cat, lab.Options{Patients: pats, OnCall: opdStore, Signer: sig}),
		Pharmacy: pharmacy.New(db, cat, pharmacy.Options{Location: cfg.Location, Visits: opdStore}),
		Audit:    audit.New(db, quiet), Static: static.FS,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app, err := handlers.NewApp(cfg, deps)
	require.NoError(t, err)
	return &env{t: t, app: app, db: db, pats: pats, cfg: cfg, deps: deps}
}

// rebuild replaces the app with one whose dependencies change has adjusted (a failing
// audit trail, say); clients signed in before keep their sessions (they are in the database).
func (e *env) rebuild(change func(*handlers.Deps)) {
	e.t.Helper()
	change(&e.deps)
	app, err := handlers.NewApp(e.cfg, e.deps)
	require.NoError(e.t, err)
	e.app = app
}

// userFor is the test account that holds exactly role r.
func userFor(r handlers.Role) string { return "t." + strings.ReplaceAll(string(r), "_", "") }

// client is one browser: its cookies and the CSRF token of the last page it saw.
type client struct {
	e       *env
	mu      sync.Mutex
	cookies map[string]string
	csrf    string
}

func (e *env) client() *client { return &client{e: e, cookies: map[string]string{}} }

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// do sends a request and returns status, body and the response.
func (c *client) do(method, path string, form url.Values, headers ...string) (int, string, *http.Response) {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	c.mu.Lock() // double-click tests share one browser between goroutines
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	c.mu.Unlock()
	resp, err := c.e.app.Fiber().Test(req, -1)
	require.NoError(c.e.t, err)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp.StatusCode, string(b), resp
}

func (c *client) get(path string, headers ...string) (int, string, *http.Response) {
	return c.do(http.MethodGet, path, nil, headers...)
}

// post sends a form with the current CSRF token.
func (c *client) post(path string, form url.Values, headers ...string) (int, string, *http.Response) {
	if form == nil {
		form = url.Values{}
	}
	c.mu.Lock()
	form.Set("_csrf", c.csrf)
	c.mu.Unlock()
	return c.do(http.MethodPost, path, form, headers...)
}

// login signs in and fails the test unless it worked; it returns the landing path.
func (c *client) login(username, password string) string {
	c.e.t.Helper()
	c.get("/login")
	status, body, resp := c.post("/login", url.Values{"username": {username}, "password": {password}})
	require.Equal(c.e.t, http.StatusSeeOther, status, "login as %s: %s", username, body)
	to := resp.Header.Get("Location")
	c.get(to) // picks up the session's CSRF token
	return to
}

// as returns a client signed in as the test user holding role r.
func (e *env) as(r handlers.Role) *client {
	c := e.client()
	c.login(userFor(r), testPassword)
	return c
}
