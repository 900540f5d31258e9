package billing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// CashLine is one receipt or refund of a cashier's day.
type CashLine struct {
	N       int64     `bson:"n"`
	Kind    string    `bson:"kind"`
	Mode    string    `bson:"mode"`
	Amount  int64     `bson:"amt"`
	Number  string    `bson:"number,omitempty"`
	Patient string    `bson:"patient"`
	At      time.Time `bson:"at"`
}

// CashDay is one cashier's day: every receipt and refund they handled, the float they
// started with, and what was counted when a supervisor closed it. A closed day takes no
// more payments: the first step of taking a payment is recording it here, guarded by
// "not closed".
type CashDay struct {
	ID       string              `bson:"_id"` // day:<date>:<cashier>
	Date     string              `bson:"date"`
	Cashier  string              `bson:"cashier"`
	Opening  int64               `bson:"opening"`
	Lines    map[string]CashLine `bson:"e"`
	Closed   bool                `bson:"closed"`
	Counted  int64               `bson:"counted"`
	ClosedBy string              `bson:"closed_by,omitempty"`
	ClosedAt time.Time           `bson:"closed_at,omitempty"`
	Note     string              `bson:"note,omitempty"`
}

func dayID(date, cashier string) string { return "day:" + date + ":" + cashier }

// CashUp is a day's report.
type CashUp struct {
	CashDay
	ByMode   map[string]int64 // receipts by mode
	Refunds  map[string]int64 // refunds by mode
	Receipts int64
	Expected int64 // cash expected in the drawer: opening + cash receipts − cash refunds
	Items    []CashLine
}

func (d CashDay) report() CashUp {
	r := CashUp{CashDay: d, ByMode: map[string]int64{}, Refunds: map[string]int64{}}
	for _, l := range d.Lines {
		if l.Kind == KindRefund {
			r.Refunds[l.Mode] += l.Amount
		} else {
			r.ByMode[l.Mode] += l.Amount
			r.Receipts += l.Amount
		}
		r.Items = append(r.Items, l)
	}
	r.Expected = d.Opening + r.ByMode[ModeCash] - r.Refunds[ModeCash]
	slices.SortFunc(r.Items, func(a, b CashLine) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	return r
}

func (s *Payments) ensureDay(ctx context.Context, date, cashier string) error {
	_, err := s.db.W.Collection(store.CollCashDays).InsertOne(ctx, CashDay{ID: dayID(date, cashier), Date: date, Cashier: cashier, Lines: map[string]CashLine{}})
	if err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: cash day: %w", err)
	}
	return nil
}

// recordDay puts a payment on its cashier's day once. With gate, a closed day refuses it.
func (s *Payments) recordDay(ctx context.Context, p Payment, gate bool) error {
	if err := s.ensureDay(ctx, p.Day, p.Cashier); err != nil {
		return err
	}
	key := "e." + keyEscaper.Replace(p.ID)
	conds := []guard.Cond{guard.Below(key+".n", 1)}
	if gate {
		conds = append(conds, guard.Eq("closed", false))
	}
	line := CashLine{N: 1, Kind: p.Kind, Mode: p.Mode, Amount: p.Amount, Number: p.Number, Patient: p.MRN + " " + p.Name, At: p.At}
	ok, err := guard.Update(ctx, s.db, store.CollCashDays, dayID(p.Day, p.Cashier), conds,
		bson.D{{Key: "$set", Value: bson.D{{Key: key, Value: line}}}}, nil)
	if err != nil || ok {
		return err
	}
	d, err := s.dayStatus(ctx, p.Day, p.Cashier)
	if err != nil {
		return err
	}
	if _, there := d.Lines[keyEscaper.Replace(p.ID)]; there {
		if d.Lines[keyEscaper.Replace(p.ID)].Number == "" && p.Number != "" {
			_, err := s.db.W.Collection(store.CollCashDays).UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}},
				bson.D{{Key: "$set", Value: bson.D{{Key: key + ".number", Value: p.Number}}}})
			return err
		}
		return nil
	}
	if gate && d.Closed {
		return ErrDayClosed
	}
	return nil
}

func (s *Payments) dayStatus(ctx context.Context, date, cashier string) (CashDay, error) {
	var d CashDay
	err := s.db.R.Collection(store.CollCashDays).FindOne(ctx, bson.D{{Key: "_id", Value: dayID(date, cashier)}}).Decode(&d)
	if store.NoDocs(err) {
		return CashDay{ID: dayID(date, cashier), Date: date, Cashier: cashier}, nil
	}
	if err != nil {
		return d, fmt.Errorf("store: cash day: %w", err)
	}
	return d, nil
}

// Day returns a cashier's cash-up for a date.
func (s *Payments) Day(ctx context.Context, date, cashier string) (CashUp, error) {
	d, err := s.dayStatus(ctx, date, cashier)
	return d.report(), err
}

// SetOpening records the float a cashier started the day with; not once it is closed.
func (s *Payments) SetOpening(ctx context.Context, date, cashier string, amount int64) error {
	if amount < 0 {
		return fmt.Errorf("%w: the opening float cannot be negative", store.ErrInvalid)
	}
	if err := s.ensureDay(ctx, date, cashier); err != nil {
		return err
	}
	ok, err := guard.Update(ctx, s.db, store.CollCashDays, dayID(date, cashier), []guard.Cond{guard.Eq("closed", false)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "opening", Value: amount}}}}, nil)
	if err == nil && !ok {
		err = ErrDayClosed
	}
	return err
}

// CloseDay closes a cashier's day with the cash counted; a supervisor does it, and a
// closed day cannot be changed.
func (s *Payments) CloseDay(ctx context.Context, date, cashier string, counted int64, note, by string) (CashUp, error) {
	if counted < 0 {
		return CashUp{}, fmt.Errorf("%w: the counted cash cannot be negative", store.ErrInvalid)
	}
	if err := s.ensureDay(ctx, date, cashier); err != nil {
		return CashUp{}, err
	}
	var d CashDay
	ok, err := guard.Update(ctx, s.db, store.CollCashDays, dayID(date, cashier), []guard.Cond{guard.Eq("closed", false)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "closed", Value: true}, {Key: "counted", Value: counted},
			{Key: "closed_by", Value: by}, {Key: "closed_at", Value: time.Now().UTC()}, {Key: "note", Value: note}}}}, &d)
	if err != nil {
		return CashUp{}, err
	}
	if !ok {
		return CashUp{}, ErrDayClosed
	}
	return d.report(), nil
}
