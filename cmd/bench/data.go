package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"hms/store"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/seed/generate"
)

// generatedMarker is written into a cache directory once its hospital is complete: a
// directory without it (a run stopped half-way) is generated again.
const generatedMarker = "generated.txt"

// cachedHospital returns the directory of a generated hospital of the profile and seed
// under cache, generating it first when it is not there yet, and how long that took.
func cachedHospital(cache, profile string, seedN uint64) (string, time.Duration, error) {
	prof, err := generate.ProfileNamed(profile)
	if err != nil {
		return "", 0, err
	}
	// The generator's version is in the name: a cache from an older generator (unsigned
	// notes, say) is not reused.
	dir, err := filepath.Abs(filepath.Join(cache, fmt.Sprintf("%s-%d-v%d", profile, seedN, generate.Version)))
	if err != nil {
		return "", 0, err
	}
	if _, err := os.Stat(filepath.Join(dir, generatedMarker)); err == nil {
		fmt.Fprintf(os.Stderr, "using the generated hospital in %s\n", dir)
		return dir, 0, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", 0, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, err
	}
	fmt.Fprintf(os.Stderr, "generating the %s profile (seed %d) into %s\n", profile, seedN, dir)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(ctx, store.Config{DataDir: dir, Logger: log})
	if err != nil {
		return "", 0, err
	}
	defer db.Close(context.Background())
	if err := db.EnsureIndexes(ctx); err != nil {
		return "", 0, err
	}
	box, err := hospitalKey(dir)
	if err != nil {
		return "", 0, err
	}
	c, err := generate.Run(ctx, db, patients.New(db, box, log), benchSigner, prof, seedN, os.Stderr, log)
	if err != nil {
		return "", 0, err
	}
	fmt.Fprintln(os.Stderr, c)
	return dir, c.Took, os.WriteFile(filepath.Join(dir, generatedMarker), []byte(c.String()+"\n"), 0o600)
}

// hospitalKey reads the ID-number key of a data directory, as the server does for the
// embedded engine (encryption.key), creating it when there is none.
func hospitalKey(dir string) (*secret.Box, error) {
	path := filepath.Join(dir, "encryption.key")
	k, err := os.ReadFile(path)
	if err != nil || len(k) < 32 {
		k = make([]byte, 48)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, k, 0o600); err != nil {
			return nil, err
		}
	}
	return secret.New(k)
}

// copyTree copies the cached hospital to a working directory, so the run's writes
// leave the cache as generated and every run starts from the same data.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if filepath.Ext(path) == ".lock" || d.Name() == "LOCK" {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
