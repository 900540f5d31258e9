package pharmacy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store/catalog"
)

// DrugStock is one formulary drug with its stock.
type DrugStock struct {
	Drug    catalog.Drug
	Usable  int64        // units in batches not expired
	Batches []StockBatch // with stock, first expiry first (expired ones included)
}

// Low reports whether the usable stock is below the drug's reorder level.
func (d DrugStock) Low() bool { return d.Usable < int64(d.Drug.ReorderLevel) }

// ExpiringBatch is a batch with stock that expires soon or has expired.
type ExpiringBatch struct {
	Drug     catalog.Drug
	Batch    StockBatch
	DaysLeft int // negative: expired that many days ago
}

// Alerts is what the stock needs attention for.
type Alerts struct {
	Low      []DrugStock     // below reorder level
	Expiring []ExpiringBatch // expiring within 90 days, soonest first
	Expired  []ExpiringBatch // expired with units still on the shelf: blocked from dispensing
}

// Overview returns every formulary drug with its stock, by generic name. It reads the
// formulary (cached) and every drug's stock bucket once: one document per drug.
func (s *Store) Overview(ctx context.Context) ([]DrugStock, error) {
	drugs, err := s.cat.Drugs(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.stock.R.Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("store: stock: %w", err)
	}
	var all []Stock
	if err := cur.All(ctx, &all); err != nil {
		return nil, fmt.Errorf("store: stock: %w", err)
	}
	byDrug := make(map[string]Stock, len(all))
	for _, st := range all {
		byDrug[st.DrugCode] = st
	}
	today := s.Today()
	out := make([]DrugStock, 0, len(drugs))
	for _, d := range drugs {
		st := byDrug[d.Code]
		ds := DrugStock{Drug: d, Usable: st.Usable(today)}
		for _, b := range st.Batches {
			if b.Qty > 0 {
				ds.Batches = append(ds.Batches, b)
			}
		}
		slices.SortFunc(ds.Batches, func(a, b StockBatch) int { return cmp.Compare(a.Expiry, b.Expiry) })
		out = append(out, ds)
	}
	return out, nil
}

// Alerts lists drugs below their reorder level and batches expiring within 90 days or expired.
func (s *Store) Alerts(ctx context.Context) (Alerts, error) {
	var al Alerts
	all, err := s.Overview(ctx)
	if err != nil {
		return al, err
	}
	today, _ := time.ParseInLocation(DateLayout, s.Today(), s.loc)
	for _, ds := range all {
		if ds.Drug.ReorderLevel > 0 && ds.Low() {
			al.Low = append(al.Low, ds)
		}
		for _, b := range ds.Batches {
			exp, err := time.ParseInLocation(DateLayout, b.Expiry, s.loc)
			if err != nil {
				continue
			}
			days := int(exp.Sub(today).Hours() / 24)
			switch {
			case days < 0:
				al.Expired = append(al.Expired, ExpiringBatch{Drug: ds.Drug, Batch: b, DaysLeft: days})
			case days <= 90:
				al.Expiring = append(al.Expiring, ExpiringBatch{Drug: ds.Drug, Batch: b, DaysLeft: days})
			}
		}
	}
	bySoonest := func(a, b ExpiringBatch) int { return cmp.Compare(a.DaysLeft, b.DaysLeft) }
	slices.SortFunc(al.Expiring, bySoonest)
	slices.SortFunc(al.Expired, bySoonest)
	return al, nil
}
