package generate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/lab"
	"hms/store/opd"
	"hms/store/patients"
	"hms/store/pharmacy"
	"hms/store/seed"
	"hms/store/signing"
)

// Counts is what a run stored.
type Counts struct {
	Patients, Visits, Admissions, Vitals, Doses, LabOrders, LabResults, Dispensed, Charges, Payments, Claims int
	Took                                                                                                     time.Duration
}

func (c Counts) String() string {
	return fmt.Sprintf("%d patients, %d OPD visits, %d admissions (%d vitals, %d MAR doses), %d lab orders (%d results), %d dispensed lines, %d charges, %d payments, %d claims in %s",
		c.Patients, c.Visits, c.Admissions, c.Vitals, c.Doses, c.LabOrders, c.LabResults, c.Dispensed, c.Charges, c.Payments, c.Claims, c.Took.Round(time.Second))
}

// ErrNotEmpty refuses to generate into a database that already holds a hospital's work.
var ErrNotEmpty = errors.New("generate: the database already has more than the demo's patients or any OPD visit history")

// chunk is how many patients' records are built and written together: every charge of
// a patient must reach billing.BulkPost in one call.
const chunk = 2000

// maxPatientResults mirrors the lab store's cap on a patient's results bucket.
const maxPatientResults = 400

// Run loads the demo hospital if the database is empty, then generates prof's
// patients and their past year (everything ends before today) from seed. Progress goes to
// w (nil: none). The same seed on an empty database gives the same hospital. Signed
// documents are signed with sig, the key of the server that will show them.
func Run(ctx context.Context, db *store.DB, pats *patients.Store, sig *signing.Signer, prof Profile, seedN uint64, w io.Writer, log *slog.Logger) (Counts, error) {
	started := time.Now()
	var c Counts
	if _, err := seed.Demo(ctx, db, pats, log); err != nil {
		return c, err
	}
	n, err := db.R.Collection(store.CollPatients).CountDocuments(ctx, bson.D{})
	if err != nil {
		return c, err
	}
	if n > 100 {
		return c, ErrNotEmpty
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	cat := catalog.New(db)
	ref, err := loadReference(ctx, cat, today)
	if err != nil {
		return c, err
	}
	ref.signer = sig
	if len(ref.beds) == 0 || len(ref.orders) == 0 {
		return c, errors.New("generate: the catalogue has no beds or no priced lab tests")
	}
	avgMembers := 0.0
	for _, t := range ref.orders {
		avgMembers += float64(max(len(t.Components), 1))
	}
	avgMembers /= float64(len(ref.orders))
	labOrders := int(float64(prof.LabResults) / avgMembers)
	// The progress counts documents: patients, visits, admissions with their chart, orders
	// and ~15 doses, lab orders, charges (with their ledger pages), payments (×40: each is
	// a dozen store commands).
	pr := newProgress(w, prof.Patients+prof.Visits+prof.Admissions*18+labOrders+prof.Charges+prof.Payments*40+prof.Claims*40)

	people := seed.People(rand.New(rand.NewPCG(seedN, 1)), prof.Patients, today)
	insure(rand.New(rand.NewPCG(seedN, 3)), people, ref.payers, today.AddDate(0, 0, -366))
	for i := 0; i < len(people); i += 1000 {
		if err := pats.Import(ctx, people[i:min(i+1000, len(people))], "import"); err != nil {
			return c, err
		}
		pr.add("patients", min(1000, len(people)-i))
	}
	c.Patients = len(people)
	lastVisit, err := db.NextN(ctx, "visit", int64(prof.Visits))
	if err != nil {
		return c, err
	}
	lastAdm, err := db.NextN(ctx, "admission", int64(max(prof.Admissions, 1)))
	if err != nil {
		return c, err
	}
	g := &gen{ctx: ctx, db: db, ref: ref, r: rand.New(rand.NewPCG(seedN, 2)), pr: pr, c: &c, payments: billing.NewPayments(db), seed: seedN,
		bill:      billing.New(db),
		disp:      newDispensary(db, cat, seedN, today.AddDate(0, 0, -366), today),
		nextVisit: lastVisit - int64(prof.Visits) + 1, nextAdm: lastAdm - int64(max(prof.Admissions, 1)) + 1}
	share := func(total, from, to int) int { return total*to/len(people) - total*from/len(people) }
	for from := 0; from < len(people); from += chunk {
		to := min(from+chunk, len(people))
		if err := g.chunk(people[from:to], share(prof.Visits, from, to), share(prof.Admissions, from, to), share(labOrders, from, to),
			share(prof.Charges, from, to), share(prof.Payments, from, to), share(prof.Claims, from, to)); err != nil {
			return c, err
		}
	}
	pr.finish()
	c.Took = time.Since(started)
	return c, nil
}

// gen holds a run's state across chunks.
type gen struct {
	ctx                context.Context
	db                 *store.DB
	ref                *reference
	r                  *rand.Rand
	pr                 *progress
	c                  *Counts
	payments           *billing.Payments
	bill               *billing.Desk
	disp               *dispensary
	seed               uint64
	nextVisit, nextAdm int64
	paid               int
}

// doctorFor keeps children with the paediatrician and men out of the gynaecology clinic.
func (g *gen) doctorFor(p patients.Patient, at time.Time) doctor {
	d := pickDoctor(g.r)
	age := at.Sub(p.DOB).Hours() / 24 / 365
	switch {
	case age < 14:
		return doctors[2]
	case d.dept == "PAED" || (d.dept == "OBG" && p.Sex == "M"):
		return doctors[0]
	}
	return d
}

func (g *gen) chunk(people []patients.Patient, nVisits, nAdm, nLab, nCharges, nPay, nClaims int) error {
	r, ref := g.r, g.ref
	// Some patients come often (chronic illness), most once or twice: a skewed pick.
	pick := func() patients.Patient {
		u := r.Float64()
		return people[int(u*u*float64(len(people)))]
	}
	byID := make(map[string]patients.Patient, len(people))
	for _, p := range people {
		byID[p.ID] = p
	}
	var charges []billing.Charge
	var supplied []dispense // drugs the pharmacy gave out: lines and charges once numbered
	results := map[string][]lab.PatientResult{}
	var labDocs []any
	addLab := func(id, enc string, line int, source string, p patients.Patient, d doctor, at time.Time) {
		t := ref.orders[r.IntN(len(ref.orders))]
		o, lines := ref.labOrder(r, id, enc, line, source, p, d, t, at)
		labDocs = append(labDocs, o)
		results[p.ID] = append(results[p.ID], lines...)
		g.c.LabOrders++
		g.c.LabResults += len(lines)
		if ch, ok := ref.charge(lab.ChargeID(o.ID), p, enc, source, "LAB", t.ServiceCode, 1, o.CollectedAt, "labtech"); ok {
			charges = append(charges, ch)
		}
	}
	// OPD visits, a share of them with lab orders (two thirds of all lab work).
	visits := make([]any, 0, nVisits)
	opdLab := nLab * 2 / 3
	if nAdm == 0 {
		opdLab = nLab
	}
	for i := range nVisits {
		p := pick()
		day := ref.day(r)
		d := g.doctorFor(p, day)
		v := ref.visit(r, g.nextVisit, p, day, d)
		g.nextVisit++
		if ch, ok := ref.charge(v.ChargeID, p, v.ID, "opd", d.dept, v.ServiceCode, 1, v.DoneAt, d.user); ok {
			charges = append(charges, ch)
		}
		for _, rx := range v.Prescriptions {
			if r.IntN(10) < 6 { // most take their medicines from the hospital pharmacy
				dr := ref.drugs[slices.IndexFunc(ref.drugs, func(x catalog.Drug) bool { return x.Code == rx.DrugCode })]
				orderRef := fmt.Sprintf("%s:%d", v.ID, rx.Line)
				supplied = append(supplied, dispense{p: p, dr: dr, qty: int64(rx.Quantity), enc: v.ID, kind: "opd", ref: orderRef, supplyID: "rx:" + orderRef,
					directions: pharmacy.Directions(pharmacy.Order{Dose: rx.Dose, Route: rx.Route, Frequency: rx.Frequency,
						DurationDays: rx.DurationDays, Instructions: rx.Instructions}), at: v.DoneAt.Add(10 * time.Minute)})
			}
		}
		// Spread the OPD lab orders evenly over the chunk's visits.
		for k := opdLab * i / max(nVisits, 1); k < opdLab*(i+1)/max(nVisits, 1); k++ {
			line := len(v.Orders) + 1
			id := fmt.Sprintf("%s-L%d", v.ID, line)
			addLab(id, v.ID, line, "opd", p, d, v.CalledAt.Add(5*time.Minute))
			o := labDocs[len(labDocs)-1].(lab.Order)
			v.Orders = append(v.Orders, opdOrder(o, line))
		}
		visits = append(visits, v)
	}
	g.c.Visits += len(visits)
	if err := g.insert(store.CollVisits, visits, "OPD visits", 1); err != nil {
		return err
	}
	// Admissions: older patients, one to three weeks' worth of nights at most.
	var adms, charts, orders, doses []any
	var stays []stay
	ipdLab := nLab - opdLab
	for i := range nAdm {
		p := pick()
		if q := pick(); q.DOB.Before(p.DOB) {
			p = q
		}
		nights := 1
		for nights < 21 && r.IntN(10) < 7 {
			nights++
		}
		from := ref.day(r)
		if limit := ref.today.Add(-time.Duration(nights+1) * 24 * time.Hour); from.After(limit) {
			from = limit.Add(time.Duration(r.IntN(10)) * time.Hour)
		}
		bed := ref.beds[r.IntN(len(ref.beds))]
		for try := 0; try < 20 && ref.wardSex[bed.Ward] != "" && ref.wardSex[bed.Ward] != p.Sex; try++ {
			bed = ref.beds[r.IntN(len(ref.beds))]
		}
		d := g.doctorFor(p, from)
		st := ref.admission(r, g.nextAdm, p, from, nights, d, bed)
		g.nextAdm++
		for n := 1; n <= nights; n++ {
			if ch, ok := ref.charge(fmt.Sprintf("ipd:%s:bed:%d", st.adm.ID, n), p, st.adm.ID, "ipd", d.dept, bed.BedType, 1,
				from.Add(time.Duration(n)*24*time.Hour), "system"); ok {
				charges = append(charges, ch)
			}
		}
		for k := ipdLab * i / nAdm; k < ipdLab*(i+1)/nAdm; k++ {
			n := k - ipdLab*i/nAdm + 1
			addLab(fmt.Sprintf("%s-L%d", st.adm.ID, n), st.adm.ID, n, "ipd", p, d, from.Add(time.Duration(n*9)*time.Hour))
		}
		stays = append(stays, st)
		adms = append(adms, st.adm)
		charts = append(charts, st.chart)
		orders = append(orders, bson.D{{Key: "_id", Value: st.adm.ID}, {Key: "version", Value: int64(len(st.orders) * 3)},
			{Key: "next", Value: len(st.orders) + 1}, {Key: "orders", Value: st.orders}})
		for _, ds := range st.doses {
			doses = append(doses, ds)
		}
		g.c.Vitals += len(st.chart.Vitals)
		g.c.Doses += len(st.doses)
	}
	// The rest of the chunk's charges: what admissions run up (procedures, imaging, the
	// ward's drugs and consumables), or OPD procedures when the chunk had no admission.
	for k := 0; len(charges)+len(supplied) < nCharges && k < nCharges*4; k++ {
		switch {
		case len(stays) > 0:
			st := stays[k%len(stays)]
			at := st.adm.AdmittedAt.Add(time.Duration(r.IntN(max(st.adm.NightsPosted, 1)*24)) * time.Hour)
			p := byID[st.adm.PatientID]
			if r.IntN(2) == 0 || len(ref.procs) == 0 {
				dr := ref.drugs[r.IntN(len(ref.drugs))]
				supplied = append(supplied, dispense{p: p, dr: dr, qty: int64(1 + r.IntN(10)), enc: st.adm.ID, kind: "ipd",
					ref: fmt.Sprintf("%s:%d", st.adm.ID, k), directions: "as charted on the ward", at: at})
			} else if ch, ok := ref.charge(fmt.Sprintf("ipd:%s:svc:%d", st.adm.ID, k), p, st.adm.ID, "ipd", st.adm.Department,
				ref.procs[r.IntN(len(ref.procs))].Code, 1, at, "nurse"); ok {
				charges = append(charges, ch)
			}
		case len(visits) > 0 && len(ref.procs) > 0:
			v := visits[k%len(visits)].(opd.Visit)
			if ch, ok := ref.charge(fmt.Sprintf("visit:%s:svc:%d", v.ID, k), byID[v.PatientID], v.ID, "opd", v.Department,
				ref.procs[r.IntN(len(ref.procs))].Code, 1, v.DoneAt, v.Doctor); ok {
				charges = append(charges, ch)
			}
		}
	}
	g.c.Admissions += len(adms)
	for _, step := range []struct {
		coll, stage string
		docs        []any
		weight      int
	}{{store.CollAdmissions, "admissions", adms, 2}, {store.CollIPDCharts, "vitals", charts, 1}, {store.CollIPDOrders, "ward orders", orders, 1},
		{store.CollIPDDoses, "MAR", doses, 0}, {store.CollLabOrders, "lab orders", labDocs, 1}} {
		if err := g.insert(step.coll, step.docs, step.stage, step.weight); err != nil {
			return err
		}
	}
	g.pr.add("MAR", len(adms)*14)
	if err := g.labBuckets(results); err != nil {
		return err
	}
	// The pharmacy's lines and ledger, then every charge with its ledger pages and account
	// totals, through billing's own bulk path.
	drugCharges, err := g.disp.store(g.ctx, supplied)
	if err != nil {
		return err
	}
	charges = append(charges, drugCharges...)
	g.c.Dispensed += len(supplied)
	if err := billing.BulkPost(g.ctx, g.db, charges); err != nil {
		return err
	}
	g.c.Charges += len(charges)
	g.pr.add("charges", len(charges))
	if err := g.claim(visits, byID, charges, nClaims); err != nil {
		return err
	}
	return g.pay(charges, nPay)
}

// opdOrder is the visit's line for a lab order it placed.
func opdOrder(o lab.Order, line int) opd.Order {
	return opd.Order{Line: line, Kind: "lab", Code: o.Code, Name: o.TestName, ServiceCode: o.ServiceCode, Priority: o.Priority,
		Status: o.Status, DocID: o.ID, By: o.OrderedBy, At: o.OrderedAt}
}

// insert writes docs in batches of 1,000, counting weight progress units a document.
func (g *gen) insert(coll string, docs []any, stage string, weight int) error {
	for i := 0; i < len(docs); i += 1000 {
		batch := docs[i:min(i+1000, len(docs))]
		if _, err := g.db.W.Collection(coll).InsertMany(g.ctx, batch); err != nil {
			return fmt.Errorf("generate: %s: %w", stage, err)
		}
		g.pr.add(stage, len(batch)*weight)
	}
	return nil
}

// labBuckets writes each patient's released results (newest first, capped as the lab
// store caps them) and their latest-value summary, as result release keeps them.
func (g *gen) labBuckets(results map[string][]lab.PatientResult) error {
	ids := make([]string, 0, len(results))
	for id := range results {
		ids = append(ids, id)
	}
	slices.Sort(ids) // map order is random: sorted keeps the run reproducible
	docs := make([]any, 0, 2*len(ids))
	for _, id := range ids {
		items := results[id]
		slices.SortStableFunc(items, func(a, b lab.PatientResult) int { return b.At.Compare(a.At) })
		items = items[:min(len(items), maxPatientResults)]
		docs = append(docs, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: int64(1)}, {Key: "items", Value: items}},
			bson.D{{Key: "_id", Value: lab.LatestID(id)}, {Key: "version", Value: int64(1)}, {Key: "items", Value: lab.Latest(items)}})
	}
	return g.insert(store.CollLabByPatient, docs, "lab results", 0)
}

// pay takes n payments on the chunk's accounts through the billing store (which keeps
// the account, its ledger and the cashier's day in step): most settle what the patient
// owes, some pay part of it.
func (g *gen) pay(charges []billing.Charge, n int) error {
	owed := map[string]int64{}
	last := map[string]time.Time{}
	var ids []string
	for _, ch := range charges {
		if _, ok := owed[ch.PatientID]; !ok {
			ids = append(ids, ch.PatientID)
		}
		owed[ch.PatientID] += ch.Gross()
		if ch.PostedAt.After(last[ch.PatientID]) {
			last[ch.PatientID] = ch.PostedAt
		}
	}
	for i := 0; i < n && len(ids) > 0; i++ {
		id := ids[g.r.IntN(len(ids))]
		amount := owed[id]
		if g.r.IntN(10) < 3 {
			amount /= 2
		}
		if amount <= 0 {
			continue
		}
		g.paid++
		in := billing.PaymentInput{Token: fmt.Sprintf("gen-%d-%07d", g.seed, g.paid), PatientID: id, Advance: true, Mode: billing.ModeCash,
			Amount: amount, By: "billing", Day: last[id].Format(opd.DateLayout)}
		if g.r.IntN(3) == 0 {
			in.Mode, in.Reference = billing.ModeUPI, fmt.Sprintf("UPI%d%09d", g.seed, g.paid)
		}
		if _, err := g.payments.Post(g.ctx, in); err != nil {
			return fmt.Errorf("generate: payment %d: %w", g.paid, err)
		}
		owed[id] -= amount
		g.c.Payments++
		g.pr.add("payments", 40)
	}
	return nil
}
