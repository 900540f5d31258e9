// Package consistency runs the system's consistency checks — each module's proof that
// its data agrees with itself (the audit chain links, stock equals its ledger, balances
// equal charges less payments, no bed holds two patients, no change left half-done) —
// and records the latest report for the admin page. With repair, checks that can
// re-apply the pending follow-up writes of a multi-document change (DESIGN store rule 2)
// do so and say how many.
package consistency

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// Check is one module's check.
type Check struct {
	Name string
	// Run reports each problem found, one line each, never PHI (ids and counts only);
	// with repair it fixes what it can and reports how many it fixed.
	Run func(ctx context.Context, repair bool) (problems []string, repaired int, err error)
}

// Result is one check's outcome.
type Result struct {
	Name     string   `bson:"name"`
	Problems []string `bson:"problems"`
	Repaired int      `bson:"repaired"`
	Error    string   `bson:"error,omitempty"`
	Took     string   `bson:"took"`
}

// Report is one run of every check.
type Report struct {
	ID      string    `bson:"_id"`
	At      time.Time `bson:"at"`
	Repair  bool      `bson:"repair"`
	Results []Result  `bson:"results"`
}

const lastID = "check:last"

// Problems counts the problems (and failed checks) of the report.
func (r Report) Problems() int {
	n := 0
	for _, res := range r.Results {
		n += len(res.Problems)
		if res.Error != "" {
			n++
		}
	}
	return n
}

// Run runs every check, records the report as the latest and returns it.
func Run(ctx context.Context, db *store.DB, checks []Check, repair bool) (Report, error) {
	rep := Report{ID: lastID, At: time.Now().UTC(), Repair: repair}
	for _, c := range checks {
		started := time.Now()
		problems, repaired, err := c.Run(ctx, repair)
		res := Result{Name: c.Name, Problems: problems, Repaired: repaired, Took: time.Since(started).Round(time.Millisecond).String()}
		if res.Problems == nil {
			res.Problems = []string{}
		}
		if err != nil {
			res.Error = err.Error()
		}
		rep.Results = append(rep.Results, res)
	}
	_, err := db.W.Collection(store.CollOps).ReplaceOne(ctx, bson.D{{Key: "_id", Value: lastID}}, rep, options.Replace().SetUpsert(true))
	if err != nil {
		return rep, fmt.Errorf("consistency: record report: %w", err)
	}
	return rep, nil
}

// Last returns the latest report; a zero At means no check has run.
func Last(ctx context.Context, db *store.DB) (Report, error) {
	var rep Report
	err := db.R.Collection(store.CollOps).FindOne(ctx, bson.D{{Key: "_id", Value: lastID}}).Decode(&rep)
	if err != nil && !store.NoDocs(err) {
		return rep, fmt.Errorf("consistency: last report: %w", err)
	}
	return rep, nil
}

// Print writes the report for people.
func Print(w io.Writer, rep Report) {
	for _, r := range rep.Results {
		status := "ok"
		switch {
		case r.Error != "":
			status = "FAILED: " + r.Error
		case len(r.Problems) > 0:
			status = fmt.Sprintf("%d problem(s)", len(r.Problems))
		}
		if r.Repaired > 0 {
			status += fmt.Sprintf(", %d repaired", r.Repaired)
		}
		fmt.Fprintf(w, "%-28s %s (%s)\n", r.Name, status, r.Took)
		for i, p := range r.Problems {
			if i == 20 {
				fmt.Fprintf(w, "    … and %d more\n", len(r.Problems)-20)
				break
			}
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
	fmt.Fprintf(w, "%d problem(s) found\n", rep.Problems())
}

// Nightly runs the checks once a day (repairing what they can) until ctx ends.
func Nightly(ctx context.Context, db *store.DB, checks []Check, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			rep, err := Run(ctx, db, checks, true)
			if err != nil {
				log.Error("consistency check", "err", err)
				continue
			}
			log.Info("consistency check", "problems", rep.Problems(), "checks", len(rep.Results))
		}
	}
}

// Summary is one line for the admin page: "" when the last run found nothing.
func (r Report) Summary() string {
	if r.At.IsZero() {
		return ""
	}
	var names []string
	for _, res := range r.Results {
		if len(res.Problems) > 0 || res.Error != "" {
			names = append(names, res.Name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("the consistency check of %s found %d problem(s) in: %s (run web check)",
		r.At.Format("2 Jan 15:04 UTC"), r.Problems(), strings.Join(names, ", "))
}
