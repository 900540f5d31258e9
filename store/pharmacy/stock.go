package pharmacy

import (
	"cmp"
	"context"
	"slices"

	"hms/store"
)

// StockBatch is a batch as the drug's stock bucket copies it.
type StockBatch struct {
	ID      string `bson:"id"`
	BatchNo string `bson:"batch_no"`
	Brand   string `bson:"brand,omitempty"`
	Expiry  string `bson:"expiry"`
	Qty     int64  `bson:"qty"`
	Price   int64  `bson:"price"`
	Seq     int64  `bson:"seq"` // the batch movement the copy reflects
}

// Stock is one drug's batches: the bucket the dispense and alerts pages read by _id.
type Stock struct {
	DrugCode string       `bson:"_id"`
	Batches  []StockBatch `bson:"batches"`
}

// Usable is the units in batches not expired on today.
func (st Stock) Usable(today string) int64 {
	var n int64
	for _, b := range st.Batches {
		if b.Expiry >= today {
			n += b.Qty
		}
	}
	return n
}

// FEFO lists the batches with stock that may be dispensed today, first expiry first.
func (st Stock) FEFO(today string) []StockBatch {
	var out []StockBatch
	for _, b := range st.Batches {
		if b.Qty > 0 && b.Expiry >= today {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b StockBatch) int {
		return cmp.Or(cmp.Compare(a.Expiry, b.Expiry), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Stock returns a drug's stock bucket (empty when it never had stock).
func (s *Store) Stock(ctx context.Context, drugCode string) (Stock, error) {
	st, err := byID[Stock](ctx, s.stock, drugCode, "stock")
	if err != nil && isNotFound(err) {
		return Stock{DrugCode: drugCode}, nil
	}
	return st, err
}

// syncStock copies the batch into its drug's bucket unless the copy there is as new.
func (s *Store) syncStock(ctx context.Context, b Batch) error {
	defer s.overview.forget()
	_, err := change(ctx, s.db, store.CollStock, b.DrugCode, func() Stock { return Stock{DrugCode: b.DrugCode} },
		func(st *Stock) error {
			row := StockBatch{ID: b.ID, BatchNo: b.BatchNo, Brand: b.Brand, Expiry: b.Expiry, Qty: b.Qty, Price: b.Price, Seq: b.Seq}
			i := slices.IndexFunc(st.Batches, func(x StockBatch) bool { return x.ID == b.ID })
			switch {
			case i < 0:
				st.Batches = append(st.Batches, row)
			case st.Batches[i].Seq >= b.Seq:
				return errNoChange
			default:
				st.Batches[i] = row
			}
			return nil
		})
	return err
}
