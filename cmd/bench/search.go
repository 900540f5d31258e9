package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"hms/store/patients"
	"hms/store/seed"
)

// searchSuite measures patient search (issue 3) with each number of registered patients.
func searchSuite(sizes string, requests int) ([]result, error) {
	var out []result
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 {
			return nil, fmt.Errorf("bad size %q", s)
		}
		rows, err := searchAt(n, requests)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

func searchAt(n, requests int) ([]result, error) {
	b, err := openBench()
	if err != nil {
		return nil, err
	}
	defer b.close()
	people, err := b.importPatients(n - 21)
	if err != nil {
		return nil, err
	}
	load, err := b.serve()
	if err != nil {
		return nil, err
	}
	client, csrf, err := b.signIn("frontdesk")
	if err != nil {
		return nil, err
	}
	setup := fmt.Sprintf("%d patients (load %ds)", n, int(load.Round(time.Second).Seconds()))
	r := rand.New(rand.NewPCG(7, 7))
	pick := func() patients.Patient { return people[r.IntN(len(people))] }
	kinds := []struct {
		name string
		q    func() string
	}{
		{"search mrn", func() string { return pick().MRN }},
		{"search phone", func() string { return pick().Phone }},
		{"search name2", func() string { p := pick(); return strings.ToLower(p.Family[:3] + " " + p.Given) }},
		{"search surname", func() string { return strings.ToLower(pick().Family) }},
		{"search prefix2", func() string { return strings.ToLower(pick().Given[:2]) }},
	}
	var out []result
	for _, conc := range []int{1, 10} {
		base := b.measure(client, requests, conc, get(b.base, "/account"))
		base.Setup, base.Page = setup, "baseline /account"
		out = append(out, base)
		for _, k := range kinds {
			qs := make([]string, requests)
			for i := range qs {
				qs[i] = k.q()
			}
			res := b.measure(client, requests, conc, func(i int) *http.Request {
				req, _ := http.NewRequest(http.MethodPost, b.base+"/patients/search", strings.NewReader(url.Values{"q": {qs[i]}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("HX-Request", "true")
				req.Header.Set("X-CSRF-Token", csrf)
				return req
			})
			res.Setup, res.Page, res.VsBaseline = setup, k.name, res.P50MS/base.P50MS
			out = append(out, res)
		}
	}
	return out, nil
}

// importPatients adds n generated patients in bulk and returns them (with MRNs).
func (b *bench) importPatients(n int) ([]patients.Patient, error) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	people := seed.People(rand.New(rand.NewPCG(42, uint64(n))), n, today)
	loader := patients.New(b.db, b.box, b.log)
	for i := 0; i < len(people); i += 1000 {
		if err := loader.Import(context.Background(), people[i:min(i+1000, len(people))], "bench"); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "\rimported %d of %d patients", min(i+1000, len(people)), len(people))
	}
	fmt.Fprintln(os.Stderr)
	return people, nil
}
