package billing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// BulkPost stores many new unbilled charges at once, with their ledger pages and account
// copies, as Post would leave them: the bulk path of imports and benchmarks. It assumes
// the patients have no charges yet; it is not idempotent (a re-run gives duplicates errors).
func BulkPost(ctx context.Context, db *store.DB, chs []Charge) error {
	byPatient := map[string][]int{}
	var order []string
	now := time.Now().UTC()
	for i := range chs {
		ch := &chs[i]
		if err := ch.check(); err != nil {
			return err
		}
		if _, ok := byPatient[ch.PatientID]; !ok {
			order = append(order, ch.PatientID)
		}
		byPatient[ch.PatientID] = append(byPatient[ch.PatientID], i)
	}
	var chDocs, pageDocs []any
	flush := func(force bool) error {
		if len(chDocs) >= 5000 || (force && len(chDocs) > 0) {
			if _, err := db.W.Collection(store.CollCharges).InsertMany(ctx, chDocs); err != nil {
				return fmt.Errorf("store: bulk charges: %w", err)
			}
			chDocs = chDocs[:0]
		}
		if len(pageDocs) >= 200 || (force && len(pageDocs) > 0) {
			if _, err := db.W.Collection(store.CollLedger).InsertMany(ctx, pageDocs); err != nil {
				return fmt.Errorf("store: bulk ledger: %w", err)
			}
			pageDocs = pageDocs[:0]
		}
		return nil
	}
	for _, pid := range order {
		idx := byPatient[pid]
		sums := map[string]Sums{}
		var pages int64
		for start := 0; start < len(idx); start += pageCap {
			pages++
			pg := page{ID: pageID(pid, pages), PatientID: pid, N: pages, V: 1, Entries: map[string]Entry{}}
			for _, i := range idx[start:min(start+pageCap, len(idx))] {
				ch := &chs[i]
				ch.Amount, ch.Status, ch.Page, ch.V = ch.Qty*ch.UnitPrice, ChargeUnbilled, pages, 1
				if ch.PostedAt.IsZero() {
					ch.PostedAt = now
				}
				ch.CreatedAt, ch.CreatedBy, ch.UpdatedAt, ch.UpdatedBy = now, ch.PostedBy, now, ch.PostedBy
				chDocs = append(chDocs, *ch)
				pg.Entries[entryKey("charge", ch.ID)] = Entry{N: 1, Kind: "charge", Cat: catCharge, Amount: ch.Gross(), Ref: ch.ID,
					At: ch.PostedAt, Text: ch.Description, Enc: ch.Encounter, EncKind: ch.EncounterKind, Dept: ch.Department,
					Qty: ch.Qty, Status: ChargeUnbilled, CV: 1}
			}
			full := summarise(pg)
			pg.Count = int64(len(pg.Entries))
			pg.Sums = Sums{Charges: full.Charges, Payments: full.Payments, Adjust: full.Adjust, N: full.N}
			full.V = pg.V
			sums[strconv.FormatInt(pages, 10)] = full
			pageDocs = append(pageDocs, pg)
			if err := flush(false); err != nil {
				return err
			}
		}
		if pages > 0 && int64(len(idx))%pageCap == 0 {
			pages++ // the last page is full: the next post opens a new one
		}
		t, unbilled, events := aggregate(sums)
		first := chs[idx[0]]
		if _, err := db.W.Collection(store.CollLedger).InsertOne(ctx, sumsDoc{ID: sumsID(pid), V: 1, Pages: sums}); err != nil {
			return fmt.Errorf("store: bulk ledger sums %s: %w", pid, err)
		}
		_, err := db.W.Collection(store.CollAccounts).UpdateOne(ctx, bson.D{{Key: "_id", Value: pid}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "pages", Value: pages}, {Key: "balance", Value: t.Balance()},
				{Key: "charges_total", Value: t.Charges}, {Key: "payments_total", Value: t.Payments}, {Key: "adjust_total", Value: t.Adjust},
				{Key: "charge_count", Value: t.N}, {Key: "unbilled", Value: unbilled}, {Key: "events", Value: events}, {Key: "sums_v", Value: int64(1)}}},
				{Key: "$setOnInsert", Value: bson.D{{Key: "mrn", Value: first.MRN}, {Key: "name", Value: first.Name}, {Key: "status", Value: "open"},
					{Key: "created_at", Value: now}, {Key: "created_by", Value: first.PostedBy}}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("store: bulk account %s: %w", pid, err)
		}
	}
	return flush(true)
}
