package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Write puts the database in dir, replacing what was there: it is written
// beside dir first, so an interrupted run never leaves a partial database.
func (db *Database) Write(dir string) error {
	tmp := dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			return err
		}
	}
	if err := writeJSON(filepath.Join(tmp, "index", "db.json"), db.Meta); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(tmp, "index", "modules.json"), db.sortedModules()); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(tmp, "index", "vulns.json"), db.sortedVulns()); err != nil {
		return err
	}
	for id, b := range db.Entries {
		if err := os.WriteFile(filepath.Join(tmp, "ID", id+".json"), b, 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("vulndb: %w", err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
