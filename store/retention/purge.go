package retention

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// ClassReport is what a purge found (and, unless a dry run, deleted) in one class.
type ClassReport struct {
	Class   string    `bson:"class"`
	Keep    string    `bson:"keep"`   // "30 days"
	Cutoff  time.Time `bson:"cutoff"` // records older than this go
	Count   int64     `bson:"count"`  // how many are (or were) past the cutoff
	Oldest  time.Time `bson:"oldest"` // the oldest of them, zero when none
	Deleted int64     `bson:"deleted"`
	Note    string    `bson:"note,omitempty"`
}

// Report is one purge run, kept as "purge:last" in the ops collection for the admin page.
type Report struct {
	ID      string        `bson:"_id"`
	At      time.Time     `bson:"at"`
	DryRun  bool          `bson:"dry_run"`
	By      string        `bson:"by"`
	Classes []ClassReport `bson:"classes"`
}

// class is one purgeable record class: a collection, the date field it is aged by
// (indexed: store/indexes_retention.go), and the filter of what is past the cutoff.
type class struct {
	name, coll, field string
	days              func(Settings) int
	filter            func(cutoff, now time.Time) bson.D
	// asDate: the field holds a calendar date as text (the queue's "2026-11-27")
	asDate bool
}

var classes = []class{
	{name: "Session records", coll: store.CollSessions, field: "expires_at", days: func(s Settings) int { return s.SessionDays },
		filter: func(cutoff, _ time.Time) bson.D {
			return bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: cutoff}}}}
		}},
	// A counter still locking its username is kept whatever its age.
	{name: "Failed-login counters", coll: store.CollLoginAttempts, field: "last_at", days: func(s Settings) int { return s.LoginAttemptDays },
		filter: func(cutoff, now time.Time) bson.D {
			return bson.D{{Key: "last_at", Value: bson.D{{Key: "$lt", Value: cutoff}}},
				{Key: "locked_until", Value: bson.D{{Key: "$lt", Value: now}}}}
		}},
	{name: "Closed OPD queue boards", coll: store.CollQueues, field: "date", asDate: true, days: func(s Settings) int { return s.QueueDays },
		filter: func(cutoff, _ time.Time) bson.D {
			return bson.D{{Key: "date", Value: bson.D{{Key: "$lt", Value: cutoff.Format(time.DateOnly)}}}}
		}},
}

// Purge reports, per class, what is past its retention period and, unless dryRun,
// deletes it. Every query is served by the index on the class's date field. The audit
// trail is reported but never purged: its entries are a hash chain, and deleting its
// start would break "web verify".
func (s *Store) Purge(ctx context.Context, dryRun bool, by string) (Report, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return Report{}, err
	}
	now := time.Now().UTC()
	rep := Report{ID: "purge:last", At: now, DryRun: dryRun, By: by}
	for _, c := range classes {
		days := c.days(set)
		cr := ClassReport{Class: c.name, Keep: fmt.Sprintf("%d days", days), Cutoff: now.AddDate(0, 0, -days)}
		if cr.Count, cr.Oldest, err = s.past(ctx, c, cr.Cutoff, now); err != nil {
			return rep, err
		}
		if !dryRun && cr.Count > 0 {
			res, err := s.db.W.Collection(c.coll).DeleteMany(ctx, c.filter(cr.Cutoff, now))
			if err != nil {
				return rep, fmt.Errorf("store: purge %s: %w", c.coll, err)
			}
			cr.Deleted = res.DeletedCount
		}
		rep.Classes = append(rep.Classes, cr)
	}
	rep.Classes = append(rep.Classes, ClassReport{Class: "Audit trail", Keep: fmt.Sprintf("%d years", set.AuditYears),
		Cutoff: now.AddDate(-set.AuditYears, 0, 0),
		Note:   "never purged by this job: the trail is one hash chain, and \"web verify\" checks it from its first entry"})
	if !dryRun {
		_, err = s.db.W.Collection(store.CollOps).ReplaceOne(ctx, bson.D{{Key: "_id", Value: rep.ID}}, rep, options.Replace().SetUpsert(true))
		if err != nil {
			return rep, fmt.Errorf("store: record purge: %w", err)
		}
	}
	return rep, nil
}

// past counts the records of c past cutoff and finds the oldest.
func (s *Store) past(ctx context.Context, c class, cutoff, now time.Time) (int64, time.Time, error) {
	coll := s.db.R.Collection(c.coll)
	f := c.filter(cutoff, now)
	n, err := coll.CountDocuments(ctx, f)
	if err != nil || n == 0 {
		return n, time.Time{}, err
	}
	raw, err := coll.FindOne(ctx, f, options.FindOne().SetSort(bson.D{{Key: c.field, Value: 1}}).
		SetProjection(bson.D{{Key: c.field, Value: 1}})).Raw()
	if err != nil {
		return n, time.Time{}, fmt.Errorf("store: oldest in %s: %w", c.coll, err)
	}
	v := raw.Lookup(c.field)
	if c.asDate {
		d, _ := time.Parse(time.DateOnly, v.StringValue())
		return n, d, nil
	}
	t, _ := v.TimeOK()
	return n, t.UTC(), nil
}

// LastRun returns the latest real purge, if any.
func (s *Store) LastRun(ctx context.Context) (Report, bool, error) {
	var rep Report
	err := s.db.R.Collection(store.CollOps).FindOne(ctx, bson.D{{Key: "_id", Value: "purge:last"}}).Decode(&rep)
	if store.NoDocs(err) {
		return rep, false, nil
	}
	if err != nil {
		return rep, false, fmt.Errorf("store: last purge: %w", err)
	}
	return rep, true, nil
}

// Schedule purges every interval until ctx ends, starting one interval after start.
func Schedule(ctx context.Context, s *Store, every time.Duration, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		rep, err := s.Purge(ctx, false, "schedule")
		if err != nil {
			log.Error("retention purge", "err", err.Error())
			continue
		}
		for _, c := range rep.Classes {
			if c.Deleted > 0 {
				log.Info("retention purge", "class", c.Class, "deleted", c.Deleted)
			}
		}
	}
}
