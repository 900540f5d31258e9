// Command vulndb lets govulncheck run without vuln.go.dev, which CI cannot
// reach. `vulndb build` makes a govulncheck database (the v1 layout:
// index/db.json, index/modules.json, index/vulns.json, ID/<id>.json) from the
// OSV files of the golang.org/x/vulndb module, which the module proxy serves;
// `vulndb triage` reads `govulncheck -format json` and decides what fails.
//
// build does what x/vulndb's cmd/indexdb does (its output is byte-identical),
// with the standard library and x/mod only: running indexdb itself compiles
// x/vulndb's cloud dependencies, about five minutes on a fresh machine.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

const usage = `usage:
  vulndb build (-module golang.org/x/vulndb@VERSION | -vulns DIR) -out DIR
  vulndb triage [-expect ID] < govulncheck.json`

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal(usage)
	}
	switch os.Args[1] {
	case "build":
		build(os.Args[2:])
	case "triage":
		triageCmd(os.Args[2:])
	default:
		log.Fatal(usage)
	}
}

func build(args []string) {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	module := fs.String("module", "", "module@version whose data/osv holds the OSV files")
	vulns := fs.String("vulns", "", "folder of OSV files (<ID>.json), instead of -module")
	out := fs.String("out", "", "folder to write the database to (replaced)")
	_ = fs.Parse(args)
	if (*module == "") == (*vulns == "") || *out == "" {
		log.Fatal(usage)
	}
	if *module != "" {
		dir, err := moduleDir(*module)
		if err != nil {
			log.Fatal(err)
		}
		*vulns = dir + "/data/osv"
	}
	db, err := Load(*vulns)
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Write(*out); err != nil {
		log.Fatal(err)
	}
	// The OSV files carry no dates (vuln.go.dev fills them from git history),
	// so the highest ID is what shows how recent the data is.
	vulnsIdx := db.sortedVulns()
	fmt.Printf("vulndb: %d entries for %d modules, newest %s, from %s\n",
		len(vulnsIdx), len(db.Modules), vulnsIdx[len(vulnsIdx)-1].ID, *vulns)
}

func triageCmd(args []string) {
	fs := flag.NewFlagSet("triage", flag.ExitOnError)
	expect := fs.String("expect", "", "pass only if this vulnerability is called (a self-check of the database)")
	_ = fs.Parse(args)
	r, err := readScan(os.Stdin)
	if err != nil {
		log.Fatal(err)
	}
	if *expect != "" {
		if !r.called(*expect) {
			log.Fatalf("vulncheck: the database did not report %s in the canary module: it is empty or broken", *expect)
		}
		fmt.Printf("vulncheck: canary ok: %s found in a called symbol\n", *expect)
		return
	}
	if r.print(os.Stdout) > 0 {
		os.Exit(1)
	}
}
