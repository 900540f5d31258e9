package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/opd"
	"hms/store/pharmacy"
)

var (
	bedOptionRE  = regexp.MustCompile(`<option value="([A-Z]+-\d+)">`)
	slotStartRE  = regexp.MustCompile(`name="start" value="([^"]+)"`)
	visitParamRE = regexp.MustCompile(`[?&]visit=(V\d+)`)
)

// contenders is how many clerks race for each single thing (a bed, a slot, a reference);
// doubleClicks is how often one form is submitted at once.
const (
	contenders   = 40
	doubleClicks = 100
	stockUnits   = 5 // the batch's last units; one unit is asked for per dispense
	dispensers   = 20
	payRace      = 200 // payment forms carrying one UPI reference
)

// Every invariant the workflows promise, proven over HTTP against the real server: many
// requests at the same moment, then the database read back for exact counts, and every
// consistency check passing afterwards.
func TestConcurrencyInvariantsOverHTTP(t *testing.T) {
	dir := t.TempDir()
	// The invariants are counts, not latency: on a loaded 2-core machine a -race server can
	// keep a request waiting for the embedded engine's one connection past the default 5 s,
	// and its clear 503 would hide whether the write happened once.
	srv, addr := startServer(t, dir, "HMS_DB_TIMEOUT=60s")
	desk := signIn(t, addr, "frontdesk")

	// the patients who race: registered in parallel by several clerks
	pids := make([]string, contenders)
	mrns := make([]string, contenders)
	clerks := []*clerk{desk, signIn(t, addr, "frontdesk"), signIn(t, addr, "frontdesk"), signIn(t, addr, "frontdesk")}
	regs := burst(contenders, func(i int) answer {
		return clerks[i%len(clerks)].send("/patients", registration(newToken(32), fmt.Sprintf("Race%c%c", 'a'+i/26, 'a'+i%26), i))
	})
	for i, a := range regs {
		require.NoError(t, a.err)
		require.True(t, a.status == http.StatusSeeOther && chartPathRE.MatchString(a.location), "registration %d: %d %.300s", i, a.status, a.body)
		pids[i] = strings.TrimPrefix(a.location, "/patients/")
		m := mrnRE.FindStringSubmatch(desk.page(t, a.location))
		require.NotNil(t, m, "the chart shows the MRN")
		mrns[i] = m[1]
	}

	// double-clicked submit: one registration form (one token) sent many times at once
	regToken := newToken(32)
	dbl := burst(doubleClicks, func(i int) answer {
		return clerks[i%len(clerks)].send("/patients", registration(regToken, "Doubleclick", 500))
	})
	charts := map[string]bool{}
	won, _ := tally(t, "registration double-click", "patient answered", dbl,
		func(a answer) bool {
			charts[a.location] = true
			return a.status == http.StatusSeeOther && chartPathRE.MatchString(a.location)
		},
		func(answer) bool { return false })
	require.Equal(t, doubleClicks, won, "every click lands on the patient's chart")
	require.Len(t, charts, 1, "and it is the same chart")

	// OPD tokens: every patient walks in to the same doctor at once
	walk := burst(contenders, func(i int) answer {
		return clerks[i%len(clerks)].send("/patients/"+pids[i]+"/check-in", url.Values{"token": {newToken(32)}, "doctor": {"doctor"}, "complaint": {"Fever"}})
	})
	visits := make([]string, contenders)
	won, _ = tally(t, "OPD walk-ins", "checked in", walk,
		func(a answer) bool { return a.status == http.StatusSeeOther && visitParamRE.MatchString(a.location) },
		func(answer) bool { return false })
	require.Equal(t, contenders, won)
	for i, a := range walk {
		visits[i] = visitParamRE.FindStringSubmatch(a.location)[1]
	}

	// the same appointment slot, booked for every patient at once
	start, date := freeSlot(t, desk, pids[0])
	book := burst(contenders, func(i int) answer {
		return clerks[i%len(clerks)].send("/patients/"+pids[i]+"/appointments",
			url.Values{"doctor": {"doctor"}, "date": {date}, "start": {start}, "reason": {"Review"}})
	})
	won, refused := tally(t, "same appointment slot", "booking", book,
		func(a answer) bool { return a.status == http.StatusSeeOther },
		func(a answer) bool {
			return a.status == http.StatusUnprocessableEntity && strings.Contains(a.body, "Slot just taken")
		})
	require.Equal(t, 1, won)
	require.Equal(t, contenders-1, refused)

	// the last free bed: every patient admitted into the same bed at once
	adm := signIn(t, addr, "admissions")
	m := bedOptionRE.FindStringSubmatch(adm.page(t, "/admissions/new?mrn="+mrns[0]))
	require.NotNil(t, m, "a free bed is offered")
	bed := m[1]
	admits := burst(contenders, func(i int) answer {
		return adm.send("/admissions", url.Values{"mrn": {mrns[i]}, "source": {"direct"}, "doctor": {"doctor"}, "department": {"MED"},
			"diagnosis": {"Pneumonia"}, "reason": {"Oxygen"}, "expected_days": {"3"}, "bed": {bed}})
	})
	won, refused = tally(t, "last free bed "+bed, "admission", admits,
		func(a answer) bool {
			return a.status == http.StatusSeeOther && strings.HasPrefix(a.location, "/ward/adm/")
		},
		func(a answer) bool {
			return a.status == http.StatusUnprocessableEntity && strings.Contains(a.body, "This bed was just taken by another admission")
		})
	require.Equal(t, 1, won)
	require.Equal(t, contenders-1, refused)

	// the last units of a batch: a batch of stockUnits, dispensed against dispensers
	// prescriptions at once, one unit each
	batch := "LAST-" + strings.ToUpper(newToken(6))
	sk := signIn(t, addr, "storekeeper")
	sk.page(t, "/pharmacy/grn/new")
	a := sk.send("/pharmacy/grn", url.Values{"supplier": {"Karnataka Pharma"}, "drug_1": {"PARA500T"}, "batch_1": {batch},
		"expiry_1": {time.Now().AddDate(1, 0, 0).Format("2006-01-02")}, "qty_1": {fmt.Sprint(stockUnits)}, "cost_1": {"0.80"}, "price_1": {"1.20"}})
	require.Equal(t, http.StatusSeeOther, a.status, "GRN: %.400s", a.body)
	doc := signIn(t, addr, "doctor")
	for _, v := range visits[:dispensers] {
		base := "/opd/visits/" + v
		require.Equal(t, http.StatusSeeOther, doc.send(base+"/call", nil).status, "call %s", v)
		a := doc.send(base+"/prescriptions", url.Values{"drug": {"PARA500T"}, "dose": {"500 mg"}, "units_per_dose": {"1"},
			"frequency": {"OD"}, "duration_days": {"1"}})
		require.Equal(t, http.StatusSeeOther, a.status, "prescribe %s: %.400s", v, a.body)
		a = doc.send(base+"/complete", url.Values{})
		require.Equal(t, http.StatusSeeOther, a.status, "complete %s: %.400s", v, a.body)
	}
	ph := signIn(t, addr, "pharmacist")
	disp := burst(dispensers, func(i int) answer {
		item := opd.PharmacyItemID(visits[i])
		return ph.send("/pharmacy/dispense/"+item, url.Values{"order": {pharmacy.SupplyID(visits[i], 1)}, "n": {"1"},
			"batch_1": {batch}, "qty_1": {"1"}, "brand_1": {""}})
	})
	won, refused = tally(t, "last stock units of "+batch, "dispense", disp,
		func(a answer) bool { return a.status == http.StatusSeeOther },
		func(a answer) bool {
			return a.status == http.StatusConflict && strings.Contains(a.body, "Someone may have just dispensed its last units")
		})
	require.Equal(t, stockUnits, won, "exactly the units in stock are dispensed")
	require.Equal(t, dispensers-stockUnits, refused)

	// the same UPI reference on many payment forms at once, and one form clicked many times
	bill := signIn(t, addr, "billing")
	ref := "UPI" + newToken(12)
	pays := burst(payRace, func(i int) answer {
		return bill.send("/billing/accounts/"+pids[i%4]+"/payments", url.Values{"token": {newToken(24)}, "advance": {"1"},
			"amount": {"250"}, "mode": {"upi"}, "reference": {ref}})
	})
	won, refused = tally(t, "same payment reference", "payment", pays,
		func(a answer) bool { return a.status == http.StatusSeeOther },
		func(a answer) bool {
			return a.status == http.StatusUnprocessableEntity && strings.Contains(a.body, "This reference has already been used for a payment.")
		})
	require.Equal(t, 1, won)
	require.Equal(t, payRace-1, refused)
	payToken := newToken(24)
	clicks := burst(doubleClicks, func(int) answer {
		return bill.send("/billing/accounts/"+pids[5]+"/payments", url.Values{"token": {payToken}, "advance": {"1"},
			"amount": {"300"}, "mode": {"card"}, "reference": {"CARD-" + payToken}})
	})
	won, _ = tally(t, "payment double-click", "receipt answered", clicks,
		func(a answer) bool {
			return a.status == http.StatusSeeOther && a.location == "/billing/payments/PAY-"+payToken
		},
		func(answer) bool { return false })
	require.Equal(t, doubleClicks, won, "every click lands on the one receipt")

	// stop the server, then count what was stored
	require.NoError(t, srv.Process.Signal(syscall.SIGTERM))
	require.NoError(t, srv.Wait())
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: dir})
	require.NoError(t, err)
	count := func(coll string, filter bson.M) int64 {
		n, err := db.R.Collection(coll).CountDocuments(ctx, filter)
		require.NoError(t, err)
		return n
	}
	assert.EqualValues(t, 1, count(store.CollPatients, bson.M{"given": "Doubleclick"}), "one patient from %d clicks", doubleClicks)
	var vs []struct {
		Token int64 `bson:"token"`
	}
	cur, err := db.R.Collection(store.CollVisits).Find(ctx, bson.M{"patient_id": bson.M{"$in": pids}})
	require.NoError(t, err)
	require.NoError(t, cur.All(ctx, &vs))
	tokens := make([]int64, 0, len(vs))
	for _, v := range vs {
		tokens = append(tokens, v.Token)
	}
	slices.Sort(tokens)
	require.Len(t, tokens, contenders, "one visit per walk-in")
	assert.Len(t, slices.Compact(slices.Clone(tokens)), contenders, "distinct tokens")
	assert.EqualValues(t, contenders-1, tokens[len(tokens)-1]-tokens[0], "consecutive tokens: %v", tokens)
	t.Logf("OPD tokens: %d walk-ins got tokens %d…%d, distinct and consecutive", len(tokens), tokens[0], tokens[len(tokens)-1])
	assert.EqualValues(t, 1, count(store.CollAppointments, bson.M{"patient_id": bson.M{"$in": pids}}), "one appointment in the slot")
	assert.EqualValues(t, 1, count(store.CollAdmissions, bson.M{"patient_id": bson.M{"$in": pids}}), "one admission")
	assert.EqualValues(t, 1, count(store.CollAdmissions, bson.M{"bed": bed}), "one admission in bed %s", bed)
	assert.EqualValues(t, stockUnits, count(store.CollDispenseLines, bson.M{"batch_no": batch}), "one dispense line per unit in stock")
	var b struct {
		Qty int64 `bson:"qty"`
	}
	require.NoError(t, db.R.Collection(store.CollBatches).FindOne(ctx, bson.M{"_id": batch}).Decode(&b))
	assert.Zero(t, b.Qty, "the batch is empty, not negative")
	assert.EqualValues(t, 1, count(store.CollPayments, bson.M{"reference": ref}), "one payment with the reference")
	assert.EqualValues(t, 1, count(store.CollPayments, bson.M{"patient_id": pids[5]}), "one payment from %d clicks", doubleClicks)
	require.NoError(t, db.Close(ctx))

	out, err := command(dir, freeAddr(t), "check").CombinedOutput()
	require.NoError(t, err, "web check after the bursts:\n%s", out)
	require.Contains(t, string(out), "0 problem(s) found")
}

// registration is the new-patient form.
func registration(token, given string, i int) url.Values {
	return url.Values{"token": {token}, "given": {given}, "family": {"Concurrent"}, "sex": {"F"},
		"dob": {fmt.Sprintf("19%02d-03-1%d", 50+i%40, i%10)}, "phone": {fmt.Sprintf("97%08d", 10000+i)}, "allergy_status": {"nka"}}
}

// freeSlot finds the demo doctor's first free slot on one of the next days.
func freeSlot(t *testing.T, c *clerk, pid string) (start, date string) {
	loc, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	for d := 1; d <= 7; d++ {
		date = time.Now().In(loc).AddDate(0, 0, d).Format(opd.DateLayout)
		_, body, err := c.get("/patients/" + pid + "/book?doctor=doctor&date=" + date)
		require.NoError(t, err)
		if m := slotStartRE.FindStringSubmatch(body); m != nil {
			return m[1], date
		}
	}
	t.Fatal("the demo doctor has no free slot in the next week")
	return "", ""
}
