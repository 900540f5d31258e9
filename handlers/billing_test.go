package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/billing"
	"hms/store/worklist"
)

var (
	billTokenRE = regexp.MustCompile(`name="token" value="([0-9a-f]{24})"`)
	invoiceRE   = regexp.MustCompile(`/billing/invoices/(INV-\d{7})`)
)

// charges posts a consultation and a lab charge for a demo patient, as the OPD and lab would.
func (e *env) charges(name, visit string) string {
	e.t.Helper()
	id := e.patientID(name)
	ctx := context.Background()
	for _, ch := range []billing.Charge{
		{ID: "visit:" + visit + ":consult", Encounter: visit, Department: "MED", ServiceCode: "CONS-GEN", Description: "Consultation", UnitPrice: 60000},
		{ID: "lab:" + visit + "-L1", Encounter: visit, Department: "LAB", ServiceCode: "LAB-CBC", Description: "Complete blood count", UnitPrice: 35000, TaxBP: 1200},
	} {
		ch.PatientID, ch.MRN, ch.Name, ch.EncounterKind, ch.Qty, ch.PostedBy = id, "", name, "opd", 1, "t"
		require.NoError(e.t, e.deps.Billing.Charges.Post(ctx, ch))
	}
	return id
}

func TestClerkInvoicesWithInsuranceAndTakesAPartialPayment(t *testing.T) {
	e := newEnv(t)
	id := e.charges("Ramesh Gowda", "V9000001") // New India Mediclaim: 90% cover, 10% co-pay
	clerk := e.as(handlers.RoleBillingClerk)

	status, body, _ := clerk.get("/billing")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Ramesh Gowda", "listed among accounts with unbilled charges")

	status, body, _ = clerk.get("/billing/accounts/" + id)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="encounter-V9000001"`)
	assert.Contains(t, body, "₹992.00", "600 + 350 + 12% tax on 350")

	status, body, _ = clerk.get("/billing/accounts/" + id + "/invoice?enc=V9000001")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "New India Mediclaim")
	form := url.Values{"encounter": {"V9000001"}, "charge": {"visit:V9000001:consult", "lab:V9000001-L1"}, "insurance": {"1"}}

	bad := url.Values{"discount": {"20%"}, "reason": {"staff"}}
	for k, v := range form {
		bad[k] = v
	}
	status, body, _ = clerk.post("/billing/accounts/"+id+"/invoices", bad)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "more than you may give", "a clerk may give up to 10%")
	bad.Set("discount", "10.005")
	status, body, _ = clerk.post("/billing/accounts/"+id+"/invoices", bad)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "three decimals")
	assert.Contains(t, body, "e.g. 1500")

	status, _, resp := clerk.post("/billing/accounts/"+id+"/invoices", form)
	require.Equal(t, http.StatusSeeOther, status)
	inv := invoiceRE.FindStringSubmatch(resp.Header.Get("Location"))[1]
	_, body, _ = clerk.get("/billing/invoices/" + inv)
	assert.Contains(t, body, "Rupees Nine Hundred Ninety-Two Only")
	assert.Contains(t, body, "₹803.52", "insurance 81% of 992.00")
	assert.Contains(t, body, "₹188.48", "the patient's share")

	// The invoice carries the member number sealed; the claim to the payer shows it whole.
	stored, err := e.deps.Billing.Invoices.ByID(context.Background(), inv)
	require.NoError(t, err)
	assert.Empty(t, stored.Policy.MemberNumber)
	assert.NotEmpty(t, stored.Policy.MemberSealed)
	assert.Equal(t, "2233", stored.Policy.MemberLast4)
	status, _, resp = clerk.post("/billing/invoices/"+inv+"/claim", url.Values{"diagnoses": {"J06.9"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = clerk.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "member NIA-77-112233")

	_, body, _ = clerk.get("/billing/accounts/" + id + "/pay?invoice=" + inv)
	tok := billTokenRE.FindStringSubmatch(body)[1]
	pay := func(amount string) (int, string, *http.Response) {
		return clerk.post("/billing/accounts/"+id+"/payments", url.Values{"token": {tok}, "invoice": {inv}, "amount": {amount}, "mode": {"cash"}})
	}
	for _, a := range []string{"-5", "100.001", "188.49", "0"} {
		status, _, _ = pay(a)
		assert.Equal(t, http.StatusUnprocessableEntity, status, a)
	}
	var wg sync.WaitGroup
	for range 5 { // a double (and quintuple) click
		wg.Add(1)
		go func() { defer wg.Done(); status, _, _ := pay("100"); assert.Equal(t, http.StatusSeeOther, status) }()
	}
	wg.Wait()
	status, body, _ = clerk.get("/billing/payments/PAY-" + tok)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "RCT-0000001")
	assert.Contains(t, body, "Rupees One Hundred Only")
	_, body, _ = clerk.get("/billing/accounts/" + id)
	assert.Contains(t, body, "₹892.00", "paid once: 992 − 100")
	require.NoError(t, e.deps.Billing.Check(context.Background(), id))

	status, _, _ = clerk.post("/billing/invoices/"+inv+"/cancel", url.Values{"reason": {"wrong plan"}})
	assert.Equal(t, http.StatusForbidden, status, "only a supervisor cancels")
	sup := e.as(handlers.RoleBillingSupervisor)
	sup.get("/billing/invoices/" + inv)
	status, _, _ = sup.post("/billing/invoices/"+inv+"/cancel", url.Values{"reason": {"wrong plan"}})
	require.Equal(t, http.StatusSeeOther, status)
	tok2 := billing.NewToken()
	status, body, _ = clerk.post("/billing/accounts/"+id+"/payments", url.Values{"token": {tok2}, "invoice": {inv}, "amount": {"10"}, "mode": {"cash"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status, "paying a cancelled invoice")
	assert.Contains(t, body, "cancelled")
}

func TestBillingPagesNeedTheBillingDesk(t *testing.T) {
	e := newEnv(t)
	id := e.charges("Rajesh Sharma", "V9000002")
	for _, r := range []handlers.Role{handlers.RoleNurse, handlers.RoleDoctor, handlers.RolePatient} {
		status, _, _ := e.as(r).get("/billing/accounts/" + id)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusSeeOther}, status, r)
	}
	status, _, _ := e.as(handlers.RoleFrontDesk).get("/billing/accounts/" + id + "/pay?advance=1")
	assert.Equal(t, http.StatusOK, status, "the front desk takes payments")
}

func TestFinalBillTakesADischargeOffTheDeskList(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.patientID("Anil Kumar")
	require.NoError(t, e.deps.Billing.Charges.Post(ctx, billing.Charge{ID: "bed:A0000001:2026-11-26", PatientID: id, MRN: "x", Name: "Anil Kumar",
		Encounter: "A0000001", EncounterKind: "ipd", Department: "WARD", ServiceCode: "BED-GEN", Description: "General ward bed", Qty: 1, UnitPrice: 150000, PostedBy: "t"}))
	lists := worklist.New(e.db)
	require.NoError(t, lists.Add(ctx, worklist.BillingDischarge, worklist.Item{ID: "adm:A0000001", Kind: worklist.KindDischarge, Ref: "A0000001",
		PatientID: id, MRN: "x", Name: "Anil Kumar", Where: "Ward W1 · bed 3"}))
	clerk := e.as(handlers.RoleBillingClerk)
	_, body, _ := clerk.get("/billing")
	assert.Contains(t, body, "Ward W1 · bed 3", "awaiting the final bill")
	_, body, _ = clerk.get("/billing/accounts/" + id + "/invoice?enc=A0000001")
	assert.Contains(t, body, "General ward bed")
	status, _, _ := clerk.post("/billing/accounts/"+id+"/invoices", url.Values{"encounter": {"A0000001"}, "charge": {"bed:A0000001:2026-11-26"}})
	require.Equal(t, http.StatusSeeOther, status)
	items, _, err := lists.Items(ctx, worklist.BillingDischarge)
	require.NoError(t, err)
	assert.Empty(t, items)
}
