package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/pharmacy"
	"hms/store/worklist"
)

// today is the open work of the day the report's pages show, put in place through the
// stores on top of the generated year: a morning's OPD queue, a full ward, lab orders
// waiting for results, a prescription at the pharmacy, and the ids the requests use.
type today struct {
	patients    []string // generated patients not yet seen today (check-in takes them in turn)
	consult     string   // the visit the doctor is seeing
	ward        string
	admissions  []string
	labOrders   []string // collected, waiting for results (one request each)
	labVersion  []int64
	rxItems     []string // dispense queue items of long prescriptions (a write takes them in turn)
	rxSupplies  []string
	account     string   // the patient with the most charges (the billing page)
	payAccounts []string // accounts the payments go to in turn
}

const (
	benchBatch   = "PARA500T-BENCH" // stock for the dispense writes
	checkInToday = 60
	labPool      = 200
)

func (b *bench) prepareToday(ctx context.Context) (*today, error) {
	t := &today{}
	cur, err := b.db.R.Collection(store.CollPatients).Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	for cur.Next(ctx) {
		id, _ := cur.Current.Lookup("_id").StringValueOK()
		t.patients = append(t.patients, id)
	}
	if err := cur.Err(); err != nil {
		return nil, err
	}
	if len(t.patients) < checkInToday+200 {
		return nil, fmt.Errorf("only %d patients: generate a larger profile", len(t.patients))
	}
	// The OPD: a morning's check-ins over the doctors; the demo doctor sees one.
	doctors := []string{"doctor", "doctor", "dr.rao", "dr.iyer", "dr.khan", "dr.menon"}
	for i := range checkInToday {
		if _, err := b.opd.CheckIn(ctx, opd.CheckIn{PatientID: t.patients[i], Doctor: doctors[i%len(doctors)], Complaint: "Fever and cough"}, "frontdesk"); err != nil {
			return nil, fmt.Errorf("check-in: %w", err)
		}
	}
	v, err := b.opd.CallNext(ctx, "doctor", "doctor")
	if err != nil {
		return nil, err
	}
	t.consult = v.ID
	fmt.Fprintf(os.Stderr, "checked in %d today\n", checkInToday)
	// The ward: the largest general ward filled to all but two beds.
	cat := catalog.New(b.db)
	wards, err := cat.Wards(ctx)
	if err != nil {
		return nil, err
	}
	var beds []catalog.Bed
	for _, w := range wards {
		if w.Sex != "" || w.Type != catalog.WardGeneral {
			continue
		}
		bs, err := cat.BedsOfWard(ctx, w.Code)
		if err != nil {
			return nil, err
		}
		if len(bs) > len(beds) {
			t.ward, beds = w.Code, bs
		}
	}
	next := checkInToday
	for _, bed := range beds[:max(len(beds)-2, 1)] {
		a, err := b.ipd.Admit(ctx, ipd.AdmitInput{PatientID: t.patients[next], Source: ipd.SourceDirect, Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan",
			Department: "MED", Diagnosis: "Community-acquired pneumonia", Reason: "IV antibiotics", ExpectedDays: 4, Bed: bed.ID}, "admissions")
		next++
		if err != nil { // the demo's own patients hold some beds
			continue
		}
		t.admissions = append(t.admissions, a.ID)
		if _, err := b.ipd.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "PARA500T", Dose: "1 tablet",
			Frequency: "TDS", Start: time.Now().Add(-24 * time.Hour), ByName: "Dr. Ananya Krishnan"}, "doctor"); err != nil {
			return nil, err
		}
	}
	if len(t.admissions) == 0 {
		return nil, fmt.Errorf("no free bed on ward %s", t.ward)
	}
	fmt.Fprintf(os.Stderr, "admitted %d to ward %s\n", len(t.admissions), t.ward)
	// The lab: orders collected and waiting for their result, one per result request.
	glu, err := cat.LabTest(ctx, "GLU-F")
	if err != nil {
		return nil, err
	}
	docs := make([]any, 0, labPool)
	lists := worklist.New(b.db)
	now := time.Now().UTC()
	for i := range labPool {
		id := fmt.Sprintf("BENCH%05d-L1", i)
		pid := t.patients[next+i%500]
		d := opd.OrderDoc{ID: id, VisitID: fmt.Sprintf("BENCH%05d", i), Line: 1, Source: "opd", PatientID: pid, MRN: "100001", Name: "Bench Patient",
			AgeSex: "40y M", Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan", Department: "MED", Code: glu.Code, TestName: glu.Name,
			ServiceCode: glu.ServiceCode, Specimen: glu.Specimen, Container: glu.Container, Priority: "routine", Status: opd.OrderOrdered,
			OrderedAt: now.Add(-time.Duration(i) * time.Minute), OrderedBy: "doctor"}
		docs = append(docs, d)
	}
	if _, err := b.db.W.Collection(store.CollLabOrders).InsertMany(ctx, docs); err != nil {
		return nil, err
	}
	for i, d := range docs {
		o := d.(opd.OrderDoc)
		if err := lists.Add(ctx, worklist.Lab, worklist.Item{ID: o.ID, Kind: worklist.KindLabOrder, Ref: o.ID, PatientID: o.PatientID, MRN: o.MRN,
			Name: o.Name, Where: "OPD · MED", Priority: o.Priority, Status: o.Status, Summary: o.TestName, At: o.OrderedAt}); err != nil {
			return nil, err
		}
		c, err := b.lab.Collect(ctx, o.ID, lab.AtLab, "labtech")
		if err != nil {
			return nil, fmt.Errorf("collect %s: %w", o.ID, err)
		}
		t.labOrders, t.labVersion = append(t.labOrders, c.ID), append(t.labVersion, c.Version)
		if i%50 == 49 {
			fmt.Fprintf(os.Stderr, "\rcollected %d of %d lab orders", i+1, labPool)
		}
	}
	fmt.Fprintln(os.Stderr)
	// The pharmacy: a year's prescription on the queue, and stock enough to dispense it.
	if _, err := b.ph.OpeningStock(ctx, pharmacy.GRN{Supplier: "Bench stock", Lines: []pharmacy.GRNLine{{DrugCode: "PARA500T", BatchNo: benchBatch,
		Expiry: now.AddDate(2, 0, 0).Format(pharmacy.DateLayout), Qty: 1_000_000, Cost: 70, Price: 100}}}, "storekeeper"); err != nil {
		return nil, err
	}
	// Twenty patients' year-long prescriptions on the queue: dispensing spreads over them as
	// a pharmacy's counter does (one prescription for every request would measure only
	// the contention on it).
	for k := range 20 {
		pid := t.patients[next+600+k]
		rx := opd.Visit{ID: fmt.Sprintf("V99%05d", k), Number: int64(9900000 + k), Date: now.Format(opd.DateLayout), Doctor: "doctor",
			DoctorName: "Dr. Ananya Krishnan", Department: "MED", ServiceCode: "CONS-MED", PatientID: pid, MRN: "100001", Name: "Bench Patient",
			Status: opd.StateCompleted, CheckedInAt: now, DoneAt: now, Orders: []opd.Order{}, Events: []opd.Event{}, Diagnoses: []opd.Diagnosis{},
			Prescriptions: []opd.Prescription{{Line: 1, DrugCode: "PARA500T", Dose: "1 tablet", UnitsPerDose: 1, Route: "oral", Frequency: "TDS",
				DurationDays: 365, Quantity: 40_000, Status: opd.RxActive, By: "doctor", At: now}},
			Stamp: catalog.Stamp{CreatedAt: now, CreatedBy: "frontdesk", UpdatedAt: now, UpdatedBy: "doctor"}}
		if _, err := b.db.W.Collection(store.CollVisits).InsertOne(ctx, rx); err != nil {
			return nil, err
		}
		item := opd.PharmacyItemID(rx.ID)
		t.rxItems, t.rxSupplies = append(t.rxItems, item), append(t.rxSupplies, pharmacy.SupplyID(rx.ID, 1))
		if err := lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: item, Kind: worklist.KindOPDRx, Ref: rx.ID, PatientID: pid,
			MRN: rx.MRN, Name: rx.Name, Where: "OPD · MED", Priority: worklist.PriorityRoutine, Status: "waiting", At: now}); err != nil {
			return nil, err
		}
	}
	// Billing: the account with the most charges.
	cur, err = b.db.R.Collection(store.CollAccounts).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "charge_count", Value: -1}}).SetLimit(200).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	for cur.Next(ctx) {
		id, _ := cur.Current.Lookup("_id").StringValueOK()
		t.payAccounts = append(t.payAccounts, id)
	}
	if err := cur.Err(); err != nil || len(t.payAccounts) == 0 {
		return nil, fmt.Errorf("no billing accounts: %v", err)
	}
	t.account = t.payAccounts[0]
	t.patients = t.patients[next+700:]
	return t, nil
}
