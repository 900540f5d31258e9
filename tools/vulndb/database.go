package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/mod/semver"
)

// Database is the v1 govulncheck database: the three index endpoints and
// the entries, kept as the compact bytes of their OSV files.
type Database struct {
	Meta    Meta
	Modules map[string]*Module
	Vulns   map[string]*Vuln
	Entries map[string][]byte
}

// Meta is index/db.json.
type Meta struct {
	Modified osvTime `json:"modified"`
}

// Module is one element of index/modules.json.
type Module struct {
	Path  string       `json:"path"`
	Vulns []ModuleVuln `json:"vulns"`
}

// ModuleVuln is one vulnerability of a module in index/modules.json. Fixed is
// the version from which no later version is affected (unprefixed), if any.
type ModuleVuln struct {
	ID       string  `json:"id"`
	Modified osvTime `json:"modified"`
	Fixed    string  `json:"fixed,omitempty"`
}

// Vuln is one element of index/vulns.json.
type Vuln struct {
	ID       string   `json:"id"`
	Modified osvTime  `json:"modified"`
	Aliases  []string `json:"aliases,omitempty"`
}

// entry holds the parts of an OSV entry the indexes are made of.
type entry struct {
	ID       string   `json:"id"`
	Modified osvTime  `json:"modified"`
	Aliases  []string `json:"aliases"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []osvRange `json:"ranges"`
	} `json:"affected"`
}

type osvRange struct {
	Type   string `json:"type"`
	Events []struct {
		Introduced string `json:"introduced"`
		Fixed      string `json:"fixed"`
	} `json:"events"`
}

// Load reads every <ID>.json OSV file in dir (not its subfolders).
func Load(dir string) (*Database, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("vulndb: no OSV files in %s", dir)
	}
	db := &Database{Modules: map[string]*Module{}, Vulns: map[string]*Vuln{}, Entries: map[string][]byte{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := db.add(filepath.Base(f), b); err != nil {
			return nil, err
		}
	}
	return db, nil
}

func (db *Database) add(name string, b []byte) error {
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("vulndb: %s: %w", name, err)
	}
	// govulncheck fetches ID/<id>.json, so the file name must be the ID.
	if e.ID == "" || name != e.ID+".json" {
		return fmt.Errorf("vulndb: %s holds entry %q", name, e.ID)
	}
	if _, dup := db.Vulns[e.ID]; dup {
		return fmt.Errorf("vulndb: %s appears twice", e.ID)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return fmt.Errorf("vulndb: %s: %w", name, err)
	}
	db.Entries[e.ID] = compact.Bytes()
	db.Vulns[e.ID] = &Vuln{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases}
	if e.Modified.After(db.Meta.Modified) {
		db.Meta.Modified = e.Modified
	}
	for _, a := range e.Affected {
		m := db.Modules[a.Package.Name]
		if m == nil {
			m = &Module{Path: a.Package.Name, Vulns: []ModuleVuln{}}
			db.Modules[a.Package.Name] = m
		}
		m.Vulns = append(m.Vulns, ModuleVuln{ID: e.ID, Modified: e.Modified, Fixed: latestFixed(a.Ranges)})
	}
	return nil
}

// latestFixed is the highest fixed version of the SEMVER ranges, or "" when
// the vulnerability is introduced again after it (as x/vulndb's osvutils.LatestFixed).
func latestFixed(ranges []osvRange) string {
	var latest string
	for _, r := range ranges {
		if r.Type != "SEMVER" {
			continue
		}
		for _, e := range r.Events {
			if e.Fixed != "" && before(latest, e.Fixed) {
				latest = e.Fixed
			}
		}
		for _, e := range r.Events {
			if e.Introduced != "" && e.Introduced != "0" && before(latest, e.Introduced) {
				latest = ""
				break
			}
		}
	}
	return latest
}

// before compares unprefixed semantic versions; "" sorts before any version.
func before(v, w string) bool { return semver.Compare("v"+v, "v"+w) < 0 }

// sortedModules is index/modules.json: modules by path, each one's vulns by ID.
func (db *Database) sortedModules() []*Module {
	mods := make([]*Module, 0, len(db.Modules))
	for _, m := range db.Modules {
		sort.SliceStable(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods
}

// sortedVulns is index/vulns.json: entries by ID.
func (db *Database) sortedVulns() []*Vuln {
	vulns := make([]*Vuln, 0, len(db.Vulns))
	for _, v := range db.Vulns {
		vulns = append(vulns, v)
	}
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	return vulns
}
