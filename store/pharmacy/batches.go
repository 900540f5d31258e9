package pharmacy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// Movement kinds, as the ledger records them.
const (
	MoveReceipt    = "receipt"
	MoveDispense   = "dispense"
	MoveReturn     = "return"
	MoveAdjustment = "adjustment"
)

// Entry is one stock movement of one batch: who, when, why, how many, and the balance after.
type Entry struct {
	ID       string    `bson:"_id"`  // EntryID(batch, seq): a batch's history is read by _id
	Move     string    `bson:"move"` // the movement: grn:<grn>:<line>, disp:<line>, ret:<line>:<n>, adj:<n>
	BatchID  string    `bson:"batch_id"`
	DrugCode string    `bson:"drug_code"`
	Seq      int64     `bson:"seq"` // 1, 2, 3 … within the batch
	Kind     string    `bson:"kind"`
	Qty      int64     `bson:"qty"` // signed: + into stock, − out of it
	Balance  int64     `bson:"balance"`
	Reason   string    `bson:"reason,omitempty"`
	Ref      string    `bson:"ref,omitempty"` // the GRN, dispense line or adjustment it belongs to
	By       string    `bson:"by"`
	At       time.Time `bson:"at"`
}

// Batch is one lot of one drug in stock. Qty is its balance; Last is its newest movement.
type Batch struct {
	ID        string    `bson:"_id"` // the batch number, upper case
	BatchNo   string    `bson:"batch_no"`
	DrugCode  string    `bson:"drug_code"`
	Brand     string    `bson:"brand,omitempty"`
	Expiry    string    `bson:"expiry"` // YYYY-MM-DD, usable through that day
	Qty       int64     `bson:"qty"`
	Cost      int64     `bson:"cost"`  // purchase cost per dispensing unit, paise
	Price     int64     `bson:"price"` // selling price per dispensing unit, paise
	Supplier  string    `bson:"supplier"`
	GRN       string    `bson:"grn"`
	Seq       int64     `bson:"seq"`
	Last      Entry     `bson:"last"`
	CreatedAt time.Time `bson:"created_at"`
	CreatedBy string    `bson:"created_by"`
	UpdatedAt time.Time `bson:"updated_at"`
	UpdatedBy string    `bson:"updated_by"`
}

// EntryID is the ledger _id of a batch's seq-th movement.
func EntryID(batchID string, seq int64) string { return fmt.Sprintf("%s#%08d", batchID, seq) }

// Expired reports whether the batch is past its expiry on the calendar date today.
func (b Batch) Expired(today string) bool { return b.Expiry < today }

// BatchKey is the _id of a batch number: trimmed, upper case.
func BatchKey(no string) string { return strings.ToUpper(strings.TrimSpace(no)) }

// Batch returns one batch or store.ErrNotFound.
func (s *Store) Batch(ctx context.Context, id string) (Batch, error) {
	return byID[Batch](ctx, s.batches, BatchKey(id), "batch")
}

// movement is a change to a batch's balance.
type movement struct {
	ID, Kind, Reason, Ref string
	Qty                   int64
	AllowExpired          bool      // receipts, returns and write-offs may touch an expired batch; dispensing may not
	Since                 time.Time // a re-applied follow-up: when its source was recorded (zero for a new movement)
}

// move applies m to the batch once: re-applying a movement (a follow-up after a crash,
// m.Since set) finds it in the batch's ledger since that time and changes nothing. Stock never goes below zero (ErrOutOfStock) and an expired batch never gives
// out stock unless m allows it (ErrExpired). The write is guarded by the batch's movement
// sequence, so concurrent movements are serialised on every engine.
func (s *Store) move(ctx context.Context, batchID string, m movement, by string) (Batch, error) {
	for attempt := 0; attempt < 500; attempt++ {
		b, err := byID[Batch](ctx, s.batches, batchID, "batch")
		if err != nil {
			return b, err
		}
		if b.Seq > 0 {
			if b.Last.Move == m.ID {
				return b, s.followMove(ctx, b)
			}
			// The previous movement's ledger entry is written before the next one (a
			// read by _id is cheaper than a refused insert on the embedded engine).
			if _, err := byID[Entry](ctx, s.ledger, b.Last.ID, "ledger entry"); isNotFound(err) {
				if err := s.putEntry(ctx, b.Last); err != nil {
					return b, err
				}
			} else if err != nil {
				return b, err
			}
		}
		if done, err := s.applied(ctx, b, m); err != nil || done {
			return b, err
		}
		if m.Qty < 0 && !m.AllowExpired && b.Expired(s.Today()) {
			return b, fmt.Errorf("%w: batch %s expired on %s", ErrExpired, b.BatchNo, b.Expiry)
		}
		if b.Qty+m.Qty < 0 {
			return b, fmt.Errorf("%w: batch %s holds %d", ErrOutOfStock, b.BatchNo, b.Qty)
		}
		now := s.now().UTC()
		e := Entry{ID: EntryID(b.ID, b.Seq+1), Move: m.ID, BatchID: b.ID, DrugCode: b.DrugCode, Seq: b.Seq + 1, Kind: m.Kind, Qty: m.Qty,
			Balance: b.Qty + m.Qty, Reason: m.Reason, Ref: m.Ref, By: by, At: now}
		var after Batch
		ok, err := guard.Update(ctx, s.db, store.CollBatches, b.ID, []guard.Cond{guard.Eq("seq", b.Seq)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "qty", Value: e.Balance}, {Key: "seq", Value: e.Seq},
				{Key: "last", Value: e}, {Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}}}, &after)
		if err != nil {
			return b, err
		}
		if ok {
			return after, s.followMove(ctx, after)
		}
		if err := ctx.Err(); err != nil {
			return b, err
		}
	}
	return Batch{}, fmt.Errorf("%w: batch %s: too many concurrent movements", store.ErrConflict, batchID)
}

// followMove writes the follow-ups of the batch's newest movement: its ledger entry and
// the batch's copy in the drug's stock bucket. Both are idempotent.
func (s *Store) followMove(ctx context.Context, b Batch) error {
	if err := s.putEntry(ctx, b.Last); err != nil {
		return err
	}
	return s.syncStock(ctx, b)
}

// putEntry stores a ledger entry once.
func (s *Store) putEntry(ctx context.Context, e Entry) error {
	if e.ID == "" {
		return nil
	}
	if _, err := s.ledger.W.InsertOne(ctx, e); err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: ledger entry %s: %w", e.ID, err)
	}
	return nil
}

// applied reports whether a re-applied movement is already in the batch's ledger: it
// reads the batch's entries newest first, back to when the movement's source was recorded.
func (s *Store) applied(ctx context.Context, b Batch, m movement) (bool, error) {
	if m.Since.IsZero() {
		return false, nil
	}
	for seq := b.Seq; seq >= 1; seq-- {
		e, err := byID[Entry](ctx, s.ledger, EntryID(b.ID, seq), "ledger entry")
		if err != nil {
			return false, err
		}
		if e.Move == m.ID {
			return true, nil
		}
		if e.At.Before(m.Since) {
			return false, nil
		}
	}
	return false, nil
}

// History returns a batch's newest ledger entries, newest first (at most limit).
func (s *Store) History(ctx context.Context, batchID string, limit int) ([]Entry, error) {
	b, err := s.Batch(ctx, batchID)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for seq := b.Seq; seq >= 1 && len(out) < limit; seq-- {
		e, err := byID[Entry](ctx, s.ledger, EntryID(b.ID, seq), "ledger entry")
		if isNotFound(err) && seq == b.Seq {
			e, err = b.Last, nil // its follow-up is not written yet
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}
