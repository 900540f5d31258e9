package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

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
)

// result is one row of the report.
type result struct {
	Setup       string  `json:"setup"`
	Page        string  `json:"page"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	P50MS       float64 `json:"p50_ms"`
	P95MS       float64 `json:"p95_ms"`
	P99MS       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	Bytes       int     `json:"bytes_per_response"`
	DataCmds    float64 `json:"db_commands_per_request"`
	SessionCmds float64 `json:"session_and_audit_commands_per_request"`
	VsBaseline  float64 `json:"p50_vs_baseline,omitempty"`
}

func printTable(rows []result) {
	fmt.Printf("\n%-22s %-16s %4s %5s %8s %8s %8s %4s %8s %7s %9s %7s\n", "setup", "page", "conc", "reqs", "p50 ms", "p95 ms",
		"p99 ms", "err", "bytes", "db cmd", "sess+aud", "×base")
	for _, r := range rows {
		fmt.Printf("%-22s %-16s %4d %5d %8.2f %8.2f %8.2f %4d %8d %7.2f %9.2f %7.1f\n", r.Setup, r.Page, r.Concurrency, r.Requests,
			r.P50MS, r.P95MS, r.P99MS, r.Errors, r.Bytes, r.DataCmds, r.SessionCmds, r.VsBaseline)
	}
}

// counter counts database commands while it is on: the page's own, and those of the
// session and the audit trail, which every signed-in request pays.
type counter struct {
	on            atomic.Bool
	data, session atomic.Int64
}

var overhead = map[string]bool{store.CollSessions: true, store.CollUsers: true, store.CollAudit: true,
	store.CollAuditHead: true, store.CollAuditByPatient: true}

func (c *counter) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if !c.on.Load() {
			return
		}
		coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
		if overhead[coll] || (e.CommandName == "findAndModify" && coll == store.CollCounters) {
			c.session.Add(1)
		} else {
			c.data.Add(1)
		}
	}}
}

// bench is one server on a throw-away embedded database.
type bench struct {
	dir  string
	db   *store.DB
	cnt  *counter
	box  *secret.Box
	pats *patients.Store
	opd  *opd.Store
	ipd  *ipd.Store
	lab  *lab.Store
	ph   *pharmacy.Store
	base string
	app  *handlers.App
	log  *slog.Logger

	clients map[string]*http.Client // the report's signed-in roles
	csrf    map[string]string
}

func openBench() (*bench, error) {
	dir, err := os.MkdirTemp("", "hms-bench-")
	if err != nil {
		return nil, err
	}
	box, _ := secret.New([]byte(strings.Repeat("b", 32)))
	b, err := openBenchAt(dir, box)
	if err != nil {
		return nil, err
	}
	if _, err := seed.Demo(context.Background(), b.db, patients.New(b.db, b.box, b.log), b.log); err != nil {
		return nil, err
	}
	return b, nil
}

// serverLog is where a benchmark's server logs its warnings and errors.
const serverLog = "bench-results/bench-server.log"

// openBenchAt opens the embedded database in dir (removed by close) with the command
// counter attached.
func openBenchAt(dir string, box *secret.Box) (*bench, error) {
	ctx := context.Background()
	// The server's warnings and errors (a 500 under load, say) go to a file the run names,
	// not into the table on the terminal.
	var logTo io.Writer = io.Discard
	if f, err := os.Create(serverLog); err == nil {
		logTo = f
	}
	b := &bench{dir: dir, cnt: &counter{}, box: box, log: slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	var err error
	b.db, err = store.Open(ctx, store.Config{DataDir: dir, Logger: b.log, Monitor: b.cnt.monitor()})
	if err != nil {
		return nil, err
	}
	if err := b.db.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// serve loads the patient index as a restarting server does and starts the app; it
// returns how long the index load took.
func (b *bench) serve() (time.Duration, error) {
	ctx := context.Background()
	b.pats = patients.New(b.db, b.box, b.log)
	started := time.Now()
	if _, err := b.pats.Load(ctx); err != nil {
		return 0, err
	}
	load := time.Since(started)
	cat := catalog.New(b.db)
	b.opd = opd.New(b.db, cat, opd.Options{Location: time.UTC, Patients: b.pats, OnVisitComplete: b.pats.SetLastVisit, Logger: b.log, Signer: benchSigner})
	b.ipd = ipd.New(b.db, cat, ipd.Options{Location: time.UTC, Patients: b.pats, OPD: b.opd, Logger: b.log, Signer: benchSigner})
	b.lab = lab.New(b.db, cat, lab.Options{Patients: b.pats, OnCall: b.opd, Logger: b.log, Signer: benchSigner})
	b.ph = pharmacy.New(b.db, cat, pharmacy.Options{Location: time.UTC, Visits: b.opd, Logger: b.log})
	var err error
	b.app, err = handlers.NewApp(handlers.Config{SessionKey: []byte(strings.Repeat("s", 32))}, handlers.Deps{DB: b.db,
		Users: identity.NewUsers(b.db), Sessions: identity.NewSessions(b.db), Auth: identity.NewAuthenticator(b.db),
		Catalog: cat, Patients: b.pats, Accounts: billing.NewAccounts(b.db), Charges: billing.NewCharges(b.db), Billing: billing.New(b.db),
		OPD: b.opd, IPD: b.ipd, Lab: b.lab, Pharmacy: b.ph, Audit: audit.New(b.db, b.log), Static: static.FS, Log: b.log})
	if err != nil {
		return 0, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	go func() { _ = b.app.Fiber().Listener(ln) }()
	b.base = "http://" + ln.Addr().String()
	return load, nil
}

func (b *bench) close() {
	if b.app != nil {
		_ = b.app.Fiber().Shutdown()
	}
	_ = b.db.Close(context.Background())
	_ = os.RemoveAll(b.dir)
}

// request builds the i-th request of a run.
type request func(i int) *http.Request

// measure sends n requests with conc workers, timing each one.
func (b *bench) measure(client *http.Client, n, conc int, next request) result {
	lat := make([]float64, n)
	var errs, bytes atomic.Int64
	var at atomic.Int64
	b.cnt.data.Store(0)
	b.cnt.session.Store(0)
	b.cnt.on.Store(true)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(at.Add(1)) - 1
				if i >= n {
					return
				}
				req := next(i)
				t := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					k, _ := io.Copy(io.Discard, resp.Body)
					bytes.Add(k)
					resp.Body.Close()
				}
				lat[i] = float64(time.Since(t).Microseconds()) / 1000
				if err != nil || resp.StatusCode >= 400 {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	b.cnt.on.Store(false)
	slices.Sort(lat)
	pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return result{Concurrency: conc, Requests: n, P50MS: pct(0.50), P95MS: pct(0.95), P99MS: pct(0.99), Errors: int(errs.Load()),
		Bytes: int(bytes.Load()) / n, DataCmds: float64(b.cnt.data.Load()) / float64(n), SessionCmds: float64(b.cnt.session.Load()) / float64(n)}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn logs in as a demo user and returns the client and its CSRF token (read from home).
func (b *bench) signIn(username string) (*http.Client, string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	token := func(path string) (string, error) {
		resp, err := c.Get(b.base + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		m := csrfRE.FindSubmatch(body)
		if m == nil {
			return "", fmt.Errorf("no CSRF token on %s (status %d)", path, resp.StatusCode)
		}
		return string(m[1]), nil
	}
	t, err := token("/login")
	if err != nil {
		return nil, "", err
	}
	resp, err := c.PostForm(b.base+"/login", url.Values{"_csrf": {t}, "username": {username}, "password": {seed.DemoPassword}})
	if err != nil {
		return nil, "", err
	}
	resp.Body.Close()
	t, err = token("/account")
	return c, t, err
}

func get(base, path string, headers ...string) request {
	return func(int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return req
	}
}

// benchSigner is one fixed key for the generated hospital (cached across runs in
// bench-data) and the server that shows it, so signed documents verify as in production.
var benchSigner = func() *signing.Signer {
	s, err := signing.New([]byte("hms benchmark signing key, 32 b."))
	if err != nil {
		panic(err)
	}
	return s
}()
