package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/pharmacy"
	"hms/store/worklist"
)

// pharmacySuite measures the pharmacy pages (issue 7) with `drugs` formulary entries,
// `batches` batches and at least `entries` ledger entries, and a dispense queue of
// `queue` items (one OPD prescription among ward medication orders).
func pharmacySuite(drugs, batches, entries, queue, requests int) ([]result, error) {
	b, err := openBench()
	if err != nil {
		return nil, err
	}
	defer b.close()
	ctx := context.Background()
	started := time.Now()
	gen, err := b.pharmacyData(drugs, batches, entries)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "pharmacy data stored in %s\n", time.Since(started).Round(time.Second))
	var pat struct {
		ID   string `bson:"_id"`
		MRN  string `bson:"mrn"`
		Name string `bson:"full_name"`
	}
	if err := b.db.R.Collection(store.CollPatients).FindOne(ctx, bson.D{}).Decode(&pat); err != nil {
		return nil, err
	}
	// One completed OPD visit with three drugs (warfarin and aspirin interact), among
	// ward medication orders of generated drugs.
	now := time.Now().UTC()
	v := opd.Visit{ID: "V9000001", Number: 9000001, Date: now.Format(opd.DateLayout), Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan",
		Department: "MED", ServiceCode: "CONS-MED", PatientID: pat.ID, MRN: "100001", Name: "Bench Patient", Status: opd.StateCompleted,
		CheckedInAt: now, DoneAt: now, Orders: []opd.Order{}, Events: []opd.Event{}, Diagnoses: []opd.Diagnosis{},
		Stamp: catalog.Stamp{CreatedAt: now, CreatedBy: "frontdesk", UpdatedAt: now, UpdatedBy: "doctor"}}
	for i, d := range []string{"PARA500T", "WARF5T", "ASP75T"} {
		v.Prescriptions = append(v.Prescriptions, opd.Prescription{Line: i + 1, DrugCode: d, Dose: "1 tablet", UnitsPerDose: 1,
			Route: "oral", Frequency: "TDS", DurationDays: 365, Quantity: 1095, Status: opd.RxActive, By: "doctor", At: now})
	}
	if _, err := b.db.W.Collection(store.CollVisits).InsertOne(ctx, v); err != nil {
		return nil, err
	}
	lists := worklist.New(b.db)
	r := rand.New(rand.NewPCG(7, 7))
	for i := range queue - 1 {
		pri := worklist.PriorityRoutine
		if i%10 == 0 {
			pri = worklist.PriorityStat
		}
		code := gen[r.IntN(len(gen))]
		err := lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: fmt.Sprintf("med:O%05d", i), Kind: worklist.KindIPDMed,
			Ref: fmt.Sprintf("O%05d", i), PatientID: pat.ID, MRN: pat.MRN, Name: "Ward Patient", Where: "Ward W1 · bed 3", Priority: pri,
			Status: "waiting", Summary: code, At: now.Add(-time.Duration(i) * time.Minute),
			Med: &worklist.MedOrder{AdmissionID: "A1", Ward: "W1", Bed: "3", DrugCode: code, Dose: "10 mg", UnitsPerDose: 1,
				Route: "oral", Frequency: "BD", Start: now.Add(-time.Hour), Status: "active", OrderedBy: "doctor"}})
		if err != nil {
			return nil, err
		}
	}
	item := opd.PharmacyItemID(v.ID)
	if err := lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: item, Kind: worklist.KindOPDRx, Ref: v.ID, PatientID: pat.ID,
		MRN: v.MRN, Name: v.Name, Where: "OPD · MED", Priority: worklist.PriorityRoutine, Status: "waiting", At: now}); err != nil {
		return nil, err
	}
	if _, err := b.serve(); err != nil {
		return nil, err
	}
	ph, csrf, err := b.signIn("pharmacist")
	if err != nil {
		return nil, err
	}
	setup := fmt.Sprintf("%d drugs, %dk batches, %dk ledger", drugs, batches/1000, entries/1000)
	dispense := func(int) *http.Request {
		form := url.Values{"_csrf": {csrf}, "order": {pharmacy.SupplyID(v.ID, 1)}, "n": {"1"}, "batch_1": {"PARA500T-B1"}, "qty_1": {"1"}}
		req, _ := http.NewRequest(http.MethodPost, b.base+"/pharmacy/dispense/"+item, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	var out []result
	for _, conc := range []int{1, 10} {
		version, err := b.pharmacyVersion(ph)
		if err != nil {
			return nil, err
		}
		pages := []struct {
			name string
			req  request
			n    int
		}{
			{"dispense queue", get(b.base, "/pharmacy"), requests},
			{"queue poll (same)", get(b.base, "/pharmacy?v="+version, "HX-Request", "true", "X-HMS-Background", "1"), requests},
			{"dispense page", get(b.base, "/pharmacy/dispense/"+item), requests},
			{"batch + ledger", get(b.base, "/pharmacy/batches/"+gen[0]+"-1"), requests},
			// The alerts page reads every drug's stock bucket (over a second at 2,000
			// drugs): a tenth of the requests keeps the run short.
			{"alerts", get(b.base, "/pharmacy/alerts"), max(requests/10, 10)},
		}
		base := b.measure(ph, requests, conc, get(b.base, "/account"))
		base.Setup, base.Page = setup, "baseline /account"
		out = append(out, base)
		for _, p := range pages {
			res := b.measure(ph, p.n, conc, p.req)
			res.Setup, res.Page, res.VsBaseline = setup, p.name, res.P50MS/base.P50MS
			out = append(out, res)
			fmt.Fprintf(os.Stderr, "%s ×%d: p50 %.1f ms, p99 %.1f ms\n", p.name, conc, res.P50MS, res.P99MS)
		}
	}
	// Last, as it changes what the pages above show: dispensing one unit at a time.
	res := b.measure(ph, min(requests, 300), 1, dispense)
	res.Setup, res.Page = setup, "dispense 1 (POST)"
	out = append(out, res)
	rep, err := pharmacy.New(b.db, catalog.New(b.db), pharmacy.Options{}).CheckLedger(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "ledger check: %d batches, %d entries, %d problems\n", rep.Batches, rep.Entries, len(rep.Problems))
	return out, nil
}

// pharmacyVersion reads the version the dispense queue shows, which its polls send back.
func (b *bench) pharmacyVersion(c *http.Client) (string, error) {
	resp, err := c.Get(b.base + "/pharmacy")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	m := versionRE.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no poll version on /pharmacy (status %d)", resp.StatusCode)
	}
	return string(m[1]), nil
}

// pharmacyData fills the formulary up to `drugs` entries and stores batches of the
// generated drugs with their ledgers and stock buckets, in bulk, consistent with each
// other (the suite ends with the ledger check). It returns the generated drug codes.
func (b *bench) pharmacyData(drugs, batches, entries int) ([]string, error) {
	ctx := context.Background()
	var existing int64
	existing, err := b.db.R.Collection(store.CollDrugs).CountDocuments(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	n := drugs - int(existing)
	now := time.Now().UTC()
	codes := make([]string, 0, n)
	docs := make([]any, 0, n)
	for i := range n {
		code := fmt.Sprintf("GEN%04d", i)
		codes = append(codes, code)
		docs = append(docs, catalog.Drug{Code: code, Generic: fmt.Sprintf("Generic compound %04d", i), Form: "tablet", Strength: "10 mg",
			Route: "oral", PackSize: 10, Unit: "tablet", ReorderLevel: 100 + i%7*100, Stamp: catalog.NewStamp("bench")})
	}
	if len(docs) > 0 {
		if _, err := b.db.W.Collection(store.CollDrugs).InsertMany(ctx, docs); err != nil {
			return nil, err
		}
	}
	existingBatches, err := b.db.R.Collection(store.CollBatches).CountDocuments(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	want := batches - int(existingBatches)
	perBatch := (entries - int(existingBatches) + want - 1) / want
	var bDocs, eDocs, sDocs []any
	flush := func(force bool) error {
		for _, f := range []struct {
			coll string
			docs *[]any
		}{{store.CollStockLedger, &eDocs}, {store.CollBatches, &bDocs}, {store.CollStock, &sDocs}} {
			if len(*f.docs) == 0 || (!force && len(*f.docs) < 5000) {
				continue
			}
			if _, err := b.db.W.Collection(f.coll).InsertMany(ctx, *f.docs); err != nil {
				return err
			}
			*f.docs = (*f.docs)[:0]
		}
		return nil
	}
	made := 0
	for i, code := range codes {
		per := want / len(codes)
		if i < want%len(codes) {
			per++
		}
		var rows []bson.M
		for k := 1; k <= per; k++ {
			id := fmt.Sprintf("%s-%d", code, k)
			expiry := now.AddDate(0, 0, -30+(i*7+k*97)%900).Format(pharmacy.DateLayout)
			var bal int64
			var last pharmacy.Entry
			for seq := int64(1); seq <= int64(perBatch); seq++ {
				e := pharmacy.Entry{ID: pharmacy.EntryID(id, seq), BatchID: id, DrugCode: code, Seq: seq, By: "bench",
					At: now.Add(-time.Duration(perBatch-int(seq)) * time.Hour)}
				switch {
				case seq == 1:
					e.Kind, e.Qty, e.Move, e.Reason = pharmacy.MoveReceipt, 2000, "grn:BENCH:"+id, "received"
				case seq%10 == 0:
					e.Kind, e.Qty, e.Move, e.Reason = pharmacy.MoveAdjustment, -1, fmt.Sprintf("adj:b%s:%d", id, seq), "damage"
				default:
					e.Kind, e.Qty, e.Move, e.Reason = pharmacy.MoveDispense, -int64(1+seq%5), fmt.Sprintf("disp:b%s:%d", id, seq), "dispensed"
				}
				bal += e.Qty
				e.Balance = bal
				eDocs = append(eDocs, e)
				last = e
			}
			bDocs = append(bDocs, pharmacy.Batch{ID: id, BatchNo: id, DrugCode: code, Expiry: expiry, Qty: bal, Cost: 200, Price: 300,
				Supplier: "Bench Distributors", GRN: "BENCH", Seq: int64(perBatch), Last: last, CreatedAt: now, CreatedBy: "bench",
				UpdatedAt: now, UpdatedBy: "bench"})
			rows = append(rows, bson.M{"id": id, "batch_no": id, "expiry": expiry, "qty": bal, "price": int64(300), "seq": int64(perBatch)})
			made++
		}
		sDocs = append(sDocs, bson.M{"_id": code, "batches": rows, "version": int64(1)})
		if err := flush(false); err != nil {
			return nil, err
		}
		if i%100 == 99 || i == len(codes)-1 {
			fmt.Fprintf(os.Stderr, "\rstored %d of %d batches", made, want)
		}
	}
	if err := flush(true); err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr)
	return codes, nil
}
