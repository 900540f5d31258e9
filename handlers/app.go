// Package handlers turns HTTP requests into store calls and views.
package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"io/fs"
	"log/slog"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"hms/metrics"
	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/identity"
	"hms/store/ipd"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/pharmacy"
	"hms/store/portal"
)

// Config holds the web tier's settings.
type Config struct {
	Hospital        string        // name shown in the header
	SessionKey      []byte        // ≥ 32 bytes; signs cookies and CSRF tokens
	IdleTimeout     time.Duration // HMS_IDLE_TIMEOUT, 15 min by default
	AbsoluteTimeout time.Duration // a session ends after this however active
	SecureCookies   bool          // served over TLS
	Location        *time.Location
	BodyLimit       int
	Metrics         *metrics.Metrics // nil: no /metrics and no request timing
	MetricsToken    string           // HMS_METRICS_TOKEN: a scraper's bearer token for /metrics
	BackupEvery     time.Duration    // HMS_BACKUP_EVERY: the admin page warns when a backup is overdue
	BackupKeep      int              // HMS_BACKUP_KEEP: shown on the retention page
	TrustedProxies  []string         // HMS_TRUSTED_PROXIES: only these may set X-Forwarded-For
}

// Deps are the stores the handlers use.
type Deps struct {
	DB       *store.DB
	Users    *identity.Users
	Sessions *identity.Sessions
	Auth     *identity.Authenticator
	Catalog  *catalog.Catalog
	Patients *patients.Store
	Accounts *billing.Accounts
	Charges  *billing.Charges
	Billing  *billing.Desk // the billing desk: charges, invoices, payments, claims, cash days
	OPD      *opd.Store
	IPD      *ipd.Store      // the wards: admissions, beds, orders, MAR, nursing chart
	Lab      *lab.Store      // the laboratory: samples, results, verification, critical alerts
	Pharmacy *pharmacy.Store // stock, dispensing and the pharmacy queue
	Audit    Auditor         // the audit trail; every PHI read and change is recorded
	Portal   *portal.Store   // a patient's own records; nil: built from the stores above
	Static   fs.FS
	Log      *slog.Logger
}

// App is the web application: its handlers share these fields.
type App struct {
	Deps
	cfg      Config
	log      *slog.Logger
	app      *fiber.App
	cookies  *cookieStore
	csrfKey  []byte
	assets   *assets
	validate *validator.Validate
	routes   *router
}

// ErrWeakKey means the session key is missing or too short.
var ErrWeakKey = errors.New("handlers: the session key must be at least 32 bytes")

// NewApp builds the Fiber app with every route; main and the tests both use it.
func NewApp(cfg Config, d Deps) (*App, error) {
	if len(cfg.SessionKey) < 32 {
		return nil, ErrWeakKey
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 15 * time.Minute
	}
	if cfg.AbsoluteTimeout <= 0 {
		cfg.AbsoluteTimeout = 12 * time.Hour
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.Hospital == "" {
		cfg.Hospital = "City General Hospital"
	}
	as, err := newAssets(d.Static)
	if err != nil {
		return nil, err
	}
	a := &App{Deps: d, cfg: cfg, log: d.Log, assets: as, validate: newValidator()}
	if a.log == nil {
		a.log = slog.Default()
	}
	cookieKey, csrfKey := derive(cfg.SessionKey, "cookie"), derive(cfg.SessionKey, "csrf")
	codec := securecookie.New(cookieKey, nil)
	codec.MaxAge(int(cfg.AbsoluteTimeout.Seconds()))
	a.cookies = &cookieStore{codec: codec, options: sessions.Options{Path: "/", HttpOnly: true,
		Secure: cfg.SecureCookies, SameSite: 2 /* http.SameSiteLaxMode */}}
	a.csrfKey = csrfKey

	a.app = fiber.New(fiber.Config{
		AppName:               "hms",
		ErrorHandler:          a.errorHandler,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        16 << 10,
		Immutable:             true, // request strings stay valid after the handler returns
		DisableStartupMessage: true,
		// The client address (audit, login throttling) comes from X-Forwarded-For only
		// when the request arrives from a proxy the operator named; anyone else could
		// forge it to dodge the brute-force limit.
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
	})
	a.app.Use(a.accessLog, a.recoverPanics, a.securityHeaders, a.metricsScrape, a.loadSession, a.checkCSRF)
	a.routes = &router{app: a.app, policies: map[string]Permission{}, a: a}
	a.register(a.routes)
	a.app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return a, nil
}

// Fiber returns the HTTP application.
func (a *App) Fiber() *fiber.App { return a.app }

// Policies returns each registered route's permission ("GET /path" → permission), for tests.
func (a *App) Policies() map[string]Permission { return a.routes.policies }

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
