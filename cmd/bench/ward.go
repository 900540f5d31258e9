package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"time"

	"hms/store"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/store/opd"
)

// benchWard is the 40-bed ward the board is measured on.
const benchWard = "B40"

// wardSuite measures the ward board of a 40-bed ward with 36 patients in it (each with
// orders, vitals and due medicines) and `past` discharged admissions of the past year
// in the database (issue 5): the full board, the poll when nothing changed (204, the
// bytes per refresh), the poll after a change, and a patient's ward view.
func wardSuite(past, requests int) ([]result, error) {
	b, err := openBench()
	if err != nil {
		return nil, err
	}
	defer b.close()
	ctx := context.Background()
	cat := catalog.New(b.db)
	if err := cat.AddWard(ctx, catalog.Ward{Code: benchWard, Name: "Bench Ward (40 beds)", Type: catalog.WardGeneral, Department: "MED",
		Floor: "5", NurseStation: "5A", Stamp: catalog.NewStamp("bench")}); err != nil {
		return nil, err
	}
	for i := 1; i <= 40; i++ {
		if err := cat.AddBed(ctx, catalog.Bed{Ward: benchWard, Code: strconv.Itoa(i), BedType: "BED-GEN", Stamp: catalog.NewStamp("bench")}); err != nil {
			return nil, err
		}
	}
	people, err := b.importPatients(2000)
	if err != nil {
		return nil, err
	}
	if err := b.pastAdmissions(past, people[0].ID); err != nil {
		return nil, err
	}
	if _, err := b.serve(); err != nil {
		return nil, err
	}
	var first ipd.Admission
	f := func(x float64) *float64 { return &x }
	for i := 1; i <= 36; i++ {
		p := people[i]
		a, err := b.ipd.Admit(ctx, ipd.AdmitInput{PatientID: p.ID, Source: ipd.SourceDirect, Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan",
			Department: "MED", Diagnosis: "Community-acquired pneumonia", Reason: "IV antibiotics", ExpectedDays: 4,
			Bed: benchWard + "-" + strconv.Itoa(i)}, "admissions")
		if err != nil {
			return nil, fmt.Errorf("admit %d: %w", i, err)
		}
		if i == 1 {
			first = a
		}
		for _, freq := range []string{"TDS", "QID", "BD"} {
			o, err := b.ipd.AddOrder(ctx, a.ID, ipd.OrderInput{Kind: ipd.KindMedication, DrugCode: "PARA500T", Dose: "1 tablet",
				Frequency: freq, Start: time.Now().Add(-24 * time.Hour), ByName: "Dr. Ananya Krishnan"}, "doctor")
			if err != nil {
				return nil, err
			}
			if i%4 != 0 { // every fourth patient has unacknowledged orders
				if _, err := b.ipd.SetOrderState(ctx, a.ID, o.ID, ipd.OrderActive, "", "nurse"); err != nil {
					return nil, err
				}
			}
		}
		for range 6 {
			if _, err := b.ipd.RecordVitals(ctx, a.ID, opd.Vitals{TempC: f(37 + float64(i%3)), Pulse: f(80 + float64(i)), Systolic: f(120), Diastolic: f(80)}, "nurse"); err != nil {
				return nil, err
			}
		}
		fmt.Fprintf(os.Stderr, "\radmitted %d of 36", i)
	}
	fmt.Fprintln(os.Stderr)
	nurse, _, err := b.signIn("nurse")
	if err != nil {
		return nil, err
	}
	// The version folds in a five-minute time bucket (due medicines change with the
	// clock), so the unchanged poll reads the version the board shows right before it.
	versionRE := regexp.MustCompile(`&#34;v&#34;:&#34;([0-9a-f]+)&#34;`)
	samePoll := func(int) *http.Request {
		resp, err := nurse.Get(b.base + "/ward/" + benchWard)
		v := "none"
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if m := versionRE.FindSubmatch(body); m != nil {
				v = string(m[1])
			}
		}
		return get(b.base, "/ward/"+benchWard+"?v="+v, "HX-Request", "true", "X-HMS-Background", "1")(0)
	}
	setup := fmt.Sprintf("36/40 beds, %dk past", past/1000)
	pages := []struct {
		name string
		req  request
	}{
		{"ward board", get(b.base, "/ward/"+benchWard)},
		{"board poll (same)", nil},
		{"board poll (new)", get(b.base, "/ward/"+benchWard+"?v=old", "HX-Request", "true", "X-HMS-Background", "1")},
		{"patient ward view", get(b.base, "/ward/adm/"+first.ID)},
	}
	var out []result
	for _, conc := range []int{1, 10} {
		base := b.measure(nurse, requests, conc, get(b.base, "/account"))
		base.Setup, base.Page = setup, "baseline /account"
		out = append(out, base)
		for _, p := range pages {
			req := p.req
			if req == nil {
				same := samePoll(0)
				req = func(int) *http.Request { return same.Clone(same.Context()) }
			}
			res := b.measure(nurse, requests, conc, req)
			res.Setup, res.Page, res.VsBaseline = setup, p.name, res.P50MS/base.P50MS
			out = append(out, res)
		}
	}
	return out, nil
}

// pastAdmissions stores n discharged admissions of the past year in bulk, each with its
// bed history, events and a signed summary, as a year of a 40-bed ward leaves them.
func (b *bench) pastAdmissions(n int, patientID string) error {
	ctx := context.Background()
	now := time.Now().UTC()
	batch := make([]any, 0, 1000)
	for i := range n {
		from := now.AddDate(0, 0, -5-i%360)
		to := from.Add(4 * 24 * time.Hour)
		bed := fmt.Sprintf("%s-%d", benchWard, i%40+1)
		a := ipd.Admission{ID: fmt.Sprintf("IPH%06d", i), Number: int64(i), PatientID: patientID, MRN: "100001", Name: "Past Patient",
			Sex: "M", Source: ipd.SourceDirect, Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan", Department: "MED",
			Diagnosis: "Community-acquired pneumonia", Reason: "IV antibiotics", ExpectedDays: 4, Ward: benchWard, Bed: bed,
			BedCode: strconv.Itoa(i%40 + 1), Status: ipd.StateDischarged, AdmittedAt: from,
			Stays:     []ipd.Stay{{Ward: benchWard, Bed: bed, BedType: "BED-GEN", From: from, To: to, By: "admissions"}},
			Discharge: &ipd.Discharge{Outcome: ipd.OutcomeHome, OrderedAt: to.Add(-2 * time.Hour), OrderedBy: "doctor", DepartedAt: to, DepartedBy: "nurse"},
			Summary: &ipd.Summary{Diagnoses: "Community-acquired pneumonia", Course: "Improved on IV antibiotics.", FollowUp: "OPD in one week",
				SignedAt: to, SignedBy: "doctor"},
			NightsPosted: 4, Events: []ipd.Event{{At: from, By: "admissions", What: "admitted"}, {At: to, By: "nurse", What: "left the ward"}},
			Version: 4, Stamp: catalog.Stamp{CreatedAt: from, CreatedBy: "admissions", UpdatedAt: to, UpdatedBy: "nurse"}}
		batch = append(batch, a)
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := b.db.W.Collection(store.CollAdmissions).InsertMany(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			fmt.Fprintf(os.Stderr, "\rstored %d of %d past admissions", i+1, n)
		}
	}
	fmt.Fprintln(os.Stderr)
	return nil
}
