// Package store owns every collection and the rules that guard its data.
// Module packages (store/identity, store/catalog, …) build on the DB handle opened here.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Config says which database to open.
type Config struct {
	URI      string // MONGODB_URI; empty starts the embedded engine
	Database string // database name, "hms" by default
	DataDir  string // HMS_DATA_DIR for the embedded engine
	Logger   *slog.Logger
	Monitor  *event.CommandMonitor // optional: sees every command (benchmarks, metrics)
	Pool     *event.PoolMonitor    // optional: sees connections open and close (metrics)
	// Timeout bounds finding a reachable server and opening a connection (HMS_DB_TIMEOUT,
	// default 5 s): with the database gone a request fails within it instead of hanging
	// for the driver's 30 s default.
	Timeout time.Duration
}

// DB is an open database. Reads go through R; every write goes through W.
// On the embedded engine W is a single-connection client: FerretDB's conditional
// updates are only atomic when writes are serialised (see DESIGN.md), and on a real
// MongoDB W is the same pooled client as R.
type DB struct {
	R, W     *mongo.Database
	reader   *mongo.Client
	writer   *mongo.Client
	embedded *embedded
	Embedded bool
	DataDir  string
	sqlite   string // embedded only: the directory of FerretDB's SQLite files
}

// Coll is one collection seen through the reader and the writer.
type Coll struct{ R, W *mongo.Collection }

// Coll returns the named collection.
func (db *DB) Coll(name string) Coll {
	return Coll{R: db.R.Collection(name), W: db.W.Collection(name)}
}

// Open connects to cfg.URI, or starts the embedded engine under cfg.DataDir.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Database == "" {
		cfg.Database = "hms"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	db := &DB{DataDir: cfg.DataDir}
	uri := cfg.URI
	if uri == "" {
		e, err := startEmbedded(ctx, cfg.DataDir, cfg.Logger)
		if err != nil {
			return nil, err
		}
		db.embedded, db.Embedded, uri, db.sqlite = e, true, e.uri, e.dbDir
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	var err error
	if db.reader, err = connect(ctx, uri, 0, cfg); err != nil {
		db.stopEmbedded()
		return nil, err
	}
	db.writer = db.reader
	if db.Embedded {
		if db.writer, err = connect(ctx, uri, 1, cfg); err != nil {
			_ = db.reader.Disconnect(ctx)
			db.stopEmbedded()
			return nil, err
		}
	}
	db.R = db.reader.Database(cfg.Database)
	db.W = db.writer.Database(cfg.Database)
	return db, nil
}

func connect(ctx context.Context, uri string, pool uint64, cfg Config) (*mongo.Client, error) {
	mon, pm := cfg.Monitor, cfg.Pool
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(cfg.Timeout).
		SetConnectTimeout(cfg.Timeout).
		SetAppName("hms")
	if pool > 0 {
		opts.SetMaxPoolSize(pool)
	}
	if mon != nil {
		opts.SetMonitor(mon)
	}
	if pm != nil {
		opts.SetPoolMonitor(pm)
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := c.Ping(ctx, readpref.Primary()); err != nil {
		_ = c.Disconnect(ctx)
		return nil, fmt.Errorf("store: cannot reach the database: %w", err)
	}
	return c, nil
}

// Ping reports whether the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	return db.reader.Ping(ctx, readpref.Primary())
}

// Close disconnects and stops the embedded engine, if any.
func (db *DB) Close(ctx context.Context) error {
	var errs []error
	if db.writer != db.reader {
		errs = append(errs, db.writer.Disconnect(ctx))
	}
	errs = append(errs, db.reader.Disconnect(ctx))
	db.stopEmbedded()
	return errors.Join(errs...)
}

func (db *DB) stopEmbedded() {
	if db.embedded != nil {
		db.embedded.stop()
		db.embedded = nil
	}
}

// Drop removes the whole database; tests use it for their throw-away databases.
func (db *DB) Drop(ctx context.Context) error { return db.W.Drop(ctx) }

// WithDatabase returns a handle on another database over the same connections.
func (db *DB) WithDatabase(name string) *DB {
	c := *db
	c.embedded = nil // the copy never stops the engine
	c.R, c.W = db.reader.Database(name), db.writer.Database(name)
	return &c
}
