package pharmacy

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// GRN states.
const (
	GRNPosting = "posting" // stored; its lines are being added to stock
	GRNPosted  = "posted"
)

// GRNLine is one batch received.
type GRNLine struct {
	N        int    `bson:"n"`
	DrugCode string `bson:"drug_code"`
	BatchNo  string `bson:"batch_no"`
	Brand    string `bson:"brand,omitempty"`
	Expiry   string `bson:"expiry"`
	Qty      int64  `bson:"qty"`
	Cost     int64  `bson:"cost"`  // per dispensing unit, paise
	Price    int64  `bson:"price"` // selling price per dispensing unit, paise
}

// GRN is a goods received note: the source of truth for the receipts it posts.
type GRN struct {
	ID        string    `bson:"_id"`
	Supplier  string    `bson:"supplier"`
	Invoice   string    `bson:"invoice"`
	Lines     []GRNLine `bson:"lines"`
	Status    string    `bson:"status"`
	By        string    `bson:"by"`
	At        time.Time `bson:"at"`
	UpdatedAt time.Time `bson:"updated_at"`
}

// LineError is a refused GRN line: which line (from 1) and why. It is an store.ErrInvalid
// (or ErrBatchOtherDrug).
type LineError struct {
	N   int
	Err error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.N, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// GRN returns one goods received note.
func (s *Store) GRN(ctx context.Context, id string) (GRN, error) {
	return byID[GRN](ctx, s.grns, id, "GRN")
}

// Receive checks every line of a goods received note and, only if all are acceptable,
// stores it and adds each batch to stock with a receipt in its ledger. It refuses a
// batch already expired or expiring today, a batch number already used for another drug
// (or for the same drug with another expiry), and quantities below 1.
func (s *Store) Receive(ctx context.Context, g GRN, by string) (GRN, error) {
	return s.receive(ctx, g, false, by)
}

// OpeningStock records the stock found on the shelves when the system goes live (or a
// demo starts), as a GRN marked "opening balance". Unlike Receive it takes batches
// already expired — they are on the shelf and must show on the alerts page, blocked.
func (s *Store) OpeningStock(ctx context.Context, g GRN, by string) (GRN, error) {
	g.Invoice = "opening balance"
	return s.receive(ctx, g, true, by)
}

func (s *Store) receive(ctx context.Context, g GRN, opening bool, by string) (GRN, error) {
	var err error
	if g.Supplier, err = cleanText("supplier", g.Supplier, 120, true); err != nil {
		return g, err
	}
	if g.Invoice, err = cleanText("invoice number", g.Invoice, 40, false); err != nil {
		return g, err
	}
	if len(g.Lines) == 0 || len(g.Lines) > 50 {
		return g, fmt.Errorf("%w: a GRN has 1 to 50 lines", store.ErrInvalid)
	}
	seen := map[string]int{}
	for i := range g.Lines {
		l := &g.Lines[i]
		l.N = i + 1
		if err := s.checkLine(ctx, l, opening); err != nil {
			return g, &LineError{N: l.N, Err: err}
		}
		if j, dup := seen[BatchKey(l.BatchNo)]; dup {
			return g, &LineError{N: l.N, Err: fmt.Errorf("%w: batch %s is already on line %d", store.ErrInvalid, l.BatchNo, j)}
		}
		seen[BatchKey(l.BatchNo)] = l.N
	}
	n, err := s.db.Next(ctx, "grn")
	if err != nil {
		return g, err
	}
	now := s.now().UTC()
	g.ID, g.Status, g.By, g.At, g.UpdatedAt = fmt.Sprintf("GRN%06d", n), GRNPosting, by, now, now
	if _, err := s.grns.W.InsertOne(ctx, g); err != nil {
		return g, fmt.Errorf("store: GRN: %w", err)
	}
	return g, s.postGRN(ctx, g)
}

// checkLine validates one line against the formulary and the batches already stored.
func (s *Store) checkLine(ctx context.Context, l *GRNLine, opening bool) error {
	drug, err := s.cat.Drug(ctx, l.DrugCode)
	if err != nil {
		return fmt.Errorf("%w: choose a drug from the formulary", store.ErrInvalid)
	}
	if !validBatchNo(l.BatchNo) {
		return fmt.Errorf("%w: a batch number is 1–30 letters, digits, - / or .", store.ErrInvalid)
	}
	if l.Brand, err = cleanText("brand", l.Brand, 60, false); err != nil {
		return err
	}
	exp, err := time.ParseInLocation(DateLayout, l.Expiry, s.loc)
	switch {
	case err != nil:
		return fmt.Errorf("%w: the expiry date must be a date (YYYY-MM-DD)", store.ErrInvalid)
	case exp.Format(DateLayout) <= s.Today() && !opening:
		return fmt.Errorf("%w: batch %s expired on %s; expired stock is not received", store.ErrInvalid, l.BatchNo, l.Expiry)
	case l.Qty < 1 || l.Qty > 1_000_000:
		return fmt.Errorf("%w: the quantity is a whole number of %ss from 1 to 1,000,000", store.ErrInvalid, drug.Unit)
	case l.Cost < 0 || l.Price < 0 || l.Price > 10_000_000_00 || l.Cost > 10_000_000_00:
		return fmt.Errorf("%w: prices must be between 0 and 1,00,00,000", store.ErrInvalid)
	}
	b, err := s.Batch(ctx, l.BatchNo)
	switch {
	case isNotFound(err):
		return nil
	case err != nil:
		return err
	case b.DrugCode != l.DrugCode:
		return fmt.Errorf("%w: batch %s is %s", ErrBatchOtherDrug, b.BatchNo, b.DrugCode)
	case b.Expiry != l.Expiry:
		return fmt.Errorf("%w: batch %s is already in stock with expiry %s", store.ErrInvalid, b.BatchNo, b.Expiry)
	}
	return nil
}

// postGRN adds each line to stock (each receipt once, by its movement id) and marks the
// GRN posted. Repair re-runs it for a GRN left posting by a crash.
func (s *Store) postGRN(ctx context.Context, g GRN) error {
	for _, l := range g.Lines {
		if err := s.receiveLine(ctx, g, l); err != nil {
			return &LineError{N: l.N, Err: err}
		}
	}
	_, err := s.grns.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: g.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: GRNPosted}, {Key: "updated_at", Value: s.now().UTC()}}}})
	if err != nil {
		return fmt.Errorf("store: GRN %s: %w", g.ID, err)
	}
	return nil
}

func (s *Store) receiveLine(ctx context.Context, g GRN, l GRNLine) error {
	key := BatchKey(l.BatchNo)
	mv := movement{ID: fmt.Sprintf("grn:%s:%d", g.ID, l.N), Kind: MoveReceipt, Qty: l.Qty, Ref: g.ID,
		Reason: "received from " + g.Supplier, AllowExpired: true, Since: g.At}
	now := s.now().UTC()
	e := Entry{ID: EntryID(key, 1), Move: mv.ID, BatchID: key, DrugCode: l.DrugCode, Seq: 1, Kind: mv.Kind, Qty: l.Qty, Balance: l.Qty,
		Reason: mv.Reason, Ref: mv.Ref, By: g.By, At: now}
	b := Batch{ID: key, BatchNo: l.BatchNo, DrugCode: l.DrugCode, Brand: l.Brand, Expiry: l.Expiry, Qty: l.Qty,
		Cost: l.Cost, Price: l.Price, Supplier: g.Supplier, GRN: g.ID, Seq: 1, Last: e,
		CreatedAt: now, CreatedBy: g.By, UpdatedAt: now, UpdatedBy: g.By}
	_, err := s.batches.W.InsertOne(ctx, b)
	if err == nil {
		return s.followMove(ctx, b)
	}
	if !store.IsDuplicate(err) {
		return fmt.Errorf("store: batch %s: %w", key, err)
	}
	cur, err := s.Batch(ctx, key)
	if err != nil {
		return err
	}
	if cur.DrugCode != l.DrugCode {
		return fmt.Errorf("%w: batch %s is %s", ErrBatchOtherDrug, cur.BatchNo, cur.DrugCode)
	}
	_, err = s.move(ctx, key, mv, g.By)
	return err
}
