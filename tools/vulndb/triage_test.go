package main

import (
	"bytes"
	"strings"
	"testing"
)

// A trimmed govulncheck -format json stream: a called stdlib vulnerability, a
// called module vulnerability (two symbols), and one in a required module only.
const scanJSON = `{"config":{"protocol_version":"v1.0.0","go_version":"go1.26.8"}}
{"osv":{"id":"GO-2026-6809","summary":"Distrust compromised intermediate certificates in crypto/x509"}}
{"osv":{"id":"GO-2021-0113","summary":"Out-of-bounds read in golang.org/x/text/language"}}
{"osv":{"id":"GO-2022-1059","summary":"Denial of service via crafted Accept-Language header"}}
{"finding":{"osv":"GO-2022-1059","fixed_version":"v0.3.8","trace":[{"module":"golang.org/x/text","version":"v0.3.5"}]}}
{"finding":{"osv":"GO-2026-6809","fixed_version":"v1.26.10","trace":[{"module":"stdlib","version":"v1.26.8","package":"crypto/x509","function":"Verify","receiver":"*Certificate"},{"module":"hms","package":"hms/cmd/web","function":"main"}]}}
{"finding":{"osv":"GO-2021-0113","fixed_version":"v0.3.7","trace":[{"module":"golang.org/x/text","version":"v0.3.5","package":"golang.org/x/text/language","function":"Parse"},{"module":"canary","package":"canary","function":"main"}]}}
{"finding":{"osv":"GO-2021-0113","fixed_version":"v0.3.7","trace":[{"module":"golang.org/x/text","version":"v0.3.5","package":"golang.org/x/text/language","function":"MustParse"}]}}
{"finding":{"osv":"GO-2021-0113","fixed_version":"v0.3.7","trace":[{"module":"golang.org/x/text","version":"v0.3.5","package":"golang.org/x/text/language","function":"parse"}]}}
{"finding":{"osv":"GO-2021-0113","fixed_version":"v0.3.7","trace":[{"module":"golang.org/x/text","version":"v0.3.5","package":"golang.org/x/text/language","function":"Read","receiver":"*scanner"}]}}
`

func TestTriage(t *testing.T) {
	s, err := readScan(strings.NewReader(scanJSON))
	if err != nil {
		t.Fatal(err)
	}
	if !s.called("GO-2021-0113") || !s.called("GO-2026-6809") || s.called("GO-2022-1059") || s.called("GO-2000-0000") {
		t.Errorf("called: wrong split of %v", s.Vulns)
	}
	var out bytes.Buffer
	if failing := s.print(&out); failing != 2 {
		t.Errorf("print counted %d failing, want 2 (the module's and the standard library's)\n%s", failing, &out)
	}
	for _, want := range []string{
		"1 called in modules, 1 called in the standard library of go1.26.8 (each fails)",
		"GO-2021-0113  golang.org/x/text@v0.3.5, fixed in v0.3.7",
		"calls golang.org/x/text/language.MustParse, golang.org/x/text/language.Parse, and 2 unexported\n",
		"GO-2026-6809  stdlib@v1.26.8, fixed in v1.26.10",
		"calls crypto/x509.Certificate.Verify\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	if mods, std := strings.Index(out.String(), "FAIL: called vulnerabilities in modules"), strings.Index(out.String(), "FAIL: called vulnerabilities in the Go standard library"); mods < 0 || std < mods {
		t.Errorf("want the modules' section first, then the standard library's:\n%s", &out)
	}
}

// A called vulnerability of the standard library fails too: the fix is a newer Go.
func TestTriageFailsOnACalledStdlibVulnerability(t *testing.T) {
	var only strings.Builder
	for _, line := range strings.Split(scanJSON, "\n") {
		if !strings.Contains(line, `"GO-2021-0113"`) {
			only.WriteString(line + "\n")
		}
	}
	s, err := readScan(strings.NewReader(only.String()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if failing := s.print(&out); failing != 1 {
		t.Errorf("a scan with one called stdlib finding counted %d failing, want 1:\n%s", failing, &out)
	}
}

func TestTriageRejectsGarbage(t *testing.T) {
	if _, err := readScan(strings.NewReader("Scanning your code...\n")); err == nil {
		t.Error("readScan accepted text output")
	}
}
