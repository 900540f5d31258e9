package billing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// The ledger: every event that moves a patient's balance (a charge, its reversal, an
// invoice discount, a credit note, a payment, a refund) is one entry of a per-patient
// page document "<patient>:<n>" in billing_ledger. The embedded engine scans the whole
// collection for any filter but _id, and the charges collection holds a million
// documents, so the account page reads these pages by _id instead.
//
// Each page keeps the sums of its entries, updated in the same single-document write
// that adds the entry (and only when the entry is new), so a retried event is never
// counted twice. The account copies each page's sums (with the page's version, so an
// older copy never overwrites a newer one) and keeps balance = charges − payments −
// adjustments of the copies. Before an event's source document is written, its key is
// marked pending on the account; Repair re-applies pending events a crash interrupted.

// Ledger categories: which sum an entry moves.
const (
	catCharge  = "c" // charges posted (gross, tax included)
	catPayment = "p" // payments, less refunds
	catAdjust  = "a" // reversals, discounts, credit notes (less discounts given back)
	catNone    = ""  // shown only (an invoice issued)
)

// pageCap is how many entries a page holds before the next page is opened. Every
// change rewrites the page, and the embedded engine's cost grows with each field it
// reads or writes (about 0.5 ms per entry here), so pages stay small.
const pageCap = 64

// Sums are the totals of a page's entries, or of an account.
type Sums struct {
	Charges  int64 `bson:"c"`
	Payments int64 `bson:"p"`
	Adjust   int64 `bson:"a"`
	V        int64 `bson:"v"` // the page version the copy was taken at
	N        int64 `bson:"n"` // charges on the page
	// What the account page shows without reading the pages: the page's unbilled
	// charges summed by encounter and department, and its other events.
	Unbilled map[string]EncSum `bson:"u,omitempty"` // escaped encounter id → sums
	Events   []Entry           `bson:"ev,omitempty"`
}

// EncSum is a page's unbilled charges of one encounter, by department.
type EncSum struct {
	Kind  string             `bson:"k"`
	Depts map[string]DeptSum `bson:"d"` // escaped department code → sums
}

// DeptSum counts and sums unbilled charges.
type DeptSum struct {
	N      int64 `bson:"n"`
	Amount int64 `bson:"amt"`
}

// Balance is what the patient (and their payer) owes: charges − payments − adjustments.
func (s Sums) Balance() int64 { return s.Charges - s.Payments - s.Adjust }

// Entry is one ledger event as the account page shows it.
type Entry struct {
	N       int64     `bson:"n"` // always 1: its presence is what makes an add insert-once
	Kind    string    `bson:"k"` // charge, reversal, discount, undiscount, credit, payment, refund, invoice
	Cat     string    `bson:"cat"`
	Amount  int64     `bson:"amt"` // moves the category's sum by this much
	Ref     string    `bson:"ref"` // the source document's _id
	At      time.Time `bson:"at"`
	Text    string    `bson:"t,omitempty"`
	Enc     string    `bson:"enc,omitempty"` // charges only, from here on
	EncKind string    `bson:"ek,omitempty"`
	Dept    string    `bson:"dept,omitempty"`
	Qty     int64     `bson:"qty,omitempty"`
	Status  string    `bson:"st,omitempty"`
	Invoice string    `bson:"inv,omitempty"`
	CV      int64     `bson:"cv,omitempty"` // the charge version this copy was taken at
}

type page struct {
	ID        string           `bson:"_id"`
	PatientID string           `bson:"patient_id"`
	N         int64            `bson:"page"`
	Count     int64            `bson:"count"`
	V         int64            `bson:"v"`
	Sums      Sums             `bson:"sums"`
	Entries   map[string]Entry `bson:"e"`
}

func pageID(patientID string, n int64) string { return patientID + ":" + strconv.FormatInt(n, 10) }

// entryKey makes an event key safe as a document field name (no dots, no leading $).
var keyEscaper = strings.NewReplacer("%", "%25", ".", "%2E", "$", "%24")

func entryKey(kind, ref string) string { return kind + "~" + keyEscaper.Replace(ref) }

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ledger is the shared machinery of the billing repositories.
type ledger struct {
	db       *store.DB
	accounts store.Coll
	pages    store.Coll
}

func newLedger(db *store.DB) ledger {
	return ledger{db: db, accounts: db.Coll(store.CollAccounts), pages: db.Coll(store.CollLedger)}
}

func (l ledger) account(ctx context.Context, patientID string) (Account, error) {
	var a Account
	err := l.accounts.R.FindOne(ctx, bson.D{{Key: "_id", Value: patientID}}).Decode(&a)
	if store.NoDocs(err) {
		return a, store.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: account %s: %w", patientID, err)
	}
	if a.Pages == 0 {
		a.Pages = 1
	}
	return a, nil
}

// ensureAccount opens the account when a charge arrives before registration opened it.
func (l ledger) ensureAccount(ctx context.Context, patientID, mrn, name, by string) (Account, error) {
	a, err := l.account(ctx, patientID)
	if err == store.ErrNotFound {
		doc := Account{PatientID: patientID, MRN: mrn, Name: name, Status: "open", Pages: 1,
			CreatedAt: time.Now().UTC(), CreatedBy: by}
		if _, err := l.accounts.W.InsertOne(ctx, doc); err != nil && !store.IsDuplicate(err) {
			return a, fmt.Errorf("store: open account %s: %w", patientID, err)
		}
		return l.account(ctx, patientID)
	}
	return a, err
}

// markPending records that an event is in flight; Repair finishes it after a crash.
func (l ledger) markPending(ctx context.Context, patientID, key, source string) error {
	_, err := l.accounts.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: patientID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending." + key, Value: Pending{Source: source, At: time.Now().UTC()}}}}})
	if err != nil {
		return fmt.Errorf("store: account %s pending: %w", patientID, err)
	}
	return nil
}

func (l ledger) clearPending(ctx context.Context, patientID, key string) error {
	_, err := l.accounts.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: patientID}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "pending." + key, Value: ""}}}})
	if err != nil {
		return fmt.Errorf("store: account %s pending: %w", patientID, err)
	}
	return nil
}

// add puts an entry on page n of the patient's ledger once, moving the page's sums in
// the same write, then copies the sums to the account and opens a new page when full.
func (l ledger) add(ctx context.Context, patientID string, n int64, key string, e Entry) error {
	e.N = 1
	e.At = e.At.UTC()
	pg, err := l.mutate(ctx, patientID, n, func(pg *page) bool {
		if _, there := pg.Entries[key]; there {
			return false
		}
		pg.Entries[key] = e
		return true
	})
	if err != nil {
		return err
	}
	return l.syncSums(ctx, patientID, pg, key)
}

// mutate changes a page in Go and writes it back whole, with its sums worked out again,
// if its version is still the one read; another writer in between means a fresh read.
func (l ledger) mutate(ctx context.Context, patientID string, n int64, fn func(*page) bool) (page, error) {
	id := pageID(patientID, n)
	for attempt := 0; attempt < 100; attempt++ {
		var pg page
		err := l.pages.W.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&pg)
		if store.NoDocs(err) {
			_, err := l.pages.W.InsertOne(ctx, page{ID: id, PatientID: patientID, N: n, Entries: map[string]Entry{}})
			if err != nil && !store.IsDuplicate(err) {
				return pg, fmt.Errorf("store: ledger page %s: %w", id, err)
			}
			continue
		}
		if err != nil {
			return pg, fmt.Errorf("store: ledger page %s: %w", id, err)
		}
		if pg.Entries == nil {
			pg.Entries = map[string]Entry{}
		}
		if !fn(&pg) {
			return pg, nil
		}
		old := pg.V
		pg.V++
		full := summarise(pg)
		pg.Sums = Sums{Charges: full.Charges, Payments: full.Payments, Adjust: full.Adjust, N: full.N}
		pg.Count = int64(len(pg.Entries))
		ok, err := guard.Update(ctx, l.db, store.CollLedger, id, []guard.Cond{guard.Eq("v", old)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "e", Value: pg.Entries}, {Key: "sums", Value: pg.Sums},
				{Key: "count", Value: pg.Count}, {Key: "v", Value: pg.V}}}}, nil)
		if err != nil || ok {
			return pg, err
		}
	}
	return page{}, fmt.Errorf("%w: ledger page %s: too many concurrent changes", store.ErrConflict, id)
}

// summarise works out a page's sums from its entries.
func summarise(pg page) Sums {
	s := Sums{Unbilled: map[string]EncSum{}}
	for _, e := range pg.Entries {
		switch e.Cat {
		case catCharge:
			s.Charges += e.Amount
		case catPayment:
			s.Payments += e.Amount
		case catAdjust:
			s.Adjust += e.Amount
		}
		if e.Kind != "charge" {
			s.Events = append(s.Events, e)
			continue
		}
		s.N++
		if e.Status != ChargeUnbilled {
			continue
		}
		ek := keyEscaper.Replace(e.Enc)
		enc, ok := s.Unbilled[ek]
		if !ok {
			enc = EncSum{Kind: e.EncKind, Depts: map[string]DeptSum{}}
		}
		dk := keyEscaper.Replace(e.Dept)
		d := enc.Depts[dk]
		d.N++
		d.Amount += e.Amount
		enc.Depts[dk] = d
		s.Unbilled[ek] = enc
	}
	return s
}

// sumsDoc holds the last copy of each ledger page's sums ("<patient>:sums"): the
// account keeps only their total, so the account page reads a small document.
type sumsDoc struct {
	ID    string          `bson:"_id"`
	V     int64           `bson:"v"`
	Pages map[string]Sums `bson:"pages"`
}

func sumsID(patientID string) string { return patientID + ":sums" }

func (l ledger) readSums(ctx context.Context, patientID string) (sumsDoc, error) {
	var sd sumsDoc
	err := l.pages.W.FindOne(ctx, bson.D{{Key: "_id", Value: sumsID(patientID)}}).Decode(&sd)
	if store.NoDocs(err) {
		return sumsDoc{ID: sumsID(patientID), Pages: map[string]Sums{}}, nil
	}
	if err != nil {
		return sd, fmt.Errorf("store: ledger sums %s: %w", patientID, err)
	}
	if sd.Pages == nil {
		sd.Pages = map[string]Sums{}
	}
	return sd, nil
}

// aggregate adds up the page copies into what the account shows.
func aggregate(pages map[string]Sums) (Sums, map[string]EncSum, []Entry) {
	var t Sums
	unbilled := map[string]EncSum{}
	var events []Entry
	for _, s := range pages {
		t.Charges += s.Charges
		t.Payments += s.Payments
		t.Adjust += s.Adjust
		t.N += s.N
		events = append(events, s.Events...)
		for ek, es := range s.Unbilled {
			enc, ok := unbilled[ek]
			if !ok {
				enc = EncSum{Kind: es.Kind, Depts: map[string]DeptSum{}}
			}
			for dk, ds := range es.Depts {
				d := enc.Depts[dk]
				d.N += ds.N
				d.Amount += ds.Amount
				enc.Depts[dk] = d
			}
			unbilled[ek] = enc
		}
	}
	return t, unbilled, events
}

// syncSums copies a page's sums into the sums document unless it holds a newer copy (a
// write guarded by that document's version, retried when another writer got in first),
// then writes their total onto the account unless it already shows a newer one. A full
// page opens the next. done names pending events whose follow-ups are complete with this
// copy: they are cleared in the account's write.
func (l ledger) syncSums(ctx context.Context, patientID string, pg page, done ...string) error {
	key := strconv.FormatInt(pg.N, 10)
	next := int64(0)
	if pg.Count >= pageCap {
		next = pg.N + 1
	}
	for attempt := 0; attempt < 100; attempt++ {
		sd, err := l.readSums(ctx, patientID)
		if err != nil {
			return err
		}
		if sd.V == 0 {
			_, err := l.pages.W.InsertOne(ctx, sumsDoc{ID: sd.ID, V: 1, Pages: map[string]Sums{}})
			if err != nil && !store.IsDuplicate(err) {
				return fmt.Errorf("store: ledger sums %s: %w", patientID, err)
			}
			continue
		}
		if cur, have := sd.Pages[key]; have && cur.V >= pg.V {
			return l.writeAccount(ctx, patientID, sd, next, done)
		}
		s := summarise(pg)
		s.V = pg.V
		sd.Pages[key] = s
		ok, err := guard.Update(ctx, l.db, store.CollLedger, sd.ID, []guard.Cond{guard.Eq("v", sd.V)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "pages." + key, Value: s}, {Key: "v", Value: sd.V + 1}}}}, nil)
		if err != nil {
			return err
		}
		if ok {
			sd.V++
			return l.writeAccount(ctx, patientID, sd, next, done)
		}
	}
	return fmt.Errorf("%w: ledger sums %s: too many concurrent changes", store.ErrConflict, patientID)
}

// writeAccount puts the total of the sums document on the account unless the account
// already shows a newer one, opens page `next` (if not zero) and clears done marks.
func (l ledger) writeAccount(ctx context.Context, patientID string, sd sumsDoc, next int64, done []string) error {
	t, unbilled, events := aggregate(sd.Pages)
	var unset bson.D
	for _, k := range done {
		if !strings.HasPrefix(k, "invoice~") {
			unset = append(unset, bson.E{Key: "pending." + k, Value: ""})
		}
	}
	set := bson.D{{Key: "balance", Value: t.Balance()}, {Key: "charges_total", Value: t.Charges},
		{Key: "payments_total", Value: t.Payments}, {Key: "adjust_total", Value: t.Adjust}, {Key: "charge_count", Value: t.N},
		{Key: "unbilled", Value: unbilled}, {Key: "events", Value: events}, {Key: "sums_v", Value: sd.V}}
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	if next > 0 {
		update = append(update, bson.E{Key: "$max", Value: bson.D{{Key: "pages", Value: next}}})
	}
	ok, err := guard.Update(ctx, l.db, store.CollAccounts, patientID, []guard.Cond{guard.Below("sums_v", sd.V)}, update, nil)
	if err != nil || ok {
		return err
	}
	// The account shows this total or a newer one already: only the marks and the page.
	rest := bson.D{}
	if len(unset) > 0 {
		rest = append(rest, bson.E{Key: "$unset", Value: unset})
	}
	if next > 0 {
		rest = append(rest, bson.E{Key: "$max", Value: bson.D{{Key: "pages", Value: next}}})
	}
	if len(rest) == 0 {
		return nil
	}
	if _, err := l.accounts.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: patientID}}, rest); err != nil {
		return fmt.Errorf("store: account %s: %w", patientID, err)
	}
	return nil
}

// setCharges refreshes the shown state of charges' entries (billed, reversed, credited)
// and the page's unbilled summary; sums do not move, and an older copy never
// overwrites a newer one. The charges of one page are written together.
func (l ledger) setCharges(ctx context.Context, chs []Charge) error {
	type group struct {
		patient string
		n       int64
		chs     []Charge
	}
	byPage := map[string]*group{}
	var order []string
	for _, ch := range chs {
		id := pageID(ch.PatientID, max(ch.Page, 1))
		if byPage[id] == nil {
			byPage[id] = &group{patient: ch.PatientID, n: max(ch.Page, 1)}
			order = append(order, id)
		}
		byPage[id].chs = append(byPage[id].chs, ch)
	}
	for _, id := range order {
		g := byPage[id]
		pg, err := l.mutate(ctx, g.patient, g.n, func(pg *page) bool {
			changed := false
			for _, ch := range g.chs {
				key := entryKey("charge", ch.ID)
				e, there := pg.Entries[key]
				if !there || e.CV >= ch.V {
					continue
				}
				e.Status, e.Invoice, e.CV = ch.Status, ch.Invoice, ch.V
				pg.Entries[key] = e
				changed = true
			}
			return changed
		})
		if err != nil {
			return err
		}
		if err := l.syncSums(ctx, g.patient, pg); err != nil {
			return err
		}
	}
	return nil
}

// Pages returns every ledger page of a patient, read by _id.
func (l ledger) readPages(ctx context.Context, a Account) ([]page, error) {
	out := make([]page, 0, a.Pages)
	for n := int64(1); n <= a.Pages; n++ {
		var pg page
		err := l.pages.R.FindOne(ctx, bson.D{{Key: "_id", Value: pageID(a.PatientID, n)}}).Decode(&pg)
		if store.NoDocs(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: ledger page %s: %w", pageID(a.PatientID, n), err)
		}
		out = append(out, pg)
	}
	return out, nil
}
