package pharmacy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
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

// overviewTTL is how long the stock overview is reused (DESIGN rule 7, as for the
// catalogues): a movement through this instance drops it at once, one through another
// instance shows within this time. Reading every drug's bucket costs about a second at
// 2,000 drugs on the embedded engine.
const overviewTTL = 30 * time.Second

// overviewCache keeps the last stock overview.
type overviewCache struct {
	mu   sync.Mutex
	at   time.Time
	gen  int64 // bumped by every forget: a read begun before a movement is not kept
	list []DrugStock
}

func (oc *overviewCache) forget() {
	oc.mu.Lock()
	oc.list = nil
	oc.gen++
	oc.mu.Unlock()
}

// Overview returns every formulary drug with its stock, by generic name (reused for up
// to overviewTTL; see there).
func (s *Store) Overview(ctx context.Context) ([]DrugStock, error) {
	s.overview.mu.Lock()
	if s.overview.list != nil && time.Since(s.overview.at) < overviewTTL {
		out := slices.Clone(s.overview.list)
		s.overview.mu.Unlock()
		return out, nil
	}
	gen := s.overview.gen
	s.overview.mu.Unlock()
	list, err := s.readOverview(ctx)
	if err != nil {
		return nil, err
	}
	s.overview.mu.Lock()
	if s.overview.gen == gen {
		s.overview.list, s.overview.at = slices.Clone(list), time.Now()
	}
	s.overview.mu.Unlock()
	return list, nil
}

// readOverview reads the formulary (cached) and every drug's stock bucket: one document per drug.
func (s *Store) readOverview(ctx context.Context) ([]DrugStock, error) {
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
