package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
)

// moduleDir downloads module@version through the module proxy (checked
// against the checksum database like any module) and returns its folder in
// the module cache. It runs outside any module so that the app's go.mod and
// go.sum are not touched: the database is data, not a dependency.
func moduleDir(modVersion string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", modVersion)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("vulndb: go mod download %s: %s", modVersion, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("vulndb: go mod download %s: %w", modVersion, err)
	}
	if info.Dir == "" {
		return "", fmt.Errorf("vulndb: go mod download %s gave no folder", modVersion)
	}
	return info.Dir, nil
}
