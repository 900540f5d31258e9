package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store"
	"hms/store/billing"
	"hms/store/opd"
	"hms/store/pharmacy"
	"hms/store/worklist"
)

// prescribedVisit completes a consultation of name with the given drugs prescribed and
// returns the pharmacy worklist item it created.
func prescribedVisit(t *testing.T, e *env, name string, drugs ...opd.RxInput) string {
	doc, v, base := calledIn(t, e, name)
	ctx := context.Background()
	for _, rx := range drugs {
		_, err := e.app.OPD.AddPrescription(ctx, v.ID, rx, "doctor")
		require.NoError(t, err)
	}
	status, body, _ := doc.post(base+"/complete", url.Values{})
	require.Equal(t, http.StatusSeeOther, status, body)
	return opd.PharmacyItemID(v.ID)
}

func TestPharmacistDispensesFromTheQueueWithChecksAndLabel(t *testing.T) {
	e := newEnv(t)
	item := prescribedVisit(t, e, "Anil Kumar",
		opd.RxInput{DrugCode: "WARF5T", Dose: "5 mg", Frequency: "OD", DurationDays: 10},
		opd.RxInput{DrugCode: "ASP75T", Dose: "75 mg", Frequency: "OD", DurationDays: 30})
	ph := e.as(handlers.RolePharmacist)
	status, body, _ := ph.get("/pharmacy")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Anil Kumar")
	assert.Contains(t, body, "/pharmacy/dispense/"+item)

	status, body, _ = ph.get("/pharmacy/dispense/" + item)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Major interaction: Aspirin with Warfarin")
	assert.Contains(t, body, `value="WARF5T-A1" selected`, "the first-expiring batch is proposed")
	status, body, _ = ph.post("/pharmacy/dispense/"+item, url.Values{"order": {pharmacy.SupplyID(item[3:], 1)}, "n": {"1"},
		"batch_1": {"WARF5T-A1"}, "qty_1": {"4"}, "brand_1": {""}})
	require.Equal(t, http.StatusSeeOther, status, body)

	// the line, its charge and its label
	_, body, _ = ph.get("/pharmacy/dispense/" + item)
	assert.Contains(t, body, "Dispensed 4 tablet of Warfarin")
	line, err := e.app.Pharmacy.Line(context.Background(), "D00000001")
	require.NoError(t, err)
	assert.Equal(t, e.patientID("Anil Kumar"), line.PatientID)
	assert.Equal(t, item[3:]+":1", line.OrderRef)
	ch, err := billing.NewCharges(e.db).ByID(context.Background(), pharmacy.ChargeID(line.ID))
	require.NoError(t, err)
	assert.EqualValues(t, 4*line.UnitPrice, ch.Amount)
	status, body, _ = ph.get("/pharmacy/lines/" + line.ID + "/label")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `aria-label="Barcode D00000001"`)
	assert.Contains(t, body, "5 mg once a day for 10 days")
	it, err := worklist.New(e.db).Get(context.Background(), worklist.Pharmacy, item)
	require.NoError(t, err)
	assert.Equal(t, pharmacy.ItemPartial, it.Status)

	// a return reverses the charge and puts the units back
	status, body, _ = ph.post("/pharmacy/lines/"+line.ID+"/return", url.Values{"return_qty_" + line.ID: {"9"}, "return_reason_" + line.ID: {"unopened"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "only 4 of this line may be returned")
	status, _, _ = ph.post("/pharmacy/lines/"+line.ID+"/return", url.Values{"return_qty_" + line.ID: {"4"}, "return_reason_" + line.ID: {"patient has stock at home"}})
	require.Equal(t, http.StatusSeeOther, status)
	ch, _ = billing.NewCharges(e.db).ByID(context.Background(), pharmacy.ChargeID(line.ID))
	assert.Equal(t, billing.ChargeReversed, ch.Status)
}

func TestDoubleSubmittedDispenseIsDispensedOnce(t *testing.T) {
	e := newEnv(t)
	item := prescribedVisit(t, e, "Priya Nair", opd.RxInput{DrugCode: "PARA500T", Dose: "500 mg", Frequency: "TDS", DurationDays: 5})
	ph := e.as(handlers.RolePharmacist)
	ph.get("/pharmacy/dispense/" + item)
	form := func() url.Values {
		return url.Values{"order": {pharmacy.SupplyID(item[3:], 1)}, "n": {"1"}, "batch_1": {"PARA500T-A1"}, "qty_1": {"15"}}
	}
	var wg sync.WaitGroup
	statuses := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _, _ := ph.post("/pharmacy/dispense/"+item, form())
			statuses <- s
		}()
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for s := range statuses {
		if s == http.StatusSeeOther {
			ok++
		} else {
			assert.Equal(t, http.StatusUnprocessableEntity, s)
		}
	}
	assert.Equal(t, 1, ok, "one of eight identical submissions dispenses")
	b, err := e.app.Pharmacy.Batch(context.Background(), "PARA500T-A1")
	require.NoError(t, err)
	rep, err := e.app.Pharmacy.CheckLedger(context.Background())
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.EqualValues(t, 2000-15, b.Qty, "15 taken once from the 2,000 received")
}

func TestGRNRefusesBadInputAndStoresNothing(t *testing.T) {
	e := newEnv(t)
	sk := e.as(handlers.RoleStoreKeeper)
	sk.get("/pharmacy/grn/new")
	next := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	good := url.Values{"supplier": {"Karnataka Pharma"}, "drug_1": {"PARA500T"}, "batch_1": {"NEW-1"}, "expiry_1": {next},
		"qty_1": {"100"}, "cost_1": {"0.80"}, "price_1": {"1.20"}}
	cases := []struct{ name, field, value, want, errField string }{
		{"negative quantity", "qty_1", "-5", "whole number", "qty_1"},
		{"fractional quantity", "qty_1", "2.5", "whole number", "qty_1"},
		{"three decimals", "price_1", "1.234", "at most two decimals", "price_1"},
		{"past expiry", "expiry_1", "2020-01-31", "expired", "expiry_1"},
		{"batch of another drug", "batch_1", "WARF5T-A1", "already used for another drug", "batch_1"},
		{"markup in the supplier", "supplier", "<script>alert(1)</script>", "may not contain", "supplier"},
	}
	for _, tc := range cases {
		form := url.Values{}
		for k, v := range good {
			form[k] = v
		}
		form.Set(tc.field, tc.value)
		status, body, _ := sk.post("/pharmacy/grn", form)
		assert.Equal(t, http.StatusUnprocessableEntity, status, tc.name)
		assert.Contains(t, body, tc.want, tc.name)
		assert.Contains(t, body, `data-error="`+tc.errField+`"`, tc.name)
		assert.NotContains(t, body, "<script>alert(1)</script>", tc.name)
		_, err := e.app.Pharmacy.Batch(context.Background(), "NEW-1")
		assert.ErrorIs(t, err, store.ErrNotFound, "%s: nothing stored", tc.name)
	}
	status, body, _ := sk.post("/pharmacy/grn", good)
	require.Equal(t, http.StatusSeeOther, status, body)
	b, err := e.app.Pharmacy.Batch(context.Background(), "NEW-1")
	require.NoError(t, err)
	assert.EqualValues(t, 100, b.Qty)
	assert.EqualValues(t, 120, b.Price)

	// a storekeeper adjusts stock but does not dispense
	status, _, _ = sk.post("/pharmacy/batches/NEW-1/adjust", url.Values{"direction": {"out"}, "qty": {"101"}, "reason": {"damage"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "never below zero")
	status, _, _ = sk.post("/pharmacy/batches/NEW-1/adjust", url.Values{"direction": {"out"}, "qty": {"3"}, "reason": {"damage"}, "note": {"strip torn"}})
	assert.Equal(t, http.StatusSeeOther, status)
	_, body, _ = sk.get("/pharmacy/batches/NEW-1")
	assert.Contains(t, body, "damage: strip torn")
	status, _, _ = sk.get("/pharmacy/dispense/rx:V0000001")
	assert.Equal(t, http.StatusForbidden, status)
}

func TestAlertsShowLowExpiringAndExpiredStock(t *testing.T) {
	e := newEnv(t)
	status, body, _ := e.as(handlers.RolePharmacist).get("/pharmacy/alerts")
	require.Equal(t, http.StatusOK, status)
	assert.Regexp(t, `data-testid="alerts-low"[\s\S]*data-drug="WARF5T"[\s\S]*data-testid="alerts-expired"`, body, "warfarin is below its reorder level")
	assert.Regexp(t, `data-testid="alerts-expired"[\s\S]*AMOX500C-A1[\s\S]*data-testid="alerts-in30"`, body, "the expired amoxicillin batch")
	assert.Regexp(t, `data-testid="alerts-in30"[\s\S]*PARA500T-A1[\s\S]*data-testid="alerts-in60"`, body, "paracetamol expiring in 20 days")
}

func TestDrugMasterEditAndInteractions(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	status, body, _ := admin.get("/pharmacy/drugs/WARF5T/edit")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `value="Warfarin"`)
	form := url.Values{"generic": {"Warfarin"}, "brands": {"Warf, Uniwarfin"}, "form": {"tablet"}, "strength": {"5 mg"},
		"route": {"oral"}, "atc": {"B01AA03"}, "unit": {"tablet"}, "pack_size": {"30"}, "reorder_level": {"-1"}, "controlled": {""}}
	status, body, _ = admin.post("/pharmacy/drugs/WARF5T", form)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="reorder_level"`)
	form.Set("reorder_level", "40")
	status, _, _ = admin.post("/pharmacy/drugs/WARF5T", form)
	require.Equal(t, http.StatusSeeOther, status)
	d, err := e.app.Catalog.Drug(context.Background(), "WARF5T")
	require.NoError(t, err)
	assert.Equal(t, []string{"Warf", "Uniwarfin"}, d.Brands)
	assert.Equal(t, 40, d.ReorderLevel)

	admin.get("/pharmacy/drugs/interactions")
	status, body, _ = admin.post("/pharmacy/interactions", url.Values{"a": {"Warfarin"}, "b": {"Omeprazole"}, "severity": {"minor"}, "note": {"<b>x</b>"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="note"`)
	status, _, _ = admin.post("/pharmacy/interactions", url.Values{"a": {"Warfarin"}, "b": {"Omeprazole"}, "severity": {"minor"}, "note": {"May raise INR slightly."}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = e.as(handlers.RolePharmacist).get("/pharmacy/interactions")
	assert.Contains(t, body, "May raise INR slightly.")
	status, _, _ = e.as(handlers.RolePharmacist).post("/pharmacy/interactions", url.Values{"a": {"Warfarin"}})
	assert.Equal(t, http.StatusForbidden, status, "pharmacists read the interaction list; the formulary editor changes it")
}
