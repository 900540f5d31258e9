// Command bench measures pages over HTTP on the embedded engine with generated data:
// latency percentiles at fixed concurrency and the database commands each request
// issues (the page's own, and the session's separately).
//
//	bench -suite search -sizes 2000,20000   patient search (make bench-search)
//	bench -suite opd                        OPD queue and consult pages (make bench-opd)
//	bench -suite billing                    billing desk account page (make bench-billing)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

func main() {
	suite := flag.String("suite", "search", "search or opd")
	sizes := flag.String("sizes", "2000,20000", "search: numbers of registered patients to measure with")
	requests := flag.Int("requests", 300, "requests per page and concurrency level")
	past := flag.Int("past-visits", 100000, "opd: completed visits of earlier days in the database")
	today := flag.Int("today-visits", 300, "opd: visits checked in today")
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
