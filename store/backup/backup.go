// Package backup writes a compressed, checksummed snapshot of every collection through
// the driver (so it works on the embedded engine and on MongoDB alike) and restores one
// into an empty database, verifying counts and checksums on the way in and again from
// the restored database.
//
// The archive is a gzip'd tar: one file per collection holding its documents as raw BSON
// one after another (the mongodump .bson layout), and manifest.json with each
// collection's count and checksum. A collection's checksum is the SHA-256 of its
// documents' SHA-256 digests in sorted order, so it does not depend on the order the
// engine returns documents in and can be recomputed from a live database.
//
// Consistency: on a MongoDB replica set the snapshot is read in one snapshot session (a
// single point in time). On the embedded engine it is read while writes may continue;
// every multi-document change of this system leaves follow-up markers that the server
// re-applies at start (DESIGN store rule 2), so a restored snapshot is brought to a
// consistent state the same way a crash is.
package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"

	"hms/store"
)

// FormatVersion is written into every manifest; restore refuses other versions.
const FormatVersion = 1

// Manifest describes one archive.
type Manifest struct {
	Format      int          `json:"format"`
	CreatedAt   time.Time    `json:"created_at"`
	Engine      string       `json:"engine"` // embedded or mongodb
	Snapshot    bool         `json:"snapshot"`
	Collections []Collection `json:"collections"`
}

// Collection is one collection's count and checksum.
type Collection struct {
	Name   string `json:"name"`
	Count  int64  `json:"count"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Documents is the total number of documents in the archive.
func (m Manifest) Documents() int64 {
	var n int64
	for _, c := range m.Collections {
		n += c.Count
	}
	return n
}

// summer accumulates a collection's order-independent checksum.
type summer struct {
	digests [][sha256.Size]byte
	bytes   int64
}

func (s *summer) add(doc []byte) {
	s.digests = append(s.digests, sha256.Sum256(doc))
	s.bytes += int64(len(doc))
}

func (s *summer) sum() string {
	sort.Slice(s.digests, func(i, j int) bool { return bytes.Compare(s.digests[i][:], s.digests[j][:]) < 0 })
	h := sha256.New()
	for _, d := range s.digests {
		h.Write(d[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// collections lists the database's collections (declared or not: nothing is left out).
func collections(ctx context.Context, db *store.DB) ([]string, error) {
	names, err := db.R.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("backup: list collections: %w", err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, "system.") })
	sort.Strings(names)
	return names, nil
}

// Write streams a snapshot of db to w.
func Write(ctx context.Context, db *store.DB, w io.Writer) (Manifest, error) {
	m := Manifest{Format: FormatVersion, CreatedAt: time.Now().UTC(), Engine: engine(db)}
	read := db.R
	if !db.Embedded && replicaSet(ctx, db) {
		// One snapshot session: every collection as of the same moment.
		sess, err := db.R.Client().StartSession(options.Session().SetSnapshot(true))
		if err != nil {
			return m, fmt.Errorf("backup: snapshot session: %w", err)
		}
		defer sess.EndSession(ctx)
		ctx = mongo.NewSessionContext(ctx, sess)
		read = db.R.Client().Database(db.R.Name(), options.Database().SetReadConcern(readconcern.Snapshot()))
		m.Snapshot = true
	}
	names, err := collections(ctx, db)
	if err != nil {
		return m, err
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, name := range names {
		c, err := dumpCollection(ctx, read.Collection(name), tw)
		if err != nil {
			return m, err
		}
		m.Collections = append(m.Collections, c)
	}
	js, _ := json.MarshalIndent(m, "", "  ")
	if err := writeFile(tw, "manifest.json", js); err != nil {
		return m, err
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, gz.Close()
}

// dumpCollection copies one collection to a temporary file (tar needs each file's size
// first), then into the archive.
func dumpCollection(ctx context.Context, c *mongo.Collection, tw *tar.Writer) (Collection, error) {
	out := Collection{Name: c.Name()}
	tmp, err := os.CreateTemp("", "hms-backup-*.bson")
	if err != nil {
		return out, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	cur, err := c.Find(store.DeclaredScan(ctx, "backup"), bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return out, fmt.Errorf("backup: read %s: %w", out.Name, err)
	}
	defer cur.Close(ctx)
	var s summer
	for cur.Next(ctx) {
		if _, err := tmp.Write(cur.Current); err != nil {
			return out, fmt.Errorf("backup: %w", err)
		}
		s.add(cur.Current)
		out.Count++
	}
	if err := cur.Err(); err != nil {
		return out, fmt.Errorf("backup: read %s: %w", out.Name, err)
	}
	out.SHA256, out.Bytes = s.sum(), s.bytes
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return out, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "collections/" + out.Name + ".bson", Mode: 0o600, Size: out.Bytes,
		ModTime: time.Now()}); err != nil {
		return out, fmt.Errorf("backup: %w", err)
	}
	if _, err := io.Copy(tw, tmp); err != nil {
		return out, fmt.Errorf("backup: %w", err)
	}
	return out, nil
}

func writeFile(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err := tw.Write(b)
	return err
}

// replicaSet reports whether MongoDB runs as a replica set (snapshot reads need one).
func replicaSet(ctx context.Context, db *store.DB) bool {
	var hello struct {
		SetName string `bson:"setName"`
	}
	err := db.R.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello)
	return err == nil && hello.SetName != ""
}

func engine(db *store.DB) string {
	if db.Embedded {
		return "embedded"
	}
	return "mongodb"
}

// Sum computes the manifest of a live database (no archive), to compare with one.
func Sum(ctx context.Context, db *store.DB) (Manifest, error) {
	m := Manifest{Format: FormatVersion, CreatedAt: time.Now().UTC(), Engine: engine(db)}
	names, err := collections(ctx, db)
	if err != nil {
		return m, err
	}
	for _, name := range names {
		cur, err := db.R.Collection(name).Find(store.DeclaredScan(ctx, "backup check"), bson.D{}, options.Find().SetBatchSize(1000))
		if err != nil {
			return m, fmt.Errorf("backup: read %s: %w", name, err)
		}
		var s summer
		c := Collection{Name: name}
		for cur.Next(ctx) {
			s.add(cur.Current)
			c.Count++
		}
		err = cur.Err()
		_ = cur.Close(ctx)
		if err != nil {
			return m, fmt.Errorf("backup: read %s: %w", name, err)
		}
		c.SHA256, c.Bytes = s.sum(), s.bytes
		m.Collections = append(m.Collections, c)
	}
	return m, nil
}

// Compare lists how two manifests differ (empty collections are ignored: an empty
// collection and a missing one hold the same data).
func Compare(want, got Manifest) []string {
	index := func(m Manifest) map[string]Collection {
		out := map[string]Collection{}
		for _, c := range m.Collections {
			if c.Count > 0 {
				out[c.Name] = c
			}
		}
		return out
	}
	w, g := index(want), index(got)
	var diffs []string
	for name, c := range w {
		switch d, ok := g[name]; {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: missing (want %d documents)", name, c.Count))
		case d.Count != c.Count:
			diffs = append(diffs, fmt.Sprintf("%s: %d documents, want %d", name, d.Count, c.Count))
		case d.SHA256 != c.SHA256:
			diffs = append(diffs, fmt.Sprintf("%s: checksum differs", name))
		}
	}
	for name, d := range g {
		if _, ok := w[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: %d documents not in the backup", name, d.Count))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// ErrNotEmpty means restore was pointed at a database that already holds data.
var ErrNotEmpty = errors.New("backup: restore needs an empty database")
