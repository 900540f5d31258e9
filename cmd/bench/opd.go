package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"time"

	"hms/store"
	"hms/store/catalog"
	"hms/store/opd"
)

// opdSuite measures the OPD pages (issue 4) with `today` visits checked in today across
// the OPD doctors and `past` completed visits of earlier days in the database.
func opdSuite(past, today, requests int) ([]result, error) {
	b, err := openBench()
	if err != nil {
		return nil, err
	}
	defer b.close()
	people, err := b.importPatients(20000)
	if err != nil {
		return nil, err
	}
	if err := b.pastVisits(past, people[0].ID); err != nil {
		return nil, err
	}
	if _, err := b.serve(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	// The day's visits are spread over the demo hospital's five OPD doctors, the demo
	// doctor (whose pages are measured) taking twice a colleague's share.
	doctors := []string{"doctor", "doctor", "dr.rao", "dr.iyer", "dr.khan", "dr.menon"}
	r := rand.New(rand.NewPCG(3, 3))
	mine := 0
	for i := range today {
		p := people[r.IntN(len(people))]
		doc := doctors[i%len(doctors)]
		if doc == "doctor" {
			mine++
		}
		if _, err := b.opd.CheckIn(ctx, opd.CheckIn{PatientID: p.ID, Doctor: doc}, "frontdesk"); err != nil {
			return nil, fmt.Errorf("check-in %d: %w", i, err)
		}
		fmt.Fprintf(os.Stderr, "\rchecked in %d of %d today", i+1, today)
	}
	fmt.Fprintln(os.Stderr)
	for range mine / 3 { // a third already seen
		v, err := b.opd.CallNext(ctx, "doctor", "doctor")
		if err != nil {
			return nil, err
		}
		if _, err := b.opd.Complete(ctx, v.ID, opd.Completion{}, "doctor"); err != nil {
			return nil, err
		}
	}
	current, err := b.opd.CallNext(ctx, "doctor", "doctor")
	if err != nil {
		return nil, err
	}
	doctor, _, err := b.signIn("doctor")
	if err != nil {
		return nil, err
	}
	nurse, _, err := b.signIn("nurse")
	if err != nil {
		return nil, err
	}
	setup := fmt.Sprintf("%d today (%d mine), %dk past", today, mine, past/1000)
	version, err := b.pollVersion(doctor)
	if err != nil {
		return nil, err
	}
	pages := []struct {
		name   string
		client bool // true: the nurse
		req    request
	}{
		{"doctor queue /opd", false, get(b.base, "/opd")},
		{"queue poll (same)", false, get(b.base, "/opd/queue?v="+version, "HX-Request", "true", "X-HMS-Background", "1")},
		{"queue poll (new)", false, get(b.base, "/opd/queue", "HX-Request", "true", "X-HMS-Background", "1")},
		{"consult page", false, get(b.base, "/opd/visits/"+current.ID)},
		{"nurse board", true, get(b.base, "/opd/queues/doctor")},
	}
	var out []result
	for _, conc := range []int{1, 10} {
		base := b.measure(doctor, requests, conc, get(b.base, "/account"))
		base.Setup, base.Page = setup, "baseline /account"
		out = append(out, base)
		for _, p := range pages {
			c := doctor
			if p.client {
				c = nurse
			}
			res := b.measure(c, requests, conc, p.req)
			res.Setup, res.Page, res.VsBaseline = setup, p.name, res.P50MS/base.P50MS
			out = append(out, res)
		}
	}
	return out, nil
}

// pastVisits stores n completed visits of the past year in bulk, with what a real
// visit holds (vitals, a signed note, a diagnosis, a prescription), so the visits
// collection has the size a year of a 300-bed hospital's OPD gives it.
func (b *bench) pastVisits(n int, patientID string) error {
	ctx := context.Background()
	now := time.Now().UTC()
	f := func(x float64) *float64 { return &x }
	batch := make([]any, 0, 2000)
	for i := range n {
		day := now.AddDate(0, 0, -1-i%365)
		v := opd.Visit{ID: fmt.Sprintf("H%07d", i), Number: int64(i), Date: day.Format(opd.DateLayout), Token: int64(i%60 + 1),
			Doctor: "doctor", DoctorName: "Dr. Ananya Krishnan", Department: "MED", ServiceCode: "CONS-MED", PatientID: patientID,
			MRN: "100001", Name: "Past Patient", AgeSex: "45y M", Complaint: "Fever and cough for three days", Status: opd.StateCompleted,
			CheckedInAt: day, CalledAt: day.Add(20 * time.Minute), DoneAt: day.Add(32 * time.Minute),
			Vitals: []opd.VitalsRecord{{Vitals: opd.Vitals{TempC: f(38.2), Pulse: f(96), Systolic: f(128), Diastolic: f(82), SpO2: f(97)}, At: day, By: "nurse"}},
			Note: opd.Note{SOAP: opd.SOAP{Subjective: "Fever and dry cough for three days, no breathlessness.", Objective: "Throat congested, chest clear.",
				Assessment: "Acute upper respiratory infection.", Plan: "Symptomatic treatment, fluids, review if worse."}, Status: opd.NoteSigned, SignedAt: day, SignedBy: "doctor"},
			Diagnoses:     []opd.Diagnosis{{Line: 1, Code: "J06.9", Title: "Acute upper respiratory infection, unspecified", Primary: true, By: "doctor", At: day}},
			Prescriptions: []opd.Prescription{{Line: 1, DrugCode: "PARA500T", Generic: "Paracetamol", Strength: "500 mg", Form: "tablet", Unit: "tablet", Dose: "500 mg", UnitsPerDose: 1, Route: "oral", Frequency: "TDS", DurationDays: 3, Quantity: 9}},
			Orders:        []opd.Order{}, Events: []opd.Event{}, Stamp: catalog.Stamp{CreatedAt: day, CreatedBy: "frontdesk", UpdatedAt: day, UpdatedBy: "doctor"}}
		batch = append(batch, v)
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := b.db.W.Collection(store.CollVisits).InsertMany(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			fmt.Fprintf(os.Stderr, "\rstored %d of %d past visits", i+1, n)
		}
	}
	fmt.Fprintln(os.Stderr)
	return nil
}

var versionRE = regexp.MustCompile(`&#34;v&#34;:&#34;([0-9a-f]+)&#34;`)

// pollVersion reads the version the doctor's queue shows, which its polls send back.
func (b *bench) pollVersion(client interface {
	Get(string) (*http.Response, error)
}) (string, error) {
	resp, err := client.Get(b.base + "/opd")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := versionRE.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no queue version on /opd")
	}
	return string(m[1]), nil
}
