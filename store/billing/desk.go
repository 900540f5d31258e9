package billing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// Desk is the billing desk's store: charges, invoices, payments, claims and the ledger
// that ties them to each account.
type Desk struct {
	db       *store.DB
	l        ledger
	Charges  *Charges
	Invoices *Invoices
	Payments *Payments
	Claims   *Claims
}

// New returns the billing desk's store.
func New(db *store.DB) *Desk {
	d := &Desk{db: db, l: newLedger(db), Charges: NewCharges(db), Invoices: NewInvoices(db), Payments: NewPayments(db)}
	d.Claims = &Claims{db: db, payments: d.Payments}
	return d
}

// repairAfter is how old a pending event must be before a reader finishes it: younger
// ones are most likely still being written by their own request.
const repairAfter = 30 * time.Second

// Group is the unbilled charges of one department within an encounter.
type Group struct {
	Department string
	Count      int64
	Total      int64
}

// Encounter is the unbilled charges of one visit or admission.
type Encounter struct {
	ID, Kind string
	Groups   []Group
	Total    int64
	Count    int64
}

// AccountView is everything the account page shows.
type AccountView struct {
	Account
	Unbilled      []Encounter
	UnbilledTotal int64
	Invoices      []Invoice // invoices and credit notes, newest first
	Payments      []Entry   // payments and refunds, newest first
	Adjustments   []Entry   // reversals, discounts, credit notes
	Charges       int64     // every charge ever posted
}

var keyUnescaper = strings.NewReplacer("%2E", ".", "%24", "$", "%25", "%")

// View reads a patient's account for the desk from the account document alone (it
// holds each ledger page's summary) and the account's invoices by _id; the charges
// themselves are read only for one encounter (UnbilledCharges). Events a crash left
// pending are finished first.
func (d *Desk) View(ctx context.Context, patientID string) (AccountView, error) {
	a, err := d.l.account(ctx, patientID)
	if err != nil {
		return AccountView{}, err
	}
	if d.stale(a) {
		if err := d.Repair(ctx, patientID); err != nil {
			return AccountView{}, err
		}
		if a, err = d.l.account(ctx, patientID); err != nil {
			return AccountView{}, err
		}
	}
	v := AccountView{Account: a, Charges: a.ChargeCount}
	encs := map[string]*Encounter{}
	for ek, es := range a.Unbilled {
		id := keyUnescaper.Replace(ek)
		enc := &Encounter{ID: id, Kind: es.Kind}
		encs[id] = enc
		for dk, ds := range es.Depts {
			enc.Groups = append(enc.Groups, Group{Department: keyUnescaper.Replace(dk), Count: ds.N, Total: ds.Amount})
			enc.Total += ds.Amount
			enc.Count += ds.N
			v.UnbilledTotal += ds.Amount
		}
	}
	for _, e := range a.Events {
		switch e.Kind {
		case "invoice", "credit":
			inv, err := readInvoice(ctx, d.db, e.Ref)
			if err != nil {
				return v, err
			}
			v.Invoices = append(v.Invoices, inv)
		case KindPayment, KindRefund:
			v.Payments = append(v.Payments, e)
		}
		switch e.Kind {
		case "reversal", "discount", "undiscount", "credit":
			v.Adjustments = append(v.Adjustments, e)
		}
	}
	for _, enc := range encs {
		slices.SortFunc(enc.Groups, func(x, y Group) int { return cmp.Compare(x.Department, y.Department) })
		v.Unbilled = append(v.Unbilled, *enc)
	}
	slices.SortFunc(v.Unbilled, func(x, y Encounter) int { return cmp.Compare(y.ID, x.ID) })
	slices.SortFunc(v.Invoices, func(x, y Invoice) int { return cmp.Or(y.CreatedAt.Compare(x.CreatedAt), cmp.Compare(y.ID, x.ID)) })
	newest := func(x, y Entry) int { return cmp.Or(y.At.Compare(x.At), cmp.Compare(y.Ref, x.Ref)) }
	slices.SortFunc(v.Payments, newest)
	slices.SortFunc(v.Adjustments, newest)
	if len(v.Unbilled) == 0 && a.Listed {
		if err := d.l.unlist(ctx, patientID); err != nil {
			return v, err
		}
	}
	return v, nil
}

// UnbilledCharges returns the unbilled charges of one encounter, oldest first, reading
// only the ledger pages that hold some.
func (d *Desk) UnbilledCharges(ctx context.Context, patientID, encounter string) ([]Entry, error) {
	sd, err := d.l.readSums(ctx, patientID)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for key, ps := range sd.Pages {
		if _, ok := ps.Unbilled[keyEscaper.Replace(encounter)]; !ok {
			continue
		}
		var pg page
		id := patientID + ":" + key
		if err := d.l.pages.R.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&pg); err != nil {
			return nil, fmt.Errorf("store: ledger page %s: %w", id, err)
		}
		for _, e := range pg.Entries {
			if e.Kind == "charge" && e.Status == ChargeUnbilled && e.Enc == encounter {
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(x, y Entry) int { return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.Ref, y.Ref)) })
	return out, nil
}

func (d *Desk) stale(a Account) bool {
	for _, p := range a.Pending {
		if time.Since(p.At) > repairAfter {
			return true
		}
	}
	return false
}

// Repair finishes every event of the account that a crash left pending, then copies each
// ledger page's sums to the account again. Everything it re-applies is idempotent.
func (d *Desk) Repair(ctx context.Context, patientID string) error {
	a, err := d.l.account(ctx, patientID)
	if err != nil {
		return err
	}
	for key, p := range a.Pending {
		if time.Since(p.At) < repairAfter {
			continue // most likely still being written by its own request
		}
		coll, ref, _ := strings.Cut(p.Source, ":")
		switch coll {
		case store.CollCharges:
			ch, err := d.Charges.ByID(ctx, ref)
			if errors.Is(err, store.ErrNotFound) {
				err = nil
			} else if err == nil {
				err = d.Charges.apply(ctx, ch)
			}
			if err != nil {
				return err
			}
		case store.CollInvoices:
			inv, err := d.Invoices.ByID(ctx, ref)
			if errors.Is(err, store.ErrNotFound) {
				err = nil
			} else if err == nil {
				err = d.Invoices.finish(ctx, inv)
			}
			if err != nil {
				return err
			}
		case store.CollPayments:
			if err := d.Payments.repair(ctx, patientID, ref); err != nil {
				return err
			}
		}
		if err := d.l.clearPending(ctx, patientID, key); err != nil {
			return err
		}
	}
	pages, err := d.l.readPages(ctx, a)
	if err != nil {
		return err
	}
	for _, pg := range pages {
		if err := d.l.syncSums(ctx, patientID, pg); err != nil {
			return err
		}
	}
	return nil
}

// ErrLedger means an account's figures do not add up.
var ErrLedger = errors.New("store: billing ledger does not add up")

// Check proves an account's balance: every page's sums equal the sums of its entries,
// the account's copies equal the pages, balance = charges − payments − adjustments,
// and every charge entry matches its charge and every payment entry its payment.
func (d *Desk) Check(ctx context.Context, patientID string) error {
	a, err := d.l.account(ctx, patientID)
	if err != nil {
		return err
	}
	if d.stale(a) {
		return fmt.Errorf("%w: %s: events left pending (run the repair)", ErrLedger, patientID)
	}
	pages, err := d.l.readPages(ctx, a)
	if err != nil {
		return err
	}
	sd, err := d.l.readSums(ctx, patientID)
	if err != nil {
		return err
	}
	if a.SumsV != sd.V {
		return fmt.Errorf("%w: %s: the account shows sums version %d, the sums are at %d", ErrLedger, patientID, a.SumsV, sd.V)
	}
	var fromEntries Sums
	for _, pg := range pages {
		var s Sums
		for _, e := range pg.Entries {
			switch e.Cat {
			case catCharge:
				s.Charges += e.Amount
				ch, err := d.Charges.ByID(ctx, e.Ref)
				if err != nil {
					return fmt.Errorf("%w: %s: charge %s: %v", ErrLedger, patientID, e.Ref, err)
				}
				if ch.Gross() != e.Amount {
					return fmt.Errorf("%w: %s: charge %s is %d, ledger %d", ErrLedger, patientID, e.Ref, ch.Gross(), e.Amount)
				}
			case catPayment:
				s.Payments += e.Amount
				p, err := d.Payments.ByID(ctx, e.Ref)
				if err != nil || p.Status != PaymentPosted || (p.Kind == KindRefund) != (e.Amount < 0) {
					return fmt.Errorf("%w: %s: payment %s does not match its entry", ErrLedger, patientID, e.Ref)
				}
			case catAdjust:
				s.Adjust += e.Amount
			}
		}
		if s.Charges != pg.Sums.Charges || s.Payments != pg.Sums.Payments || s.Adjust != pg.Sums.Adjust {
			return fmt.Errorf("%w: %s: page %d sums %+v, entries %+v", ErrLedger, patientID, pg.N, pg.Sums, s)
		}
		cp := sd.Pages[fmt.Sprint(pg.N)]
		if cp.V != pg.V {
			return fmt.Errorf("%w: %s: account copy of page %d is at version %d, the page at %d", ErrLedger, patientID, pg.N, cp.V, pg.V)
		}
		if cp.Charges != s.Charges || cp.Payments != s.Payments || cp.Adjust != s.Adjust {
			return fmt.Errorf("%w: %s: account copy of page %d is %+v, page %+v", ErrLedger, patientID, pg.N, cp, s)
		}
		fromEntries.Charges += s.Charges
		fromEntries.Payments += s.Payments
		fromEntries.Adjust += s.Adjust
	}
	if a.Balance != fromEntries.Balance() || a.ChargesTotal != fromEntries.Charges ||
		a.PaymentsTotal != fromEntries.Payments || a.AdjustTotal != fromEntries.Adjust {
		return fmt.Errorf("%w: %s: balance %d, charges − payments − adjustments = %d", ErrLedger, patientID, a.Balance, fromEntries.Balance())
	}
	return nil
}

// CheckAll checks every account, then that every charge stored is on its account's
// ledger (a maintenance command: it walks the accounts and charges collections).
func (d *Desk) CheckAll(ctx context.Context) (int, error) {
	cur, err := d.db.R.Collection(store.CollAccounts).Find(store.DeclaredScan(ctx, "balance check of every account"), bson.D{})
	if err != nil {
		return 0, fmt.Errorf("store: accounts: %w", err)
	}
	defer cur.Close(ctx)
	n := 0
	var errs []error
	for cur.Next(ctx) {
		id, _ := cur.Current.Lookup("_id").StringValueOK()
		if err := d.Check(ctx, id); err != nil {
			errs = append(errs, err)
		}
		n++
	}
	errs = append(errs, cur.Err())
	chs, err := d.db.R.Collection(store.CollCharges).Find(store.DeclaredScan(ctx, "every charge on a ledger"), bson.D{})
	if err != nil {
		return n, fmt.Errorf("store: charges: %w", err)
	}
	defer chs.Close(ctx)
	for chs.Next(ctx) {
		var ch Charge
		if err := chs.Decode(&ch); err != nil {
			return n, fmt.Errorf("store: charges: %w", err)
		}
		var pg page
		err := d.l.pages.R.FindOne(ctx, bson.D{{Key: "_id", Value: pageID(ch.PatientID, max(ch.Page, 1))}}).Decode(&pg)
		if _, on := pg.Entries[entryKey("charge", ch.ID)]; err != nil || !on {
			errs = append(errs, fmt.Errorf("%w: charge %s is not on its account's ledger", ErrLedger, ch.ID))
		}
	}
	return n, errors.Join(append(errs, chs.Err())...)
}
