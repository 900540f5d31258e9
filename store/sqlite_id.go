package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	"go.mongodb.org/mongo-driver/v2/mongo"
	_ "modernc.org/sqlite" // FerretDB's own SQLite driver, to reach its files
)

// FerretDB 1.24's SQLite backend filters {_id: x} with the expression
// _ferretdb_sjson->'$._id' but builds its unique _id index on _ferretdb_sjson->"_id".
// SQLite only uses an index whose expression matches the query's, so every _id lookup
// scanned its table: measured 0.5 ms for the 10th of 20,000 documents, 27 ms for the
// 10,000th and 60 ms for the 19,990th (store/idscan_test.go). ensureIDIndexes adds an
// index on the exact expression the queries use, which makes every _id lookup a
// SEARCH (well under a millisecond) whatever the table's size. FerretDB does not know
// about the index; dropping a collection drops its table and the index with it.
func (db *DB) ensureIDIndexes(ctx context.Context) error {
	if !db.Embedded || db.sqlite == "" {
		return nil
	}
	for _, name := range Collections { // tables exist only once their collection does
		err := db.W.CreateCollection(ctx, name)
		var ce mongo.CommandError
		if err != nil && !(asCommandError(err, &ce) && ce.Code == 48) { // 48: NamespaceExists
			return fmt.Errorf("store: create collection %s: %w", name, err)
		}
	}
	return db.indexSQLiteIDs(ctx)
}

func asCommandError(err error, ce *mongo.CommandError) bool {
	c, ok := err.(mongo.CommandError)
	if ok {
		*ce = c
	}
	return ok
}

// indexSQLiteIDs indexes _id in every table of this database's SQLite file.
func (db *DB) indexSQLiteIDs(ctx context.Context) error {
	path := filepath.Join(db.sqlite, db.W.Name()+".sqlite")
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return fmt.Errorf("store: list tables of %s: %w", path, err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_hms_id", t)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: _id index of %s: %w", t, err)
		}
	}
	return nil
}

// IndexIDs gives collections created after start (tests' scratch collections) the same
// _id index; production collections are all in Collections.
func (db *DB) IndexIDs(ctx context.Context) error {
	if !db.Embedded || db.sqlite == "" {
		return nil
	}
	return db.indexSQLiteIDs(ctx)
}
