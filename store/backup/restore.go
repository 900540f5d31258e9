package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// Restore loads an archive into db, which must hold no documents. It checks every
// collection's count and checksum against the manifest as it reads, then reads the
// restored database back and compares again. The caller then runs the consistency checks
// (the audit chain, the follow-up repairs) as the server does at start.
func Restore(ctx context.Context, db *store.DB, r io.Reader) (Manifest, error) {
	var m Manifest
	if err := ensureEmpty(ctx, db); err != nil {
		return m, err
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, fmt.Errorf("backup: not a backup archive: %w", err)
	}
	tr := tar.NewReader(gz)
	read := map[string]Collection{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("backup: archive damaged: %w", err)
		}
		switch {
		case h.Name == "manifest.json":
			if err := json.NewDecoder(tr).Decode(&m); err != nil {
				return m, fmt.Errorf("backup: manifest: %w", err)
			}
		case strings.HasPrefix(h.Name, "collections/") && strings.HasSuffix(h.Name, ".bson"):
			name := strings.TrimSuffix(strings.TrimPrefix(h.Name, "collections/"), ".bson")
			c, err := loadCollection(ctx, db, name, tr)
			if err != nil {
				return m, err
			}
			read[name] = c
		}
	}
	if m.Format != FormatVersion {
		return m, fmt.Errorf("backup: archive format %d, this program reads %d (or the manifest is missing)", m.Format, FormatVersion)
	}
	var got Manifest
	for _, c := range read {
		got.Collections = append(got.Collections, c)
	}
	if diffs := Compare(m, got); len(diffs) > 0 {
		return m, fmt.Errorf("backup: the archive does not match its manifest: %s", strings.Join(diffs, "; "))
	}
	if err := db.EnsureIndexes(ctx); err != nil {
		return m, err
	}
	live, err := Sum(ctx, db)
	if err != nil {
		return m, err
	}
	if diffs := Compare(m, live); len(diffs) > 0 {
		return m, fmt.Errorf("backup: the restored database differs from the backup: %s", strings.Join(diffs, "; "))
	}
	return m, nil
}

func ensureEmpty(ctx context.Context, db *store.DB) error {
	names, err := collections(ctx, db)
	if err != nil {
		return err
	}
	for _, name := range names {
		n, err := db.R.Collection(name).EstimatedDocumentCount(ctx)
		if err != nil {
			return fmt.Errorf("backup: count %s: %w", name, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: %s holds %d documents", ErrNotEmpty, name, n)
		}
	}
	return nil
}

// loadCollection inserts one collection's documents in batches, checksumming them.
func loadCollection(ctx context.Context, db *store.DB, name string, r io.Reader) (Collection, error) {
	out := Collection{Name: name}
	var s summer
	batch := make([]any, 0, 1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := db.W.Collection(name).InsertMany(ctx, batch, options.InsertMany().SetOrdered(true)); err != nil {
			return fmt.Errorf("backup: restore %s: %w", name, err)
		}
		batch = batch[:0]
		return nil
	}
	for {
		doc, err := bson.ReadDocument(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("backup: %s: damaged document after %d: %w", name, out.Count, err)
		}
		s.add(doc)
		out.Count++
		batch = append(batch, doc)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	if err := flush(); err != nil {
		return out, err
	}
	out.SHA256, out.Bytes = s.sum(), s.bytes
	return out, nil
}
