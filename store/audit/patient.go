package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/guard"
)

// Access is one line of "who looked at this patient": the event's fields but the
// patient, request id and hashes (Get returns the whole event).
type Access struct {
	Seq     int64
	At      time.Time
	User    string
	Role    string
	Action  string
	Object  string
	Outcome string
	IP      string
}

// PatientTrail is who touched one patient's record, newest first.
type PatientTrail struct {
	PatientID string
	Accesses  []Access
	Unlisted  int64 // events past MonthCap in a month: in the chain, counted here, not listed
}

// bucket is audit_by_patient's document for one patient and one UTC month. Entries are
// strings, not sub-documents: the embedded engine reads a 500-entry month in 8 ms that
// way against 38 ms as sub-documents (measured), and every write reads it whole.
type bucket struct {
	ID        string   `bson:"_id"` // <patientID>:<YYYY-MM>
	PatientID string   `bson:"patient_id"`
	Month     string   `bson:"month"`
	V         int64    `bson:"v"`       // version: every write moves it on
	N         int64    `bson:"n"`       // entries pushed
	Events    []string `bson:"events"`  // "seq|unix-ms|user|role|action|object|outcome|ip"
	Over      int64    `bson:"over"`    // events past the cap, counted only
	OverHi    int64    `bson:"over_hi"` // the highest seq counted in Over
}

func bucketID(patientID string, t time.Time) string {
	return patientID + ":" + t.UTC().Format("2006-01")
}

// fieldEscaper keeps "|" for the separator of an encoded access.
var (
	fieldEscaper   = strings.NewReplacer("%", "%25", "|", "%7C")
	fieldUnescaper = strings.NewReplacer("%25", "%", "%7C", "|")
)

func (a Access) encode() string {
	p := []string{strconv.FormatInt(a.Seq, 10), strconv.FormatInt(a.At.UnixMilli(), 10),
		a.User, a.Role, a.Action, a.Object, a.Outcome, a.IP}
	for i := 2; i < len(p); i++ {
		p[i] = fieldEscaper.Replace(p[i])
	}
	return strings.Join(p, "|")
}

func decodeAccess(s string) (Access, bool) {
	p := strings.Split(s, "|")
	if len(p) != 8 {
		return Access{}, false
	}
	seq, err1 := strconv.ParseInt(p[0], 10, 64)
	ms, err2 := strconv.ParseInt(p[1], 10, 64)
	if err1 != nil || err2 != nil {
		return Access{}, false
	}
	for i := 2; i < len(p); i++ {
		p[i] = fieldUnescaper.Replace(p[i])
	}
	return Access{Seq: seq, At: time.UnixMilli(ms).UTC(), User: p[2], Role: p[3], Action: p[4],
		Object: p[5], Outcome: p[6], IP: p[7]}, true
}

func (b *bucket) has(seq int64) bool {
	prefix := strconv.FormatInt(seq, 10) + "|"
	if slices.ContainsFunc(b.Events, func(s string) bool { return strings.HasPrefix(s, prefix) }) {
		return true
	}
	// Past the cap only a count is kept: a seq at or below the highest one counted is
	// taken as counted (it may have been missed if its first write failed meanwhile).
	return b.Over > 0 && seq <= b.OverHi
}

func access(e Event) Access {
	return Access{Seq: e.Seq, At: e.At, User: e.User, Role: e.Role, Action: e.Action, Object: e.Object,
		Outcome: e.Outcome, IP: e.IP}
}

// add is the follow-up of a new event: one write by _id that appends the entry to the
// patient's month (creating it), or, once the month is known to be full, only counts
// it. The month's entry count comes back with the write, so the next event of a full
// month is counted instead of listed (a process that has not yet seen the month full
// lists one more: the cap is MonthCap plus one per process start).
func (l *Log) add(ctx context.Context, e Event) error {
	id := bucketID(e.PatientID, e.At)
	if l.isFull(id) {
		res, err := l.pat.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, overflow(e.Seq))
		if err == nil && res.MatchedCount == 0 {
			return l.ensure(ctx, e)
		}
		return wrap(id, err)
	}
	update := bson.D{{Key: "$push", Value: bson.D{{Key: "events", Value: access(e).encode()}}},
		{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}, {Key: "v", Value: int64(1)}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "patient_id", Value: e.PatientID}, {Key: "month", Value: e.At.UTC().Format("2006-01")}}}}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	if !l.db.Embedded { // FerretDB 1.24 refuses a projection on findAndModify
		opts.SetProjection(bson.D{{Key: "n", Value: 1}})
	}
	var b struct {
		N int64 `bson:"n"`
	}
	err := l.pat.W.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}}, update, opts).Decode(&b)
	if store.IsDuplicate(err) { // two first upserts of the month raced (MongoDB): now it exists
		err = l.pat.W.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}}, update, opts).Decode(&b)
	}
	if err != nil {
		return wrap(id, err)
	}
	if b.N >= int64(l.monthCap) {
		l.setFull(id)
	}
	return nil
}

func overflow(seq int64) bson.D {
	return bson.D{{Key: "$inc", Value: bson.D{{Key: "over", Value: int64(1)}, {Key: "v", Value: int64(1)}}},
		{Key: "$max", Value: bson.D{{Key: "over_hi", Value: seq}}}}
}

// ensure is the follow-up re-applied after a failure or a crash, for events of one
// patient month: it reads the month, leaves alone the events already there, and adds
// (or past the cap counts) the others with one write that only applies to the version
// it read (store/guard: scan-free on the embedded engine). Applying it any number of
// times lists each event once.
func (l *Log) ensure(ctx context.Context, evs ...Event) error {
	id := bucketID(evs[0].PatientID, evs[0].At)
	for range 20 {
		done, err := l.ensureOnce(ctx, id, evs)
		if err != nil || done {
			return err
		}
	}
	return fmt.Errorf("audit: patient month %s: too many concurrent changes", id)
}

func (l *Log) ensureOnce(ctx context.Context, id string, evs []Event) (bool, error) {
	var b bucket
	err := l.pat.W.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&b)
	found := err == nil
	if err != nil && !store.NoDocs(err) {
		return false, wrap(id, err)
	}
	var list []string
	var over, overHi int64
	for _, e := range evs {
		switch {
		case b.has(e.Seq):
		case len(b.Events)+len(list) < l.monthCap:
			list = append(list, access(e).encode())
		default:
			over, overHi = over+1, max(overHi, e.Seq)
		}
	}
	if list == nil && over == 0 {
		return true, nil
	}
	if !found {
		b = bucket{ID: id, PatientID: evs[0].PatientID, Month: evs[0].At.UTC().Format("2006-01"), V: 1,
			N: int64(len(list)), Events: list, Over: over, OverHi: overHi}
		_, err = l.pat.W.InsertOne(ctx, b)
		if store.IsDuplicate(err) {
			return false, nil // created meanwhile: read it again
		}
		return err == nil, wrap(id, err)
	}
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(len(list))}, {Key: "over", Value: over}, {Key: "v", Value: int64(1)}}},
		{Key: "$max", Value: bson.D{{Key: "over_hi", Value: overHi}}}}
	if list != nil {
		update = append(update, bson.E{Key: "$push", Value: bson.D{{Key: "events", Value: bson.D{{Key: "$each", Value: list}}}}})
	}
	ok, err := guard.Update(ctx, l.db, store.CollAuditByPatient, id, []guard.Cond{guard.Eq("v", b.V)}, update, nil)
	return ok, wrap(id, err)
}

func (l *Log) isFull(id string) bool {
	l.fullMu.Lock()
	defer l.fullMu.Unlock()
	return l.full[id]
}

func (l *Log) setFull(id string) {
	l.fullMu.Lock()
	defer l.fullMu.Unlock()
	if len(l.full) >= 10000 { // months roll over; forgetting only costs one more entry each
		clear(l.full)
	}
	l.full[id] = true
}

func wrap(id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("audit: patient month %s: %w", id, err)
}

// ByPatient returns who touched the patient's record in the current UTC month and the
// months-1 before it, newest first: one _id lookup per month.
func (l *Log) ByPatient(ctx context.Context, patientID string, months int) (PatientTrail, error) {
	if patientID == "" || !patientRE.MatchString(patientID) {
		return PatientTrail{}, fmt.Errorf("%w: patient id", store.ErrInvalid)
	}
	months = min(max(months, 1), MaxMonths)
	now := l.now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	t := PatientTrail{PatientID: patientID, Accesses: []Access{}}
	for i := range months {
		list, b, err := l.bucket(ctx, bucketID(patientID, first.AddDate(0, -i, 0)))
		if err != nil {
			return t, err
		}
		t.Accesses = append(t.Accesses, list...)
		t.Unlisted += b.Over
	}
	return t, nil
}

// bucket reads one month document: its entries newest first, without duplicates.
func (l *Log) bucket(ctx context.Context, id string) ([]Access, bucket, error) {
	var b bucket
	err := l.pat.R.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&b)
	if store.NoDocs(err) {
		return nil, bucket{ID: id}, nil
	}
	if err != nil {
		return nil, b, fmt.Errorf("audit: patient month %s: %w", id, err)
	}
	out := make([]Access, 0, len(b.Events))
	for _, s := range b.Events {
		if a, ok := decodeAccess(s); ok {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(x, y Access) int { return cmp.Compare(y.Seq, x.Seq) })
	out = slices.CompactFunc(out, func(x, y Access) bool { return x.Seq == y.Seq })
	return out, b, nil
}
