// Command benchsearch measures patient search over HTTP on the embedded engine with a
// given number of registered patients: latency percentiles at fixed concurrency and the
// database commands one search issues. `make bench-search` runs it at 2,000 and 20,000.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"hms/handlers"
	"hms/static"
	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/identity"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/seed"
)

// result is one row of the report.
type result struct {
	Patients    int     `json:"patients"`
	LoadMS      int64   `json:"index_load_ms"`
	Kind        string  `json:"query_kind"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	P50MS       float64 `json:"p50_ms"`
	P95MS       float64 `json:"p95_ms"`
	P99MS       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	DataCmds    float64 `json:"db_commands_per_search"`
	SessionCmds float64 `json:"session_commands_per_search"`
}

// counter counts database commands by collection while it is on.
type counter struct {
	on            atomic.Bool
	data, session atomic.Int64
}

func (c *counter) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if !c.on.Load() {
			return
		}
		if coll, ok := e.Command.Lookup(e.CommandName).StringValueOK(); ok && (coll == store.CollSessions || coll == store.CollUsers) {
			c.session.Add(1)
		} else {
			c.data.Add(1)
		}
	}}
}

func main() {
	sizes := flag.String("sizes", "2000,20000", "numbers of registered patients to measure with")
	requests := flag.Int("requests", 300, "searches per query kind and concurrency level")
	out := flag.String("json", "", "also write the results to this JSON file")
	flag.Parse()
	var all []result
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 {
			fail(fmt.Errorf("bad size %q", s))
		}
		rs, err := run(n, *requests)
		if err != nil {
			fail(err)
		}
		all = append(all, rs...)
	}
	fmt.Printf("\n%-9s %-8s %-9s %4s %6s %8s %8s %8s %6s %9s %9s\n", "patients", "load ms", "query", "conc", "reqs", "p50 ms", "p95 ms", "p99 ms", "errors", "db cmds", "sess cmds")
	for _, r := range all {
		fmt.Printf("%-9d %-8d %-9s %4d %6d %8.2f %8.2f %8.2f %6d %9.2f %9.2f\n", r.Patients, r.LoadMS, r.Kind, r.Concurrency, r.Requests,
			r.P50MS, r.P95MS, r.P99MS, r.Errors, r.DataCmds, r.SessionCmds)
	}
	if *out != "" {
		b, _ := json.MarshalIndent(all, "", "  ")
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			fail(err)
		}
		fmt.Println("\nwrote", *out)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchsearch:", err)
	os.Exit(1)
}

func run(n, requests int) ([]result, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "hms-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cnt := &counter{}
	db, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet, Monitor: cnt.monitor()})
	if err != nil {
		return nil, err
	}
	defer db.Close(ctx)
	if err := db.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	box, _ := secret.New([]byte(strings.Repeat("b", 32)))
	if _, err := seed.Demo(ctx, db, patients.New(db, box, quiet), quiet); err != nil {
		return nil, err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	people := seed.People(rand.New(rand.NewPCG(42, uint64(n))), n-21, today)
	loader := patients.New(db, box, quiet)
	for i := 0; i < len(people); i += 1000 {
		if err := loader.Import(ctx, people[i:min(i+1000, len(people))], "bench"); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "\r%d patients: imported %d", n, min(i+1000, len(people)))
	}
	fmt.Fprintln(os.Stderr)

	// A fresh store loads its index the way a restarting server does.
	pats := patients.New(db, box, quiet)
	started := time.Now()
	if _, err := pats.Load(ctx); err != nil {
		return nil, err
	}
	loadMS := time.Since(started).Milliseconds()

	app, err := handlers.NewApp(handlers.Config{SessionKey: []byte(strings.Repeat("s", 32))}, handlers.Deps{DB: db,
		Users: identity.NewUsers(db), Sessions: identity.NewSessions(db), Auth: identity.NewAuthenticator(db),
		Catalog: catalog.New(db), Patients: pats, Accounts: billing.NewAccounts(db), Static: static.FS, Log: quiet})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = app.Fiber().Listener(ln) }()
	defer app.Fiber().Shutdown()
	base := "http://" + ln.Addr().String()
	client, csrf, err := signIn(base)
	if err != nil {
		return nil, err
	}

	r := rand.New(rand.NewPCG(7, 7))
	pick := func() patients.Patient { return people[r.IntN(len(people))] }
	kinds := []struct {
		name string
		q    func() string
	}{
		{"mrn", func() string { return pick().MRN }},
		{"phone", func() string { return pick().Phone }},
		{"name2", func() string { p := pick(); return strings.ToLower(p.Family[:3] + " " + p.Given) }},
		{"surname", func() string { return strings.ToLower(pick().Family) }},
		{"prefix2", func() string { return strings.ToLower(pick().Given[:2]) }},
	}
	var out []result
	for _, conc := range []int{1, 10} {
		for _, k := range kinds {
			qs := make([]string, requests)
			for i := range qs {
				qs[i] = k.q()
			}
			res := measure(client, base, csrf, qs, conc, cnt)
			res.Patients, res.LoadMS, res.Kind, res.Concurrency = n, loadMS, k.name, conc
			out = append(out, res)
		}
	}
	return out, nil
}

// measure sends the searches with conc workers and times each one.
func measure(client *http.Client, base, csrf string, qs []string, conc int, cnt *counter) result {
	lat := make([]float64, len(qs))
	var errs atomic.Int64
	next := atomic.Int64{}
	cnt.data.Store(0)
	cnt.session.Store(0)
	cnt.on.Store(true)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(qs) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, base+"/patients/search", strings.NewReader(url.Values{"q": {qs[i]}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("HX-Request", "true")
				req.Header.Set("X-CSRF-Token", csrf)
				t := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat[i] = float64(time.Since(t).Microseconds()) / 1000
				if err != nil || resp.StatusCode != http.StatusOK {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	cnt.on.Store(false)
	slices.Sort(lat)
	pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return result{Requests: len(qs), P50MS: pct(0.50), P95MS: pct(0.95), P99MS: pct(0.99), Errors: int(errs.Load()),
		DataCmds: float64(cnt.data.Load()) / float64(len(qs)), SessionCmds: float64(cnt.session.Load()) / float64(len(qs))}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn logs in as the demo front desk and returns the client and its CSRF token.
func signIn(base string) (*http.Client, string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	token := func(path string) (string, error) {
		resp, err := c.Get(base + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		m := csrfRE.FindSubmatch(b)
		if m == nil {
			return "", fmt.Errorf("no CSRF token on %s (status %d)", path, resp.StatusCode)
		}
		return string(m[1]), nil
	}
	t, err := token("/login")
	if err != nil {
		return nil, "", err
	}
	resp, err := c.PostForm(base+"/login", url.Values{"_csrf": {t}, "username": {"frontdesk"}, "password": {seed.DemoPassword}})
	if err != nil {
		return nil, "", err
	}
	resp.Body.Close()
	t, err = token("/patients")
	return c, t, err
}
