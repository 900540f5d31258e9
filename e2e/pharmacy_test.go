//go:build e2e

package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prescribe adds one drug on the consultation page.
func prescribe(t *testing.T, page playwright.Page, drug, dose, freq, days string) {
	t.Helper()
	choose(t, page, "Drug", drug)
	fill(t, page, "Dose", dose)
	choose(t, page, "Frequency", freq)
	fill(t, page, "Duration (days)", days)
	require.NoError(t, page.GetByTestId("prescribe").Click())
	require.NoError(t, expectVisible(page.GetByText("Prescribed.")))
}

// The pharmacy from prescription to restock: the doctor prescribes paracetamol, warfarin
// and aspirin in the OPD; the pharmacist sees the prescription arrive on the dispense
// queue, dispenses paracetamol from the first-expiring batch, is warned of the
// warfarin–aspirin interaction, dispenses half the warfarin (the rest stays pending),
// prints a label, then receives warfarin on a GRN and sees its low-stock alert clear.
func TestPharmacyFromPrescriptionToRestock(t *testing.T) {
	desk := newPage(t)
	login(t, desk, "frontdesk", demoPassword)
	openChart(t, desk, "Mohammed Iqbal")
	require.NoError(t, desk.GetByTestId("walk-in-link").Click())
	choose(t, desk, "Doctor", "doctor")
	require.NoError(t, desk.GetByTestId("check-in").Click())
	require.NoError(t, expectVisible(desk.GetByText(regexp.MustCompile(`Token \d+ — Mohammed Iqbal checked in`))))

	pharmacist := newPage(t)
	login(t, pharmacist, "pharmacist", demoPassword)
	require.Equal(t, "/pharmacy", urlPath(pharmacist.URL()))

	doctor := newPage(t)
	login(t, doctor, "doctor", demoPassword)
	require.NoError(t, doctor.GetByTestId("call-next").Click())
	require.NoError(t, doctor.WaitForURL(regexp.MustCompile(`/opd/visits/V\d+$`)))
	require.NoError(t, expectVisible(doctor.GetByTestId("patient-banner").GetByText("Mohammed Iqbal")))
	prescribe(t, doctor, "PARA500T", "500 mg", "TDS", "5")
	prescribe(t, doctor, "WARF5T", "5 mg", "OD", "10")
	prescribe(t, doctor, "ASP75T", "75 mg", "OD", "30")
	require.NoError(t, doctor.GetByTestId("complete-visit").Click())
	require.NoError(t, expectVisible(doctor.GetByText(regexp.MustCompile(`Visit completed: token \d+, Mohammed Iqbal`))))

	// The queue refreshes itself: the prescription appears without a reload.
	item := pharmacist.GetByTestId("queue-item").Filter(playwrightHasText("Mohammed Iqbal"))
	require.NoError(t, expectVisible(item))
	screenshot(t, pharmacist, "pharmacy-queue")
	require.NoError(t, item.GetByTestId("dispense-link").Click())
	require.NoError(t, pharmacist.WaitForURL(regexp.MustCompile(`/pharmacy/dispense/rx:V\d+$`)))
	dispenseURL := pharmacist.URL()

	orders := pharmacist.GetByTestId("dispense-order")
	para := orders.Filter(playwrightHasText("Paracetamol 500 mg"))
	warf := orders.Filter(playwrightHasText("Warfarin 5 mg"))
	asp := orders.Filter(playwrightHasText("Aspirin 75 mg"))

	// Checks shown again: aspirin with warfarin is a major interaction.
	require.NoError(t, expectVisible(asp.GetByTestId("dispense-warning").GetByText(regexp.MustCompile(`Major interaction: Aspirin with Warfarin`))))
	require.NoError(t, expectVisible(warf.GetByTestId("dispense-warning").GetByText(regexp.MustCompile(`Major interaction: Warfarin with Aspirin`))))

	// FEFO: the paracetamol batch that expires in 20 days is picked first.
	batch, err := para.GetByLabel("Batch (first expiry first)").InputValue()
	require.NoError(t, err)
	assert.Equal(t, "PARA500T-A1", batch, "the first-expiring batch is proposed")
	qty, err := para.GetByLabel("Quantity (tablet)").InputValue()
	require.NoError(t, err)
	assert.Equal(t, "15", qty, "the quantity is proposed from the prescription")
	screenshot(t, pharmacist, "pharmacy-dispense")
	require.NoError(t, para.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Dispense"}).Click())
	require.NoError(t, expectVisible(pharmacist.GetByText(regexp.MustCompile(`Dispensed 15 tablet of Paracetamol 500 mg from batch PARA500T-A1`))))
	require.NoError(t, expectVisible(para.GetByTestId("order-done")))

	// Bad input is refused next to the field; then a partial dispense of warfarin.
	require.NoError(t, warf.GetByLabel("Quantity (tablet)").Fill("2.5"))
	require.NoError(t, warf.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Dispense"}).Click())
	require.NoError(t, expectVisible(warf.GetByText("Enter a whole number of units")))
	require.NoError(t, warf.GetByLabel("Quantity (tablet)").Fill("5"))
	require.NoError(t, warf.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Dispense"}).Click())
	require.NoError(t, expectVisible(pharmacist.GetByText(regexp.MustCompile(`Dispensed 5 tablet of Warfarin`))))
	require.NoError(t, expect.Locator(warf.GetByTestId("pending")).ToHaveText("5"), "the rest stays pending")

	// A label per dispensed line, with the barcode the ward's MAR scans.
	line := pharmacist.GetByTestId("dispensed-line").Filter(playwrightHasText("Warfarin"))
	lineID, err := line.GetAttribute("data-line")
	require.NoError(t, err)
	require.NoError(t, line.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Label"}).Click())
	label := pharmacist.GetByTestId("label")
	require.NoError(t, expectVisible(label.GetByText("Mohammed Iqbal")))
	require.NoError(t, expectVisible(label.Locator(`svg[aria-label="Barcode `+lineID+`"]`)))
	screenshot(t, pharmacist, "pharmacy-label")

	// Back on the queue the prescription is partly dispensed.
	_, err = pharmacist.Goto(baseURL + "/pharmacy")
	require.NoError(t, err)
	require.NoError(t, expectVisible(item.GetByText("partial")))

	// Warfarin is below its reorder level; a GRN restocks it and the alert clears.
	_, err = pharmacist.Goto(baseURL + "/pharmacy/alerts")
	require.NoError(t, err)
	low := pharmacist.GetByTestId("alerts-low").Locator(`[data-drug="WARF5T"]`)
	require.NoError(t, expectVisible(low))
	screenshot(t, pharmacist, "pharmacy-alerts")
	_, err = pharmacist.Goto(baseURL + "/pharmacy/grn/new")
	require.NoError(t, err)
	fill(t, pharmacist, "Supplier", "Karnataka Pharma Distributors")
	fill(t, pharmacist, "Supplier invoice number", "KPD-2026-4471")
	row := pharmacist.GetByTestId("grn-line").First()
	_, err = row.GetByLabel("Drug").SelectOption(playwright.SelectOptionValues{Values: &[]string{"WARF5T"}})
	require.NoError(t, err)
	require.NoError(t, row.GetByLabel("Batch number").Fill("WF24E2E"))
	require.NoError(t, row.GetByLabel("Expiry").Fill(time.Now().AddDate(-1, 0, 0).Format("2006-01-02")))
	require.NoError(t, row.GetByLabel("Quantity (units)").Fill("200"))
	require.NoError(t, row.GetByLabel("Cost / unit (₹)").Fill("1.80"))
	require.NoError(t, row.GetByLabel("Price / unit (₹)").Fill("2.45"))
	require.NoError(t, pharmacist.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Receive into stock"}).Click())
	require.NoError(t, expectVisible(row.Locator(`[data-error="expiry_1"]`).GetByText("expired")), "an expired batch is refused")
	require.NoError(t, row.GetByLabel("Expiry").Fill(time.Now().AddDate(2, 0, 0).Format("2006-01-02")))
	require.NoError(t, pharmacist.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Receive into stock"}).Click())
	require.NoError(t, expectVisible(pharmacist.GetByText(regexp.MustCompile(`Received 1 batches on GRN\d+`))))
	_, err = pharmacist.Goto(baseURL + "/pharmacy/alerts")
	require.NoError(t, err)
	require.NoError(t, expectGone(low), "warfarin is no longer below its reorder level")

	// The rest of the warfarin can now be dispensed; the prescription leaves the queue
	// once aspirin is dispensed too.
	_, err = pharmacist.Goto(dispenseURL)
	require.NoError(t, err)
	require.NoError(t, warf.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Dispense"}).Click())
	require.NoError(t, expectVisible(warf.GetByTestId("order-done")))
	require.NoError(t, asp.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Dispense"}).Click())
	require.NoError(t, expectVisible(asp.GetByTestId("order-done")))
	_, err = pharmacist.Goto(baseURL + "/pharmacy")
	require.NoError(t, err)
	require.NoError(t, expectGone(item), "a fully dispensed prescription leaves the queue")
}
