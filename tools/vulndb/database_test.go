package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLatestFixed(t *testing.T) {
	semverRange := func(events ...[2]string) osvRange {
		r := osvRange{Type: "SEMVER"}
		for _, e := range events {
			r.Events = append(r.Events, struct {
				Introduced string `json:"introduced"`
				Fixed      string `json:"fixed"`
			}{e[0], e[1]})
		}
		return r
	}
	intro := func(v string) [2]string { return [2]string{v, ""} }
	fixed := func(v string) [2]string { return [2]string{"", v} }
	tests := []struct {
		name   string
		ranges []osvRange
		want   string
	}{
		{"one fix", []osvRange{semverRange(intro("0"), fixed("0.3.7"))}, "0.3.7"},
		{"no fix", []osvRange{semverRange(intro("0"))}, ""},
		{"fixed twice, highest wins", []osvRange{semverRange(intro("0"), fixed("1.5.0"), intro("2.0.0"), fixed("2.4.0"))}, "2.4.0"},
		{"reintroduced after the fix", []osvRange{semverRange(intro("0"), fixed("1.5.0"), intro("2.0.0"))}, ""},
		{"semver order, not string order", []osvRange{semverRange(intro("0"), fixed("1.10.0")), semverRange(intro("0"), fixed("1.9.0"))}, "1.10.0"},
		{"non-SEMVER ranges are ignored", []osvRange{{Type: "GIT"}, semverRange(intro("0"), fixed("0.1.0"))}, "0.1.0"},
	}
	for _, tt := range tests {
		if got := latestFixed(tt.ranges); got != tt.want {
			t.Errorf("%s: latestFixed = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Two entries, one of them affecting a module in two ranges and another module:
// the indexes must be what x/vulndb's cmd/indexdb writes for them.
func TestBuildWritesV1Layout(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "GO-2021-0113.json"), `{
  "id": "GO-2021-0113",
  "modified": "2023-01-02T03:04:05Z",
  "aliases": ["CVE-2021-38561"],
  "summary": "a \u003cb\u003e",
  "affected": [
    {"package": {"name": "golang.org/x/text"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.3.7"}]}]}
  ]
}`)
	writeFile(t, filepath.Join(src, "GO-2020-0001.json"), `{
  "id": "GO-2020-0001",
  "modified": "2024-05-06T07:08:09+02:00",
  "affected": [
    {"package": {"name": "example.com/b"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]},
    {"package": {"name": "example.com/a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]},
    {"package": {"name": "example.com/a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"fixed": "2.1.0"}]}]}
  ]
}`)
	writeFile(t, filepath.Join(src, "README.md"), "not an entry")

	db, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "db")
	if err := db.Write(out); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"index/db.json": `{"modified":"2024-05-06T05:08:09Z"}`,
		"index/modules.json": `[{"path":"example.com/a","vulns":[{"id":"GO-2020-0001","modified":"2024-05-06T05:08:09Z","fixed":"1.2.0"},{"id":"GO-2020-0001","modified":"2024-05-06T05:08:09Z","fixed":"2.1.0"}]},` +
			`{"path":"example.com/b","vulns":[{"id":"GO-2020-0001","modified":"2024-05-06T05:08:09Z"}]},` +
			`{"path":"golang.org/x/text","vulns":[{"id":"GO-2021-0113","modified":"2023-01-02T03:04:05Z","fixed":"0.3.7"}]}]`,
		"index/vulns.json":     `[{"id":"GO-2020-0001","modified":"2024-05-06T05:08:09Z"},{"id":"GO-2021-0113","modified":"2023-01-02T03:04:05Z","aliases":["CVE-2021-38561"]}]`,
		"ID/GO-2021-0113.json": `{"id":"GO-2021-0113","modified":"2023-01-02T03:04:05Z","aliases":["CVE-2021-38561"],"summary":"a \u003cb\u003e","affected":[{"package":{"name":"golang.org/x/text"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.3.7"}]}]}]}`,
	}
	for name, w := range want {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != w {
			t.Errorf("%s:\n got %s\nwant %s", name, got, w)
		}
	}
	ids, _ := filepath.Glob(filepath.Join(out, "ID", "*"))
	if len(ids) != 2 {
		t.Errorf("ID/ holds %d files, want 2: %v", len(ids), ids)
	}

	// A rebuild replaces the database whole: nothing of the old one is left.
	os.Remove(filepath.Join(src, "GO-2020-0001.json"))
	db, err = Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "ID", "GO-2020-0001.json")); !os.IsNotExist(err) {
		t.Errorf("a removed entry is still in the rebuilt database (stat: %v)", err)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := map[string]string{
		"GO-2020-0002.json": `{"id": "GO-2020-0003"}`, // govulncheck fetches ID/<id>.json
		"GO-2020-0004.json": `{"id": "GO-2020-0004", "modified": "yesterday"}`,
		"GO-2020-0005.json": `{"id": "GO-2020-0005",`,
	}
	for name, body := range tests {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, name), body)
		if _, err := Load(dir); err == nil {
			t.Errorf("Load accepted %s: %s", name, body)
		}
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no OSV files") {
		t.Errorf("Load of an empty folder: err = %v, want 'no OSV files'", err)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
