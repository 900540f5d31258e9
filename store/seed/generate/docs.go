package generate

import (
	"fmt"
	"math/rand/v2"
	"time"

	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/signing"
)

func f64(x float64) *float64 { return &x }

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }

// Vitals are one plausible set of adult vitals, a fever now and then.
func Vitals(r *rand.Rand) opd.Vitals {
	temp := 36.6 + r.Float64()*0.8
	if r.IntN(5) == 0 {
		temp = 37.8 + r.Float64()*1.6
	}
	sys := 105 + r.NormFloat64()*15 + 20
	return opd.Vitals{TempC: f64(round1(temp)), Pulse: f64(float64(60 + r.IntN(45))), Systolic: f64(float64(int(sys))),
		Diastolic: f64(float64(int(sys*0.62 + r.NormFloat64()*5))), RespRate: f64(float64(14 + r.IntN(8))), SpO2: f64(float64(94 + r.IntN(6)))}
}

func ageSex(p patients.Patient, at time.Time) string { return patients.AgeOn(p.DOB, at) + " " + p.Sex }

// Visit is a completed OPD visit of patient p on day by doc, with vitals, a signed note,
// a diagnosis and a prescription from the formulary; number is the visit counter's.
func (ref *reference) visit(r *rand.Rand, number int64, p patients.Patient, day time.Time, d doctor) opd.Visit {
	dx := ref.diagnosis(r)
	list := complaints[d.dept]
	called := day.Add(time.Duration(5+r.IntN(60)) * time.Minute)
	done := called.Add(time.Duration(6+r.IntN(15)) * time.Minute)
	v := opd.Visit{ID: fmt.Sprintf("V%07d", number), Number: number, Date: day.Format(opd.DateLayout), Token: int64(1 + r.IntN(80)),
		Doctor: d.user, DoctorName: d.name, Department: d.dept, ServiceCode: "CONS-" + d.dept, PatientID: p.ID, MRN: p.MRN,
		Name: p.Name(), AgeSex: ageSex(p, day), Complaint: list[r.IntN(len(list))], Status: opd.StateCompleted,
		CheckedInAt: day, CalledAt: called, SeenBy: d.user, DoneAt: done, CompletedBy: d.user,
		Vitals: []opd.VitalsRecord{{Vitals: Vitals(r), At: day.Add(3 * time.Minute), By: "nurse"}},
		Note: opd.Note{SOAP: opd.SOAP{Subjective: "Complains of " + list[r.IntN(len(list))] + ".", Objective: "Conscious, oriented; vitals as charted.",
			Assessment: dx.Title + ".", Plan: "Medicines as prescribed; review if symptoms persist."}, Status: opd.NoteSigned, SignedAt: done, SignedBy: d.user},
		Diagnoses: []opd.Diagnosis{{Line: 1, Code: dx.Code, Title: dx.Title, Primary: true, By: d.user, At: done}},
		Orders:    []opd.Order{}, Events: []opd.Event{}, Version: 6,
		Stamp: catalog.Stamp{CreatedAt: day, CreatedBy: "frontdesk", UpdatedAt: done, UpdatedBy: d.user}}
	v.ChargeID = opd.ConsultChargeID(v.ID)
	v.Note.Signature = ref.sign(signing.KindConsultNote, v.ID, opd.NoteContent(v), signing.Person{ID: d.user, Name: d.name, Role: "Doctor"}, done)
	for line := 1; line <= 1+r.IntN(3) && len(ref.drugs) > 0; line++ {
		dr := ref.drugs[r.IntN(len(ref.drugs))]
		freq := []string{"OD", "BD", "TDS"}[r.IntN(3)]
		days := []int{3, 5, 5, 7, 10, 30}[r.IntN(6)]
		per := map[string]int{"OD": 1, "BD": 2, "TDS": 3}[freq]
		v.Prescriptions = append(v.Prescriptions, opd.Prescription{Line: line, DrugCode: dr.Code, Generic: dr.Generic, Strength: dr.Strength,
			Form: dr.Form, Unit: dr.Unit, Dose: "1 " + dr.Unit, UnitsPerDose: 1, Route: dr.Route, Frequency: freq, DurationDays: days,
			Quantity: per * days, Status: opd.RxActive, By: d.user, At: done})
	}
	return v
}

// labOrder is a verified, released lab order of test t with generated results; it
// returns the order and the patient's result lines.
func (ref *reference) labOrder(r *rand.Rand, id, visit string, line int, source string, p patients.Patient, d doctor, t catalog.LabTest,
	at time.Time) (lab.Order, []lab.PatientResult) {
	members := []catalog.LabTest{t}
	if len(t.Components) > 0 {
		members = members[:0]
		for _, c := range t.Components {
			if m, ok := ref.tests[c]; ok {
				members = append(members, m)
			}
		}
	}
	age := int(at.Sub(p.DOB).Hours() / 24 / 365)
	results := make([]lab.Result, 0, len(members))
	for _, m := range members {
		res := lab.Result{Code: m.Code, Name: m.Name, Kind: m.ResultKind(), Unit: m.Unit}
		switch res.Kind {
		case catalog.ResultNumeric:
			lo, hi := 0.0, 100.0
			if rg, ok := refRange(m, p.Sex, age); ok {
				lo, hi = rg.Low, rg.High
				res.Range = lab.FormatNum(lo) + "–" + lab.FormatNum(hi)
			}
			v := lo + (hi-lo)*(0.5+r.NormFloat64()*0.4)
			v = max(0, float64(int(v*10))/10)
			res.Num, res.Value = f64(v), lab.FormatNum(v)
			if res.Range != "" && v < lo {
				res.Flag = lab.FlagLow
			} else if res.Range != "" && v > hi {
				res.Flag = lab.FlagHigh
			}
		case catalog.ResultCoded:
			res.Value = "Nil"
			if len(m.Codes) > 0 {
				res.Value = m.Codes[0] // mostly the normal answer
				if r.IntN(8) == 0 {
					res.Value = m.Codes[r.IntN(len(m.Codes))]
				}
			}
		default:
			res.Value = "No abnormality detected"
		}
		results = append(results, res)
	}
	collected := at.Add(time.Duration(10+r.IntN(50)) * time.Minute)
	done := collected.Add(time.Duration(max(t.TATHours, 1)) * time.Hour / 2)
	o := lab.Order{OrderDoc: opd.OrderDoc{ID: id, VisitID: visit, Line: line, Source: source, PatientID: p.ID, MRN: p.MRN, Name: p.Name(),
		AgeSex: ageSex(p, at), Doctor: d.user, DoctorName: d.name, Department: d.dept, Code: t.Code, TestName: t.Name, ServiceCode: t.ServiceCode,
		Specimen: t.Specimen, Container: t.Container, Components: t.Components, Priority: "routine", Status: lab.StatusVerified,
		OrderedAt: at, OrderedBy: d.user, Stamp: catalog.Stamp{CreatedAt: at, CreatedBy: d.user, UpdatedAt: done, UpdatedBy: "pathologist"}},
		Version: 6, Accession: "G" + id, CollectedAt: collected, CollectedBy: "labtech", CollectedWhere: lab.AtLab, ChargeAt: collected,
		ReceivedAt: collected, Results: results, EnteredBy: "labtech", EnteredByName: "Imran Shaikh", EnteredAt: done,
		VerifiedBy: "pathologist", VerifiedByName: "Dr. Kavita Deshpande", VerifiedAt: done, ReleasedAt: done, ReleasedBy: "pathologist",
		History: []opd.Event{{At: done, By: "pathologist", From: lab.StatusResulted, To: lab.StatusVerified}}}
	o.Signature = ref.sign(signing.KindLabReport, o.ID, lab.ReportContent(o),
		signing.Person{ID: "pathologist", Name: "Dr. Kavita Deshpande", Role: "Pathologist"}, done)
	lines := make([]lab.PatientResult, 0, len(results))
	for _, res := range results {
		lines = append(lines, lab.PatientResult{OrderID: o.ID, Code: res.Code, Name: res.Name, Panel: t.Name, Value: res.Value, Num: res.Num,
			Unit: res.Unit, Range: res.Range, Flag: res.Flag, Status: lab.StatusVerified, At: collected, Released: done})
	}
	return o, lines
}

func refRange(t catalog.LabTest, sex string, age int) (catalog.RefRange, bool) {
	for _, rg := range t.Ranges {
		if (rg.Sex == "" || rg.Sex == sex) && age >= rg.AgeFrom && (rg.AgeTo == 0 || age <= rg.AgeTo) {
			return rg, true
		}
	}
	if len(t.Ranges) > 0 {
		return t.Ranges[0], true
	}
	return catalog.RefRange{}, false
}

// stay is a discharged admission with its nursing chart, its orders and their MAR.
type stay struct {
	adm    ipd.Admission
	chart  ipd.Chart
	orders []ipd.Order
	doses  []ipd.Dose
}

// admission builds a discharged stay of `nights` nights in bed starting at from.
func (ref *reference) admission(r *rand.Rand, number int64, p patients.Patient, from time.Time, nights int, d doctor, bed catalog.Bed) stay {
	id := fmt.Sprintf("IP%07d", number)
	to := from.Add(time.Duration(nights)*24*time.Hour + time.Duration(r.IntN(6))*time.Hour)
	dx := ref.diagnosis(r)
	allergies := []string{}
	for _, a := range p.Allergies.Items {
		allergies = append(allergies, a.Substance)
	}
	a := ipd.Admission{ID: id, Number: number, PatientID: p.ID, MRN: p.MRN, Name: p.Name(), Sex: p.Sex, DOB: p.DOB, Allergies: allergies,
		AllergyStatus: p.Allergies.Status, Source: ipd.SourceDirect, Doctor: d.user, DoctorName: d.name, Department: d.dept,
		Diagnosis: dx.Title, Reason: "Admitted for treatment and monitoring", ExpectedDays: max(nights, 1),
		ExpectedDischarge: to.Format(ipd.DateLayout), Ward: bed.Ward, Bed: bed.ID, BedCode: bed.Code, Status: ipd.StateDischarged,
		AdmittedAt: from, Stays: []ipd.Stay{{Ward: bed.Ward, Bed: bed.ID, BedCode: bed.Code, BedType: bed.BedType, From: from, To: to, By: "admissions"}},
		Discharge: &ipd.Discharge{Outcome: ipd.OutcomeHome, OrderedAt: to.Add(-2 * time.Hour), OrderedBy: d.user, DepartedAt: to, DepartedBy: "nurse"},
		Summary: &ipd.Summary{Diagnoses: dx.Code + " " + dx.Title, Course: "Improved with treatment; afebrile and stable at discharge.",
			FollowUp: "OPD review in one week", SignedAt: to.Add(-time.Hour), SignedBy: d.user},
		NightsPosted: nights, Events: []ipd.Event{{At: from, By: "admissions", What: "admitted"}, {At: to, By: "nurse", What: "left the ward"}},
		Version: 8, Stamp: catalog.Stamp{CreatedAt: from, CreatedBy: "admissions", UpdatedAt: to, UpdatedBy: "nurse"}}
	a.Summary.Signature = ref.sign(signing.KindDischargeSummary, a.ID, ipd.SummaryContent(a),
		signing.Person{ID: d.user, Name: d.name, Role: "Doctor"}, a.Summary.SignedAt)
	a.Summary.SignedByName = d.name
	st := stay{adm: a, chart: ipd.Chart{ID: id, Vitals: []opd.VitalsRecord{}, Notes: []ipd.Note{}, IO: []ipd.IO{}, PRN: []ipd.Dose{}}}
	for t := from.Add(time.Hour); t.Before(to); t = t.Add(6 * time.Hour) {
		st.chart.Vitals = append(st.chart.Vitals, opd.VitalsRecord{Vitals: Vitals(r), At: t, By: "nurse"})
	}
	// Two or three medication orders, each dose of the stay given (now and then held).
	for n := 1; n <= 2+r.IntN(2) && len(ref.drugs) > 0; n++ {
		dr := ref.drugs[r.IntN(len(ref.drugs))]
		freq := []string{"OD", "BD", "TDS"}[r.IntN(3)]
		o := ipd.Order{ID: fmt.Sprintf("%s-M%d", id, n), Kind: ipd.KindMedication, Summary: dr.Generic + " " + dr.Strength + " " + freq,
			DrugCode: dr.Code, DrugName: dr.Generic + " " + dr.Strength, Dose: "1 " + dr.Unit, UnitsPerDose: 1, Route: dr.Route,
			Frequency: freq, Start: from, Stop: to, Status: ipd.OrderCompleted, OrderedAt: from, OrderedBy: d.user, OrderedByName: d.name,
			AckAt: from.Add(20 * time.Minute), AckBy: "nurse", EndedAt: to, EndedBy: d.user, EndReason: "discharged", Sent: true}
		st.orders = append(st.orders, o)
		for day := from.Truncate(24 * time.Hour); day.Before(to); day = day.Add(24 * time.Hour) {
			for _, hm := range ipd.AdminTimes[freq] {
				h, m := int(hm[0]-'0')*10+int(hm[1]-'0'), int(hm[3]-'0')*10+int(hm[4]-'0')
				slot := day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
				if slot.Before(from) || !slot.Before(to) {
					continue
				}
				status := ipd.DoseGiven
				if r.IntN(30) == 0 {
					status = ipd.DoseHeld
				}
				st.doses = append(st.doses, ipd.Dose{ID: o.ID + "@" + slot.Format(ipd.SlotLayout), AdmissionID: id, OrderID: o.ID, PatientID: p.ID,
					Slot: slot, Status: status, At: slot.Add(time.Duration(r.IntN(40)) * time.Minute), By: "nurse", ByName: "Mary Thomas"})
			}
		}
	}
	return st
}

// charge is a charge of a service at its price on the day.
func (ref *reference) charge(id string, p patients.Patient, enc, encKind, dept, code string, qty int64, at time.Time, by string) (billing.Charge, bool) {
	s, price, ok := ref.price(code, at)
	if !ok {
		return billing.Charge{}, false
	}
	return billing.Charge{ID: id, PatientID: p.ID, MRN: p.MRN, Name: p.Name(), Encounter: enc, EncounterKind: encKind, Department: dept,
		ServiceCode: code, Description: s.Name, Qty: qty, UnitPrice: price, TaxBP: s.TaxBP, PostedAt: at, PostedBy: by}, true
}

// drugCharge is the pharmacy's charge for qty units of a drug.
func drugCharge(id string, p patients.Patient, enc, encKind string, dr catalog.Drug, qty int64, at time.Time) billing.Charge {
	return billing.Charge{ID: id, PatientID: p.ID, MRN: p.MRN, Name: p.Name(), Encounter: enc, EncounterKind: encKind, Department: "Pharmacy",
		ServiceCode: "DRUG-" + dr.Code, Description: dr.Generic + " " + dr.Strength + " " + dr.Form, Qty: qty, UnitPrice: drugPrice(dr.Code),
		PostedAt: at, PostedBy: "pharmacist"}
}

// sign is the signature the author's signing would have stored, at the document's time.
func (ref *reference) sign(kind, id string, content signing.Content, who signing.Person, at time.Time) *signing.Signature {
	sig, err := ref.signer.Sign(kind, id, content, who, at)
	if err != nil {
		panic(fmt.Sprintf("generate: signing %s %s: %v", kind, id, err)) // Content is built here from plain fields: a bug
	}
	return &sig
}
