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
	if failing := s.print(&out); failing != 1 {
		t.Errorf("print counted %d failing, want 1 (the module's; the stdlib one is listed only)\n%s", failing, &out)
	}
	for _, want := range []string{
		"1 called in modules (fail), 1 called in the standard library of go1.26.8",
		"GO-2021-0113  golang.org/x/text@v0.3.5, fixed in v0.3.7",
		"calls golang.org/x/text/language.MustParse, golang.org/x/text/language.Parse, and 2 unexported\n",
		"GO-2026-6809  stdlib@v1.26.8, fixed in v1.26.10",
		"calls crypto/x509.Certificate.Verify\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	if fail, std := strings.Index(out.String(), "FAIL:"), strings.Index(out.String(), "STDLIB:"); fail < 0 || std < fail {
		t.Errorf("want the failing section first, then the stdlib one:\n%s", &out)
	}
}

func TestTriageOnlyStdlibPasses(t *testing.T) {
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
	if failing := s.print(&out); failing != 0 {
		t.Errorf("a scan with only a stdlib finding failed (%d):\n%s", failing, &out)
	}
}

func TestTriageRejectsGarbage(t *testing.T) {
	if _, err := readScan(strings.NewReader("Scanning your code...\n")); err == nil {
		t.Error("readScan accepted text output")
	}
}
