// Command bench measures pages over HTTP on the embedded engine with generated data:
// latency percentiles at fixed concurrency and the database commands each request
// issues (the page's own, and the session's separately).
//
//	bench -suite search -sizes 2000,20000   patient search (make bench-search)
//	bench -suite opd                        OPD queue and consult pages (make bench-opd)
//	bench -suite ward                       the ward board of a 40-bed ward (make bench-ward)
//	bench -suite lab                        lab worklist, order and results pages (make bench-lab)
//	bench -suite pharmacy                   dispense queue, dispense, batch and alerts pages (make bench-pharmacy)
//	bench -suite billing                    billing desk account page (make bench-billing)
//	bench -suite report -profile clinic     the one report (make bench): a generated hospital, every
//	                                        role's key pages and writes at c=1, 10, 50, with targets
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	suite := flag.String("suite", "search", "search, opd, ward, lab, pharmacy or billing")
	sizes := flag.String("sizes", "2000,20000", "search: numbers of registered patients to measure with")
	requests := flag.Int("requests", 300, "requests per page and concurrency level")
	past := flag.Int("past-visits", 100000, "opd: completed visits of earlier days in the database")
	today := flag.Int("today-visits", 300, "opd: visits checked in today")
	pastAdm := flag.Int("past-admissions", 3650, "ward: discharged admissions of the past year in the database")
	pastResults := flag.Int("past-results", 200000, "lab: verified results of earlier orders in the database")
	openOrders := flag.Int("open-orders", 200, "lab: open orders on the worklist")
	drugs := flag.Int("drugs", 2000, "pharmacy: formulary entries")
	batches := flag.Int("batches", 10000, "pharmacy: batches in stock")
	entries := flag.Int("ledger", 500000, "pharmacy: ledger entries (at least)")
	queue := flag.Int("queue", 80, "pharmacy: items on the dispense queue")
	charges := flag.Int("charges", 100000, "billing: charges in the database")
	mine := flag.Int("my-charges", 2000, "billing: charges of the measured patient")
	out := flag.String("json", "", "also write the results to this JSON file")
	profile := flag.String("profile", "clinic", "report: the generated hospital (clinic, year or tiny)")
	seedN := flag.Uint64("seed", 1, "report: the generator's seed")
	cache := flag.String("cache", "bench-data", "report: where generated hospitals are kept, one directory per profile and seed")
	levels := flag.String("levels", "1,10,50", "report: concurrency levels")
	dur := flag.Duration("duration", 8*time.Second, "report: how long each page or write is driven at each level")
	compare := flag.String("compare", "", "report: an earlier run's JSON to print the changes against")
	flag.Parse()
	if *suite == "report" {
		if err := runReport(*profile, *seedN, *cache, *levels, *dur, *out, *compare); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	var (
		rows []result
		err  error
	)
	switch *suite {
	case "search":
		rows, err = searchSuite(*sizes, *requests)
	case "opd":
		rows, err = opdSuite(*past, *today, *requests)
	case "ward":
		rows, err = wardSuite(*pastAdm, *requests)
	case "lab":
		rows, err = labSuite(*pastResults, *openOrders, *requests)
	case "pharmacy":
		rows, err = pharmacySuite(*drugs, *batches, *entries, *queue, *requests)
	case "billing":
		rows, err = billingSuite(*charges, *mine, *requests)
	default:
		err = fmt.Errorf("unknown suite %q", *suite)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	printTable(rows)
	if *out != "" {
		b, _ := json.MarshalIndent(rows, "", "  ")
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		fmt.Println("\nwrote", *out)
	}
}

func runReport(profile string, seedN uint64, cache, levels string, dur time.Duration, out, compare string) error {
	var cs []int
	for _, l := range strings.Split(levels, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(l))
		if err != nil || c < 1 {
			return fmt.Errorf("bad concurrency level %q", l)
		}
		cs = append(cs, c)
	}
	var old []byte // read first: the old file may be the one this run overwrites
	if compare != "" {
		var err error
		if old, err = os.ReadFile(compare); err != nil {
			return err
		}
	}
	rep, err := reportSuite(profile, seedN, cache, cs, dur)
	if err != nil {
		return err
	}
	printReport(os.Stdout, rep)
	if out == "" {
		out = "bench-results/report-" + profile + ".json"
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Println("\nwrote", out)
	if len(rep.HeapProfile) > 0 {
		heap := strings.TrimSuffix(out, ".json") + ".heap.pprof"
		if err := os.WriteFile(heap, rep.HeapProfile, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", heap, "(go tool pprof -top", heap+")")
	}
	if compare != "" {
		return printCompare(os.Stdout, rep, compare, old)
	}
	return nil
}
