package generate

import (
	"context"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"hms/store/catalog"
	"hms/store/opd"
	"hms/store/signing"
)

// doctor is one of the demo hospital's OPD doctors, with its share of the day's patients.
type doctor struct {
	user, name, dept string
	weight           int
}

// doctors mirror the demo staff with an OPD schedule (store/seed staff.go, opd.go).
var doctors = []doctor{
	{"doctor", "Dr. Ananya Krishnan", "MED", 45},
	{"dr.rao", "Dr. Venkatesh Rao", "SURG", 15}, {"dr.iyer", "Dr. Meera Iyer", "PAED", 15},
	{"dr.khan", "Dr. Tariq Khan", "CARD", 12}, {"dr.menon", "Dr. Deepa Menon", "OBG", 13},
}

// commonDiagnoses are what an Indian general OPD sees most (ICD-10, all in store/opd's
// list); the rest of a visit's diagnoses come from the whole list.
var commonDiagnoses = []string{"J06.9", "I10", "E11.9", "A09", "K30", "M54.5", "N39.0", "J18.9", "B34.9", "R50.9",
	"J45.9", "K21.9", "E78.5", "M17.9", "L30.9", "H10.9", "R51", "D64.9", "A90", "B54", "J02.9", "K29.7", "E03.9", "R10.4"}

var complaints = map[string][]string{
	"MED":  {"Fever and cough for three days", "Burning in the stomach after meals", "Headache and body ache", "Follow-up of diabetes", "Giddiness since morning", "Loose stools since yesterday"},
	"SURG": {"Pain in the right lower abdomen", "Swelling in the groin", "Wound dressing review", "Lump in the breast"},
	"PAED": {"Fever and cold for two days", "Not feeding well", "Vomiting since morning", "Rash on the arms"},
	"CARD": {"Chest pain on exertion", "Breathlessness on climbing stairs", "Palpitations", "Review of blood pressure"},
	"OBG":  {"Antenatal check-up", "Irregular periods", "Lower abdominal pain", "White discharge"},
}

// reference is the catalogue the generated records point at.
type reference struct {
	services map[string]catalog.Service
	tests    map[string]catalog.LabTest
	orders   []catalog.LabTest // orderable tests and panels (with a price)
	drugs    []catalog.Drug
	beds     []catalog.Bed
	wardSex  map[string]string
	icd      []opd.ICD10
	common   []opd.ICD10
	procs    []catalog.Service // procedures, imaging and consumables an admission runs up
	payers   []catalog.Payer
	days     []float64 // cumulative weights of the past 365 days (seasons, weekdays)
	today    time.Time
	signer   *signing.Signer // signs notes, summaries and reports as their authors would have
}

func loadReference(ctx context.Context, cat *catalog.Catalog, today time.Time) (*reference, error) {
	ref := &reference{services: map[string]catalog.Service{}, tests: map[string]catalog.LabTest{}, wardSex: map[string]string{},
		icd: opd.ICD10Codes(), today: today}
	svcs, err := cat.Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		ref.services[s.Code] = s
		switch s.Category {
		case catalog.CatProcedure, catalog.CatRadiology, catalog.CatMisc:
			ref.procs = append(ref.procs, s)
		}
	}
	tests, err := cat.LabTests(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tests {
		ref.tests[t.Code] = t
		if _, priced := ref.services[t.ServiceCode]; priced {
			ref.orders = append(ref.orders, t)
		}
	}
	if ref.drugs, err = cat.Drugs(ctx); err != nil {
		return nil, err
	}
	if ref.beds, err = cat.AllBeds(ctx); err != nil {
		return nil, err
	}
	if ref.payers, err = cat.Payers(ctx); err != nil {
		return nil, err
	}
	wards, err := cat.Wards(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range wards {
		ref.wardSex[w.Code] = w.Sex
	}
	for _, c := range commonDiagnoses {
		if d, ok := opd.ICD10ByCode(c); ok {
			ref.common = append(ref.common, d)
		}
	}
	// Volume peaks in the monsoon (fevers, diarrhoea: July–September), dips in spring;
	// Sundays see a third of a weekday.
	total := 0.0
	for i := range 365 {
		day := today.AddDate(0, 0, -365+i)
		w := 1 + 0.3*seasonal(day.YearDay())
		if day.Weekday() == time.Sunday {
			w *= 0.35
		}
		total += w
		ref.days = append(ref.days, total)
	}
	return ref, nil
}

// seasonal is +1 at the monsoon's height (mid-August) and −1 half a year away.
func seasonal(yearDay int) float64 { return math.Cos(2 * math.Pi * float64(yearDay-228) / 365) }

// day picks a day of the past year by the seasonal weights, at a clinic hour.
func (ref *reference) day(r *rand.Rand) time.Time {
	x := r.Float64() * ref.days[len(ref.days)-1]
	i, _ := slices.BinarySearch(ref.days, x)
	d := ref.today.AddDate(0, 0, -365+min(i, 364))
	return d.Add(time.Duration(8*60+r.IntN(9*60)) * time.Minute)
}

func (ref *reference) diagnosis(r *rand.Rand) opd.ICD10 {
	if r.IntN(10) < 7 && len(ref.common) > 0 {
		return ref.common[r.IntN(len(ref.common))]
	}
	return ref.icd[r.IntN(len(ref.icd))]
}

func pickDoctor(r *rand.Rand) doctor {
	n := r.IntN(100)
	for _, d := range doctors {
		if n < d.weight {
			return d
		}
		n -= d.weight
	}
	return doctors[0]
}

// price is a service's price on a day (0 and false when it has none).
func (ref *reference) price(code string, at time.Time) (catalog.Service, int64, bool) {
	s, ok := ref.services[code]
	if !ok {
		return s, 0, false
	}
	p, ok := s.PriceAt(at)
	if !ok {
		p, ok = s.PriceAt(ref.today)
	}
	return s, p, ok
}

// drugPrice is a stable unit price for a drug (₹2–₹120), as a pharmacy's batches would set it.
func drugPrice(code string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(code))
	return int64(200 + h.Sum32()%11800)
}
