package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"hms/store/patients"
)

// The report's targets (issue 10).
const (
	pageP99Target  = 100 * time.Millisecond // at c=10
	writeP99Target = 150 * time.Millisecond // at c=10
	pageCmdsTarget = 5.0                    // the page's own database commands
	rssTargetMB    = 500.0
	judgedAt       = 10
)

// reportRow is one page or write at one concurrency level.
type reportRow struct {
	Name        string         `json:"name"`
	Kind        string         `json:"kind"` // baseline, page or write
	Role        string         `json:"role"`
	Concurrency int            `json:"concurrency"`
	Requests    uint64         `json:"requests"`
	RPS         float64        `json:"requests_per_second"`
	P50MS       float64        `json:"p50_ms"`
	P95MS       float64        `json:"p95_ms"`
	P99MS       float64        `json:"p99_ms"`
	Errors      int            `json:"errors"`
	Bytes       float64        `json:"bytes_per_response"`
	DataCmds    float64        `json:"db_commands_per_request"`
	SessionCmds float64        `json:"session_and_audit_commands_per_request"`
	VsBaseline  float64        `json:"p50_vs_baseline"`
	Verdict     string         `json:"verdict,omitempty"` // PASS or MISS with the target, at c=10
	Statuses    map[string]int `json:"status_codes"`
}

// report is the whole run, as bench-results/report-<profile>.json keeps it.
type report struct {
	Profile     string        `json:"profile"`
	Seed        uint64        `json:"seed"`
	At          time.Time     `json:"at"`
	Duration    string        `json:"duration_per_row"`
	CPUs        int           `json:"cpus"`
	LoadBefore  string        `json:"load_average_before"`
	LoadAfter   string        `json:"load_average_after"`
	GenerateS   float64       `json:"generate_seconds,omitempty"` // 0: the cached hospital was used
	PeakRSSMB   float64       `json:"peak_rss_mb"`
	RSSVerdict  string        `json:"rss_verdict"`
	Memory      []levelMemory `json:"memory_by_level"`
	HeapProfile []byte        `json:"-"` // taken near the Go heap's peak, written beside the JSON
	Rows        []reportRow   `json:"rows"`
	Hospital    string        `json:"hospital"`
	RSSIncludes string        `json:"rss_includes"`
}

// target is one thing the report drives: who sends it, and how each request is built.
type target struct {
	name, kind, role string
	want             int // the status a success answers with
	next             func(t *vegeta.Target) error
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// peakRSS is this process's peak resident set (the server and the load generator).
func peakRSS() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// resetPeakRSS starts the peak over (Linux: 5 > clear_refs), so the generation and the
// set-up before the measured run do not count.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o200) }

func reportSuite(profile string, seedN uint64, cache string, levels []int, dur time.Duration) (*report, error) {
	rep := &report{Profile: profile, Seed: seedN, At: time.Now().UTC(), Duration: dur.String(), CPUs: runtime.NumCPU(),
		RSSIncludes: "the server and the load generator (one process)"}
	cached, took, err := cachedHospital(cache, profile, seedN)
	if err != nil {
		return nil, err
	}
	rep.GenerateS = took.Seconds()
	marker, _ := os.ReadFile(filepath.Join(cached, generatedMarker))
	rep.Hospital = strings.TrimSpace(string(marker))
	work, err := os.MkdirTemp("", "hms-report-")
	if err != nil {
		return nil, err
	}
	if err := copyTree(cached, work); err != nil {
		return nil, err
	}
	box, err := hospitalKey(work)
	if err != nil {
		return nil, err
	}
	b, err := openBenchAt(work, box)
	if err != nil {
		return nil, err
	}
	defer b.close()
	load, err := b.serve()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "patient index loaded in %s\n", load.Round(time.Millisecond))
	ctx := context.Background()
	t, err := b.prepareToday(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := b.reportTargets(ctx, t)
	if err != nil {
		return nil, err
	}
	rep.LoadBefore = loadAvg()
	for _, c := range levels {
		runtime.GC()
		resetPeakRSS()
		heap := watchHeap(250 * time.Millisecond)
		var base float64
		for _, tg := range targets {
			row := b.attack(tg, c, dur)
			if tg.kind == "baseline" {
				base = row.P50MS
			} else if base > 0 {
				row.VsBaseline = row.P50MS / base
			}
			row.Verdict = verdict(row)
			rep.Rows = append(rep.Rows, row)
			fmt.Fprintf(os.Stderr, "c=%-3d %-18s %7.1f req/s  p99 %7.1f ms  errors %d  statuses %v\n", c, row.Name, row.RPS, row.P99MS, row.Errors, row.Statuses)
		}
		m := levelMemory{Concurrency: c, PeakHeapMB: heap.finish(), PeakRSSMB: peakRSS()}
		if m.PeakRSSMB >= rep.PeakRSSMB {
			rep.HeapProfile = heap.profile
		}
		rep.Memory = append(rep.Memory, m)
		rep.PeakRSSMB = max(rep.PeakRSSMB, m.PeakRSSMB)
	}
	rep.LoadAfter = loadAvg()
	rep.RSSVerdict = passMiss(rep.PeakRSSMB < rssTargetMB, fmt.Sprintf("< %.0f MB", rssTargetMB))
	return rep, nil
}

// letters spells n in letters (a surname must be letters), "Ba", "Bb", …
func letters(n int64) string {
	s := ""
	for ; n > 0; n /= 26 {
		s = string(rune('a'+n%26)) + s
	}
	return "B" + s
}

func passMiss(ok bool, what string) string {
	if ok {
		return "PASS " + what
	}
	return "MISS " + what
}

// verdict judges a row at c=10: its p99 and, for a page, its own database commands; a
// MISS names what was missed.
func verdict(r reportRow) string {
	if r.Concurrency != judgedAt || r.Kind == "baseline" {
		return ""
	}
	limit := ms(writeP99Target)
	if r.Kind == "page" {
		limit = ms(pageP99Target)
	}
	var missed []string
	if r.P99MS >= limit {
		missed = append(missed, fmt.Sprintf("p99 %.0f ≥ %.0f ms", r.P99MS, limit))
	}
	if r.Kind == "page" && r.DataCmds > pageCmdsTarget {
		missed = append(missed, fmt.Sprintf("%.2f > %.0f cmds", r.DataCmds, pageCmdsTarget))
	}
	if r.Errors > 0 {
		missed = append(missed, fmt.Sprintf("%d errors", r.Errors))
	}
	if len(missed) == 0 {
		return "PASS"
	}
	return "MISS " + strings.Join(missed, ", ")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// attack drives one target with c workers sending back to back for dur (vegeta with an
// unbounded rate and a fixed worker count: a closed loop at concurrency c).
func (b *bench) attack(tg target, c int, dur time.Duration) reportRow {
	client := b.clients[tg.role]
	atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(uint64(c)), vegeta.MaxWorkers(uint64(c)))
	var m vegeta.Metrics
	errs := 0
	b.cnt.data.Store(0)
	b.cnt.session.Store(0)
	b.cnt.on.Store(true)
	for res := range atk.Attack(tg.next, vegeta.Rate{}, dur, tg.name) {
		m.Add(res)
		if res.Error != "" || int(res.Code) != tg.want {
			errs++
		}
	}
	b.cnt.on.Store(false)
	m.Close()
	n := max(float64(m.Requests), 1)
	return reportRow{Name: tg.name, Kind: tg.kind, Role: tg.role, Concurrency: c, Requests: m.Requests,
		RPS: float64(m.Requests) / m.Duration.Seconds(), P50MS: ms(m.Latencies.P50), P95MS: ms(m.Latencies.P95), P99MS: ms(m.Latencies.P99),
		Errors: errs, Statuses: m.StatusCodes, Bytes: m.BytesIn.Mean, DataCmds: float64(b.cnt.data.Load()) / n, SessionCmds: float64(b.cnt.session.Load()) / n}
}

// reportTargets signs in each role and builds the pages and the writes.
func (b *bench) reportTargets(ctx context.Context, t *today) ([]target, error) {
	b.clients, b.csrf = map[string]*http.Client{}, map[string]string{}
	for _, role := range []string{"frontdesk", "doctor", "nurse", "labtech", "pharmacist", "billing"} {
		c, csrf, err := b.signIn(role)
		if err != nil {
			return nil, fmt.Errorf("sign in %s: %w", role, err)
		}
		c.Timeout = 30 * time.Second // a request stuck longer counts as an error and the row still ends
		b.clients[role], b.csrf[role] = c, csrf
	}
	// Search terms: names and MRNs of generated patients, fixed by a seed.
	pats := patients.New(b.db, b.box, b.log)
	r := rand.New(rand.NewPCG(10, 10))
	var terms []string
	for range 200 {
		p, err := pats.ByID(ctx, t.patients[r.IntN(len(t.patients))])
		if err != nil {
			return nil, err
		}
		terms = append(terms, p.MRN, strings.ToLower(p.Family+" "+p.Given[:min(3, len(p.Given))]))
	}
	getT := func(path string, headers ...string) func(*vegeta.Target) error {
		return func(tg *vegeta.Target) error {
			tg.Method, tg.URL, tg.Header = http.MethodGet, b.base+path, http.Header{}
			for i := 0; i+1 < len(headers); i += 2 {
				tg.Header.Set(headers[i], headers[i+1])
			}
			return nil
		}
	}
	post := func(role, path string, form url.Values, headers ...string) func(*vegeta.Target) error {
		return func(tg *vegeta.Target) error {
			f := url.Values{"_csrf": {b.csrf[role]}} // vegeta's workers call this at once: the shared form is only read
			for k, v := range form {
				f[k] = v
			}
			tg.Method, tg.URL, tg.Body = http.MethodPost, b.base+path, []byte(f.Encode())
			tg.Header = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
			for i := 0; i+1 < len(headers); i += 2 {
				tg.Header.Set(headers[i], headers[i+1])
			}
			return nil
		}
	}
	var seq atomic.Int64
	unique := func() int64 { return seq.Add(1) }
	var searchN, checkN, vitalsN, labN, dispenseN atomic.Int64
	run := time.Now().UnixNano() % 1_000_000
	return []target{
		{"baseline /account", "baseline", "frontdesk", 200, getT("/account")},
		{"patient search", "page", "frontdesk", 200, func(tg *vegeta.Target) error {
			q := terms[int(searchN.Add(1))%len(terms)]
			return post("frontdesk", "/patients/search", url.Values{"q": {q}}, "HX-Request", "true", "X-CSRF-Token", b.csrf["frontdesk"])(tg)
		}},
		{"OPD queue", "page", "doctor", 200, getT("/opd")},
		{"consult page", "page", "doctor", 200, getT("/opd/visits/" + t.consult)},
		{"ward board", "page", "nurse", 200, getT("/ward/" + t.ward)},
		{"lab worklist", "page", "labtech", 200, getT("/lab")},
		{"dispense queue", "page", "pharmacist", 200, getT("/pharmacy")},
		{"billing account", "page", "billing", 200, getT("/billing/accounts/" + t.account)},
		{"register", "write", "frontdesk", 303, func(tg *vegeta.Target) error {
			n := unique()
			return post("frontdesk", "/patients", url.Values{"token": {fmt.Sprintf("bench-%d-%d", run, n)}, "given": {"Bench"},
				"family": {letters(n)}, "sex": {[]string{"F", "M"}[n%2]}, "age_years": {strconv.FormatInt(20+n%60, 10)},
				"phone": {fmt.Sprintf("8%09d", (run*7919+n)%1_000_000_000)}, "city": {"Bengaluru"}, "confirm_new": {"1"},
				"allergy_status": {patients.AllergiesUnknown}})(tg)
		}},
		{"check in", "write", "frontdesk", 303, func(tg *vegeta.Target) error {
			i := int(checkN.Add(1)-1) % len(t.patients)
			return post("frontdesk", "/patients/"+t.patients[i]+"/check-in", url.Values{"token": {fmt.Sprintf("bench-ci-%d-%d", run, i)},
				"doctor": {"dr.rao"}, "complaint": {"Fever"}})(tg)
		}},
		{"record vitals", "write", "nurse", 303, func(tg *vegeta.Target) error {
			i := int(vitalsN.Add(1)-1) % len(t.admissions)
			return post("nurse", "/ward/adm/"+t.admissions[i]+"/vitals", url.Values{"temp_c": {"37.2"}, "pulse": {"84"}, "systolic": {"124"},
				"diastolic": {"80"}, "resp_rate": {"18"}, "spo2": {"97"}})(tg)
		}},
		{"enter lab result", "write", "labtech", 303, func(tg *vegeta.Target) error {
			i := int(labN.Add(1) - 1)
			if i >= len(t.labOrders) {
				return vegeta.ErrNoTargets // the pool is spent: the row ends early
			}
			return post("labtech", "/lab/orders/"+t.labOrders[i]+"/results", url.Values{"version": {strconv.FormatInt(t.labVersion[i], 10)},
				"r_GLU-F": {strconv.Itoa(80 + i%40)}})(tg)
		}},
		{"dispense", "write", "pharmacist", 303, func(tg *vegeta.Target) error {
			i := int(dispenseN.Add(1)-1) % len(t.rxItems)
			return post("pharmacist", "/pharmacy/dispense/"+t.rxItems[i], url.Values{"order": {t.rxSupplies[i]},
				"n": {"1"}, "batch_1": {benchBatch}, "qty_1": {"1"}})(tg)
		}},
		{"post payment", "write", "billing", 303, func(tg *vegeta.Target) error {
			n := unique()
			return post("billing", "/billing/accounts/"+t.payAccounts[int(n)%len(t.payAccounts)]+"/payments",
				url.Values{"token": {fmt.Sprintf("bench-pay-%d-%d", run, n)}, "advance": {"1"}, "amount": {"100"}, "mode": {"cash"}})(tg)
		}},
	}, nil
}

// printReport writes the markdown table.
func printReport(w io.Writer, rep *report) {
	fmt.Fprintf(w, "\n## make bench — %s profile (seed %d), %s per row, %d CPUs, load average %s → %s\n\n", rep.Profile, rep.Seed,
		rep.Duration, rep.CPUs, rep.LoadBefore, rep.LoadAfter)
	fmt.Fprintf(w, "Hospital: %s\n\n", rep.Hospital)
	fmt.Fprintln(w, "| page | role | c | req/s | p50 ms | p95 ms | p99 ms | errors | bytes | own cmds | sess+audit | ×base p50 | target (c=10) |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %d | %.0f | %.2f | %.2f | %.1f | %s |\n", r.Name, r.Role, r.Concurrency,
			r.RPS, r.P50MS, r.P95MS, r.P99MS, r.Errors, r.Bytes, r.DataCmds, r.SessionCmds, r.VsBaseline, r.Verdict)
	}
	fmt.Fprintf(w, "\nPeak RSS %.0f MB (%s): %s\n", rep.PeakRSSMB, rep.RSSIncludes, rep.RSSVerdict)
	for _, m := range rep.Memory {
		fmt.Fprintf(w, "- c=%d: peak RSS %.0f MB, of which Go heap at most %.0f MB\n", m.Concurrency, m.PeakRSSMB, m.PeakHeapMB)
	}
}

// printCompare prints each row's change from an earlier run's JSON.
func printCompare(w io.Writer, rep *report, oldPath string, b []byte) error {
	var old report
	if err := json.Unmarshal(b, &old); err != nil {
		return fmt.Errorf("%s: %w", oldPath, err)
	}
	prev := map[string]reportRow{}
	for _, r := range old.Rows {
		prev[fmt.Sprintf("%s@%d", r.Name, r.Concurrency)] = r
	}
	pct := func(now, then float64) string {
		if then == 0 {
			return "—"
		}
		return fmt.Sprintf("%+.0f%%", (now-then)/then*100)
	}
	fmt.Fprintf(w, "\n### Compared with %s (%s profile, %s)\n\n", oldPath, old.Profile, old.At.Format(time.RFC3339))
	fmt.Fprintln(w, "| page | c | req/s | p50 | p99 | own cmds |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rep.Rows {
		o, ok := prev[fmt.Sprintf("%s@%d", r.Name, r.Concurrency)]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %+.2f |\n", r.Name, r.Concurrency, pct(r.RPS, o.RPS), pct(r.P50MS, o.P50MS),
			pct(r.P99MS, o.P99MS), r.DataCmds-o.DataCmds)
	}
	fmt.Fprintf(w, "\nPeak RSS %.0f MB (was %.0f MB)\n", rep.PeakRSSMB, old.PeakRSSMB)
	return nil
}
