//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consultWalkIn has the front desk check Rajesh Sharma (MRN 100001, severe penicillin
// allergy) in as a walk-in to the demo doctor, through the chart's check-in form.
func consultWalkIn(t *testing.T) {
	t.Helper()
	page := newPage(t)
	login(t, page, "frontdesk", demoPassword)
	search(t, page, "100001")
	require.NoError(t, expectVisible(page.GetByTestId("search-results").GetByText("Rajesh Sharma")))
	require.NoError(t, page.GetByLabel("Find a patient").Press("Enter"))
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}$`)))
	require.NoError(t, page.GetByTestId("walk-in-link").Click())
	choose(t, page, "Doctor", "doctor")
	fill(t, page, "Complaint (optional)", "Headache and giddiness for a week")
	require.NoError(t, page.GetByTestId("check-in").Click())
	require.NoError(t, expectVisible(page.GetByText(regexp.MustCompile(`Token \d+ — Rajesh Sharma checked in`))))
}

// The doctor calls the next patient, writes a SOAP note with an ICD-10 diagnosis,
// prescribes amoxicillin to a penicillin-allergic patient and must acknowledge the
// warning, orders a lab test, prints the prescription and completes the visit.
func TestConsultFromCallNextToComplete(t *testing.T) {
	consultWalkIn(t)

	page := newPage(t)
	login(t, page, "doctor", demoPassword)
	require.Equal(t, "/opd", urlPath(page.URL()))
	queue := page.GetByTestId("opd-queue")
	require.NoError(t, expectVisible(queue.GetByText("Rajesh Sharma")))
	screenshot(t, page, "opd-queue")

	require.NoError(t, page.GetByTestId("call-next").Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/opd/visits/V\d+$`)))
	visitURL := page.URL()
	banner, err := page.GetByTestId("patient-banner").InnerText()
	require.NoError(t, err)
	assert.Contains(t, banner, "Rajesh Sharma")
	assert.Contains(t, banner, "Penicillin")

	// SOAP note, saved as a draft.
	fill(t, page, "Subjective", "Headache and giddiness for a week. No chest pain.")
	fill(t, page, "Objective", "BP 168/102 (repeat), otherwise unremarkable.")
	fill(t, page, "Assessment", "Essential hypertension, newly diagnosed.")
	fill(t, page, "Plan", "Start treatment, lifestyle advice, review in 2 weeks.")
	require.NoError(t, page.GetByTestId("save-note").Click())
	require.NoError(t, expectVisible(page.GetByText("Note saved as a draft.")))

	// Diagnosis from the ICD-10 search.
	box := page.GetByLabel("Search ICD-10 (code or words)")
	require.NoError(t, box.PressSequentially("hypertension", playwright.LocatorPressSequentiallyOptions{Delay: playwright.Float(20)}))
	require.NoError(t, page.GetByTestId("icd-I10").Click())
	require.NoError(t, expectVisible(page.GetByTestId("dx-I10")))

	// Amoxicillin to a penicillin-allergic patient: warned, nothing prescribed yet.
	choose(t, page, "Drug", "AMOX500C")
	fill(t, page, "Dose", "500 mg")
	choose(t, page, "Frequency", "TDS")
	fill(t, page, "Duration (days)", "5")
	require.NoError(t, expect.Locator(page.GetByTestId("rx-quantity")).ToHaveText("15 capsule"), "the quantity is computed as the doctor types")
	fill(t, page, "Instructions", "After food")
	require.NoError(t, page.GetByTestId("prescribe").Click())
	warning := page.GetByTestId("rx-warning-allergy")
	require.NoError(t, expectVisible(warning))
	text, err := warning.InnerText()
	require.NoError(t, err)
	assert.Contains(t, text, "Allergy to Penicillin")
	dose, err := page.GetByLabel("Dose", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).InputValue()
	require.NoError(t, err)
	assert.Equal(t, "500 mg", dose, "the entries are kept")
	rows, err := page.GetByTestId("rx-table").GetByText("Amoxicillin").Count()
	require.NoError(t, err)
	assert.Zero(t, rows, "nothing is prescribed before the warning is acknowledged")
	require.NoError(t, warning.ScrollIntoViewIfNeeded())
	screenshot(t, page, "consult-allergy-warning")

	require.NoError(t, page.GetByLabel("I have reviewed this warning and prescribe anyway").Check())
	require.NoError(t, page.GetByTestId("prescribe").Click())
	require.NoError(t, expectVisible(page.GetByText("Prescribed.")))
	require.NoError(t, expectVisible(page.GetByTestId("rx-table").GetByText("Allergy warning, by doctor")))

	// A lab test from the catalogue.
	choose(t, page, "Lab test", "HB")
	choose(t, page, "Lab priority", "urgent")
	require.NoError(t, page.GetByTestId("order-lab").Click())
	require.NoError(t, expectVisible(page.GetByText("Lab test ordered.")))
	require.NoError(t, expectVisible(page.GetByTestId("order-table").GetByText("Haemoglobin")))
	_, err = page.Goto(visitURL)
	require.NoError(t, err)
	screenshot(t, page, "consult")

	// The printable prescription.
	require.NoError(t, page.GetByTestId("print-rx").Click())
	require.NoError(t, expectVisible(page.GetByTestId("prescription")))
	rx, err := page.GetByTestId("prescription").InnerText()
	require.NoError(t, err)
	assert.Contains(t, rx, "Amoxicillin 500 mg capsule")
	assert.Contains(t, rx, "KMC-48213")
	assert.Contains(t, rx, "Rajesh Sharma")
	screenshot(t, page, "consult-prescription")
	_, err = page.Goto(visitURL)
	require.NoError(t, err)

	// Complete: back to the queue, where the patient is no longer waiting.
	require.NoError(t, page.GetByTestId("complete-visit").Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/opd$`)))
	require.NoError(t, expectVisible(page.GetByText(regexp.MustCompile(`Visit completed: token \d+, Rajesh Sharma`))))
	row := page.GetByTestId("opd-queue").Locator(`li`, playwright.LocatorLocatorOptions{HasText: "Rajesh Sharma"})
	require.NoError(t, expect.Locator(row).ToHaveAttribute("data-state", "completed"))
	waiting, err := page.GetByTestId("opd-queue").Locator(`li[data-state="waiting"], li[data-state="vitals_done"]`).Count()
	require.NoError(t, err)
	assert.Zero(t, waiting)

	// A second Complete (another tab) says so plainly.
	_, err = page.Goto(visitURL)
	require.NoError(t, err)
	require.NoError(t, expectVisible(page.GetByTestId("completed")))

	// Another doctor cannot open this doctor's patient.
	other := newPage(t)
	login(t, other, "dr.rao", demoPassword)
	resp, err := other.Goto(visitURL)
	require.NoError(t, err)
	assert.Equal(t, 403, resp.Status())
	body, err := other.Locator("body").InnerText()
	require.NoError(t, err)
	assert.NotContains(t, body, "Rajesh")
}
