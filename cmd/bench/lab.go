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
	var ids []string
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
		if err := b.opd.PlaceOrderDoc(ctx, opd.OrderLab, d); err != nil {
			return nil, err
		}
		if i%4 == 0 { // a quarter collected already
			if _, err := b.lab.Collect(ctx, d.ID, lab.AtLab, "labtech"); err != nil {
				return nil, err
			}
		}
		ids = append(ids, d.ID)
		fmt.Fprintf(os.Stderr, "\rplaced %d of %d open orders", i+1, open)
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

// pastResults stores n verified single-test orders of the past year in bulk, spread over
// the patients, and each patient's results bucket as result release keeps it.
func (b *bench) pastResults(n int, people []patients.Patient) error {
	ctx := context.Background()
	now := time.Now().UTC()
	glucose := 0.0
	buckets := map[string][]lab.PatientResult{}
	batch := make([]any, 0, 2000)
	for i := range n {
		p := people[i%len(people)]
		day := now.AddDate(0, 0, -1-(i/len(people))%365)
		glucose = float64(70 + i%90)
		v := glucose
		res := lab.Result{Code: "GLU-F", Name: "Glucose, fasting", Kind: catalog.ResultNumeric, Value: lab.FormatNum(v), Num: &v,
			Unit: "mg/dL", Range: "70–100"}
		if v > 100 {
			res.Flag = lab.FlagHigh
		}
		o := lab.Order{OrderDoc: opd.OrderDoc{ID: fmt.Sprintf("P%07d-L1", i), VisitID: fmt.Sprintf("P%07d", i), Line: 1, Source: "opd",
			PatientID: p.ID, MRN: p.MRN, Name: p.Name(), AgeSex: "40y " + p.Sex, Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan",
			Department: "MED", Code: "GLU-F", TestName: "Glucose, fasting", ServiceCode: "LAB-GLU-F", Priority: "routine",
			Status: lab.StatusVerified, OrderedAt: day, OrderedBy: "doctor",
			Stamp: catalog.Stamp{CreatedAt: day, CreatedBy: "doctor", UpdatedAt: day, UpdatedBy: "pathologist"}},
			Version: 6, Accession: fmt.Sprintf("H%07d", i), CollectedAt: day, CollectedBy: "labtech", CollectedWhere: lab.AtLab,
			ChargeAt: day, ReceivedAt: day, Results: []lab.Result{res}, EnteredBy: "labtech", EnteredByName: "Lab Tech", EnteredAt: day,
			VerifiedBy: "pathologist", VerifiedByName: "Dr. Pathologist", VerifiedAt: day, ReleasedAt: day, ReleasedBy: "pathologist",
			History: []opd.Event{{At: day, By: "pathologist", From: lab.StatusResulted, To: lab.StatusVerified}}}
		batch = append(batch, o)
		if len(buckets[p.ID]) < 400 {
			buckets[p.ID] = append(buckets[p.ID], lab.PatientResult{OrderID: o.ID, Code: res.Code, Name: res.Name, Value: res.Value,
				Num: res.Num, Unit: res.Unit, Range: res.Range, Flag: res.Flag, Status: lab.StatusVerified, At: day, Released: day})
		}
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := b.db.W.Collection(store.CollLabOrders).InsertMany(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			fmt.Fprintf(os.Stderr, "\rstored %d of %d past results", i+1, n)
		}
	}
	fmt.Fprintln(os.Stderr)
	docs := make([]any, 0, len(buckets))
	for id, items := range buckets {
		docs = append(docs, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: 1}, {Key: "items", Value: items}})
	}
	if len(docs) == 0 {
		return nil
	}
	_, err := b.db.W.Collection(store.CollLabByPatient).InsertMany(ctx, docs)
	return err
}
