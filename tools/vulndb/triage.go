package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
)

// message is one object of govulncheck's JSON stream (its protocol v1.0.0);
// only the fields triage reads.
type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
}

// vuln is what a scan found of one vulnerability.
type vuln struct {
	ID, Summary, Module, Version, Fixed string
	Called                              bool
	Symbols                             map[string]bool
}

// scan is the outcome of one govulncheck run.
type scan struct {
	GoVersion string
	Vulns     map[string]*vuln
}

func readScan(r io.Reader) (*scan, error) {
	s := &scan{Vulns: map[string]*vuln{}}
	summaries := map[string]string{}
	dec := json.NewDecoder(r)
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("vulncheck: reading govulncheck output: %w", err)
		}
		switch {
		case m.Config != nil:
			s.GoVersion = m.Config.GoVersion
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			f, top := m.Finding, m.Finding.Trace[0]
			v := s.Vulns[f.OSV]
			if v == nil {
				v = &vuln{ID: f.OSV, Module: top.Module, Version: top.Version, Fixed: f.FixedVersion, Symbols: map[string]bool{}}
				s.Vulns[f.OSV] = v
			}
			// A finding whose innermost frame names a function is one the code calls.
			if top.Function != "" {
				v.Called = true
				v.Symbols[symbol(top)] = true
			}
		}
	}
	for id, v := range s.Vulns {
		v.Summary = summaries[id]
	}
	return s, nil
}

func symbol(f frame) string {
	if f.Receiver != "" {
		return f.Package + "." + strings.TrimPrefix(f.Receiver, "*") + "." + f.Function
	}
	return f.Package + "." + f.Function
}

// stdlib: govulncheck files the standard library and the go command under these.
func (v *vuln) stdlib() bool { return v.Module == "stdlib" || v.Module == "toolchain" }

func (s *scan) called(id string) bool { v := s.Vulns[id]; return v != nil && v.Called }

// print reports the scan and returns the number of called vulnerabilities, each of
// which fails the check: a module's is fixed by upgrading it, the standard library's by
// moving GOTOOLCHAIN (Makefile, .ci/run, README) to a Go release that fixes it.
func (s *scan) print(w io.Writer) int {
	var mods, std, uncalled []*vuln
	for _, v := range s.Vulns {
		switch {
		case !v.Called:
			uncalled = append(uncalled, v)
		case v.stdlib():
			std = append(std, v)
		default:
			mods = append(mods, v)
		}
	}
	for _, l := range [][]*vuln{mods, std, uncalled} {
		sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	}
	fmt.Fprintf(w, "\nvulncheck: %d called in modules, %d called in the standard library of %s (each fails), %d not called\n",
		len(mods), len(std), s.GoVersion, len(uncalled))
	section(w, "FAIL: called vulnerabilities in modules (upgrade the module)", mods, true)
	section(w, "FAIL: called vulnerabilities in the Go standard library (move GOTOOLCHAIN to a Go release that fixes them)", std, true)
	section(w, "not called: in an imported package or a required module only (informational)", uncalled, false)
	return len(mods) + len(std)
}

func section(w io.Writer, title string, vs []*vuln, symbols bool) {
	if len(vs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, v := range vs {
		fixed := "no fix"
		if v.Fixed != "" {
			fixed = "fixed in " + v.Fixed
		}
		fmt.Fprintf(w, "  %s  %s@%s, %s: %s\n", v.ID, v.Module, v.Version, fixed, v.Summary)
		if symbols {
			fmt.Fprintf(w, "      calls %s\n", symbolList(v.Symbols))
		}
	}
}

// symbolList names the exported symbols reached and counts the rest: for
// net/http govulncheck lists dozens of internal ones (http2 frames, body
// readers); the JSON file keeps them all.
func symbolList(set map[string]bool) string {
	var exported []string
	internal := 0
	for s := range set {
		if isExported(s) {
			exported = append(exported, s)
		} else {
			internal++
		}
	}
	sort.Strings(exported)
	list := strings.Join(exported, ", ")
	if internal > 0 {
		if list != "" {
			list += ", "
		}
		list += fmt.Sprintf("and %d unexported", internal)
	}
	return list
}

// isExported reports whether pkg.Name or pkg.Type.Method starts with an
// exported name (the package path may itself contain dots).
func isExported(sym string) bool {
	rest := sym[strings.LastIndex(sym, "/")+1:]
	parts := strings.Split(rest, ".")
	return len(parts) >= 2 && parts[1] != "" && unicode.IsUpper([]rune(parts[1])[0])
}
