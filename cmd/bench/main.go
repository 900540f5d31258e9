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
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
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
	flag.Parse()
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
