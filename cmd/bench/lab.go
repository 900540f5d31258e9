package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/worklist"
)

// labSuite measures the lab pages (issue 6) with `open` orders on the worklist and
// `past` verified results of earlier orders in the database.
func labSuite(past, open, requests int) ([]result, error) {
	b, err := openBench()
	if err != nil {
		return nil, err
	}
	defer b.close()
	people, err := b.importPatients(2000)
	if err != nil {
		return nil, err
	}
	if err := b.pastResults(past, people); err != nil {
		return nil, err
	}
	if _, err := b.serve(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	cat := catalog.New(b.db)
	tests := []string{"CBC", "GLU-F", "RFT", "LFT", "LIPID", "HBA1C", "TSH", "URINE", "ELEC", "GLU-PP"}
	priorities := []string{"routine", "routine", "routine", "routine", "routine", "routine", "urgent", "urgent", "stat", "routine"}
	r := rand.New(rand.NewPCG(6, 6))
	// The open orders are stored in bulk with the worklist document they put on the list
	// (placing them one by one rewrites a growing list 200 times); a tenth are then
	// collected through the store, as the bench would.
	var ids []string
	docs := make([]any, 0, open)
	items := make([]worklist.Item, 0, open)
	for i := range open {
		p := people[r.IntN(len(people))]
		t, err := cat.LabTest(ctx, tests[i%len(tests)])
		if err != nil {
			return nil, err
		}
		d := opd.OrderDoc{ID: fmt.Sprintf("B%07d-L1", i), VisitID: fmt.Sprintf("B%07d", i), Line: 1, Source: "opd",
			PatientID: p.ID, MRN: p.MRN, Name: p.Name(), AgeSex: "40y " + p.Sex, Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan",
			Department: "MED", Code: t.Code, TestName: t.Name, ServiceCode: t.ServiceCode, Specimen: t.Specimen, Container: t.Container,
			Components: t.Components, Priority: priorities[i%len(priorities)], Status: opd.OrderOrdered,
			OrderedAt: time.Now().Add(-time.Duration(r.IntN(600)) * time.Minute), OrderedBy: "doctor"}
		docs = append(docs, d)
		items = append(items, worklist.Item{ID: d.ID, Kind: worklist.KindLabOrder, Ref: d.ID, PatientID: d.PatientID, MRN: d.MRN,
			Name: d.Name, Where: "OPD · MED", Priority: d.Priority, Status: d.Status, Summary: d.TestName, At: d.OrderedAt})
		ids = append(ids, d.ID)
	}
	if _, err := b.db.W.Collection(store.CollLabOrders).InsertMany(ctx, docs); err != nil {
		return nil, err
	}
	if _, err := b.db.W.Collection(store.CollWorklists).InsertOne(ctx,
		bson.D{{Key: "_id", Value: worklist.Lab}, {Key: "version", Value: int64(1)}, {Key: "items", Value: items}}); err != nil {
		return nil, err
	}
	for i := 0; i < len(ids); i += 10 {
		if _, err := b.lab.Collect(ctx, ids[i], lab.AtLab, "labtech"); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "\rcollected %d of %d", i/10+1, len(ids)/10)
	}
	fmt.Fprintln(os.Stderr)
	tech, _, err := b.signIn("labtech")
	if err != nil {
		return nil, err
	}
	doctor, _, err := b.signIn("doctor")
	if err != nil {
		return nil, err
	}
	resp, err := tech.Get(b.base + "/lab")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := versionRE.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no worklist version on /lab")
	}
	setup := fmt.Sprintf("%d open, %dk past", open, past/1000)
	pages := []struct {
		name   string
		doctor bool
		req    request
	}{
		{"worklist /lab", false, get(b.base, "/lab")},
		{"worklist poll same", false, get(b.base, "/lab?v="+string(m[1]), "HX-Request", "true", "X-HMS-Background", "1")},
		{"worklist STAT", false, get(b.base, "/lab?priority=stat")},
		{"order page", false, get(b.base, "/lab/orders/"+ids[0])},
		{"chart results", true, get(b.base, "/patients/"+people[0].ID+"?tab=orders")},
		{"critical alerts", true, get(b.base, "/results/alerts")},
	}
	var out []result
	for _, conc := range []int{1, 10} {
		base := b.measure(tech, requests, conc, get(b.base, "/account"))
		base.Setup, base.Page = setup, "baseline /account"
		out = append(out, base)
		for _, p := range pages {
			c := tech
			if p.doctor {
				c = doctor
			}
			res := b.measure(c, requests, conc, p.req)
			res.Setup, res.Page, res.VsBaseline = setup, p.name, res.P50MS/base.P50MS
			out = append(out, res)
		}
	}
	return out, nil
}

// pastResults stores n verified results of the past year in bulk — complete blood counts,
// eight results to an order — spread over the patients, with each patient's results
// bucket as result release keeps it.
func (b *bench) pastResults(n int, people []patients.Patient) error {
	ctx := context.Background()
	now := time.Now().UTC()
	components := []struct {
		code, name, unit, rng string
		base, spread          float64
	}{
		{"HB", "Haemoglobin", "g/dL", "13–17", 11, 6}, {"WBC", "Total leucocyte count", "10^3/µL", "4–11", 4, 9},
		{"NEUT", "Neutrophils", "%", "40–80", 45, 35}, {"LYMPH", "Lymphocytes", "%", "20–40", 18, 25},
		{"PLT", "Platelet count", "10^3/µL", "150–410", 140, 300}, {"RBC", "RBC count", "10^6/µL", "4.5–5.5", 4, 2},
		{"HCT", "Haematocrit (PCV)", "%", "40–50", 36, 16}, {"MCV", "Mean corpuscular volume (MCV)", "fL", "83–101", 78, 28},
	}
	orders := n / len(components)
	buckets := map[string][]lab.PatientResult{}
	batch := make([]any, 0, 500)
	for i := range orders {
		p := people[i%len(people)]
		day := now.AddDate(0, 0, -1-(i/len(people))%365)
		results := make([]lab.Result, 0, len(components))
		for j, c := range components {
			v := c.base + float64((i*7+j*13)%100)/100*c.spread
			v = float64(int(v*10)) / 10
			results = append(results, lab.Result{Code: c.code, Name: c.name, Kind: catalog.ResultNumeric, Value: lab.FormatNum(v),
				Num: &v, Unit: c.unit, Range: c.rng})
		}
		o := lab.Order{OrderDoc: opd.OrderDoc{ID: fmt.Sprintf("P%07d-L1", i), VisitID: fmt.Sprintf("P%07d", i), Line: 1, Source: "opd",
			PatientID: p.ID, MRN: p.MRN, Name: p.Name(), AgeSex: "40y " + p.Sex, Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan",
			Department: "MED", Code: "CBC", TestName: "Complete blood count (CBC)", ServiceCode: "LAB-CBC", Priority: "routine",
			Status: lab.StatusVerified, OrderedAt: day, OrderedBy: "doctor",
			Stamp: catalog.Stamp{CreatedAt: day, CreatedBy: "doctor", UpdatedAt: day, UpdatedBy: "pathologist"}},
			Version: 6, Accession: fmt.Sprintf("H%07d", i), CollectedAt: day, CollectedBy: "labtech", CollectedWhere: lab.AtLab,
			ChargeAt: day, ReceivedAt: day, Results: results, EnteredBy: "labtech", EnteredByName: "Lab Tech", EnteredAt: day,
			VerifiedBy: "pathologist", VerifiedByName: "Dr. Pathologist", VerifiedAt: day, ReleasedAt: day, ReleasedBy: "pathologist",
			History: []opd.Event{{At: day, By: "pathologist", From: lab.StatusResulted, To: lab.StatusVerified}}}
		batch = append(batch, o)
		for _, res := range results {
			if len(buckets[p.ID]) < 400 {
				buckets[p.ID] = append(buckets[p.ID], lab.PatientResult{OrderID: o.ID, Code: res.Code, Name: res.Name, Panel: o.TestName,
					Value: res.Value, Num: res.Num, Unit: res.Unit, Range: res.Range, Status: lab.StatusVerified, At: day, Released: day})
			}
		}
		if len(batch) == cap(batch) || i == orders-1 {
			if _, err := b.db.W.Collection(store.CollLabOrders).InsertMany(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			fmt.Fprintf(os.Stderr, "\rstored %d of %d past results", (i+1)*len(components), n)
		}
	}
	fmt.Fprintln(os.Stderr)
	docs := make([]any, 0, len(buckets))
	for id, items := range buckets {
		docs = append(docs, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: int64(1)}, {Key: "items", Value: items}},
			bson.D{{Key: "_id", Value: lab.LatestID(id)}, {Key: "version", Value: int64(1)}, {Key: "items", Value: lab.Latest(items)}})
	}
	if len(docs) == 0 {
		return nil
	}
	_, err := b.db.W.Collection(store.CollLabByPatient).InsertMany(ctx, docs)
	return err
}
