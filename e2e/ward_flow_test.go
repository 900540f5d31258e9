//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tabletPage is a page on a portrait ward tablet.
func tabletPage(t *testing.T, user string) playwright.Page {
	t.Helper()
	page := newPage(t)
	require.NoError(t, page.SetViewportSize(768, 1024))
	login(t, page, user, demoPassword)
	return page
}

// The whole stay on a 768×1024 tablet: the doctor admits Mohammed Iqbal from his OPD
// visit, the tile appears on the ward board, the doctor orders a medicine, the nurse
// acknowledges it and goes to give it (the MAR insists on a dispensed item's barcode),
// charts vitals, the patient moves to another ward, and is discharged with a signed
// summary; his bed goes to cleaning only when he has left.
func TestWardStayFromAdmissionToDischarge(t *testing.T) {
	// An OPD visit to admit from.
	desk := newPage(t)
	login(t, desk, "frontdesk", demoPassword)
	search(t, desk, "100005")
	require.NoError(t, expectVisible(desk.GetByTestId("search-results").GetByText("Mohammed Iqbal")))
	require.NoError(t, desk.GetByLabel("Find a patient").Press("Enter"))
	require.NoError(t, desk.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}$`)))
	require.NoError(t, desk.GetByTestId("walk-in-link").Click())
	choose(t, desk, "Doctor", "doctor")
	require.NoError(t, desk.GetByTestId("check-in").Click())
	require.NoError(t, expectVisible(desk.GetByText(regexp.MustCompile(`Token \d+ — Mohammed Iqbal checked in`))))

	// The doctor sees him and decides to admit.
	doc := tabletPage(t, "doctor")
	require.NoError(t, doc.GetByTestId("opd-queue").Locator("a", playwright.LocatorLocatorOptions{HasText: "Mohammed Iqbal"}).First().Click())
	require.NoError(t, doc.WaitForURL(regexp.MustCompile(`/opd/visits/V\d+$`)))
	require.NoError(t, doc.GetByTestId("call-in").Click())
	require.NoError(t, doc.GetByTestId("admit-from-visit").Click())
	require.NoError(t, doc.WaitForURL(regexp.MustCompile(`/admissions/new\?visit=V\d+$`)))
	mrn, err := doc.GetByLabel("Patient MRN").InputValue()
	require.NoError(t, err)
	assert.Equal(t, "100005", mrn, "the form comes filled from the visit")
	fill(t, doc, "Diagnosis", "Acute exacerbation of COPD")
	fill(t, doc, "Reason for admission", "Oxygen, nebulisation, IV steroids")
	choose(t, doc, "Bed (free beds that suit the patient)", "W1-2")
	require.NoError(t, doc.GetByTestId("admit").Click())
	require.NoError(t, doc.WaitForURL(regexp.MustCompile(`/ward/adm/IP\d{7}$`)))
	admURL := doc.URL()

	// A STAT medication order.
	choose(t, doc, "Order type", "medication")
	choose(t, doc, "Drug (medication)", "PARA500T")
	fill(t, doc, "Dose (medication)", "1 tablet")
	choose(t, doc, "Frequency (medication)", "STAT")
	require.NoError(t, doc.GetByTestId("place-order").Click())
	require.NoError(t, expectVisible(doc.GetByText(regexp.MustCompile(`Order placed: Paracetamol`))))

	// The nurse's board shows the new patient with a new-order badge.
	nurse := tabletPage(t, "nurse")
	require.NoError(t, nurse.GetByTestId("ward-W1").Click())
	tile := nurse.GetByTestId("bed-2")
	require.NoError(t, expect.Locator(tile).ToHaveAttribute("data-state", "occupied"))
	require.NoError(t, expectVisible(tile.GetByText("Mohammed Iqbal")))
	require.NoError(t, expectVisible(tile.Locator(`[data-badge="new-orders"]`)))
	box, err := tile.BoundingBox()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, box.Height, 44.0, "a tile is a touch target")
	screenshot(t, nurse, "ward-board-with-patient")
	require.NoError(t, tile.GetByText("Mohammed Iqbal").Click())
	require.NoError(t, nurse.WaitForURL(admURL))

	// Acknowledge, then the MAR: giving needs the wristband and a dispensed item's barcode.
	require.NoError(t, nurse.Locator(`[data-testid^="ack-"]`).First().Click())
	require.NoError(t, expectVisible(nurse.GetByText(regexp.MustCompile(`acknowledged · active`))))
	mar := nurse.GetByTestId("mar")
	require.NoError(t, mar.GetByLabel("Wristband MRN").First().Fill("100005"))
	require.NoError(t, mar.GetByLabel("Item barcode").First().Fill("DISP-000123"))
	require.NoError(t, mar.Locator(`[data-testid^="record-"]`).First().Click())
	require.NoError(t, expectVisible(nurse.GetByText("No dispensed item carries this barcode", playwright.PageGetByTextOptions{Exact: playwright.Bool(false)})),
		"until the pharmacy has dispensed it, a dose cannot be recorded as given")
	_, err = mar.GetByLabel("Dose", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).First().SelectOption(playwright.SelectOptionValues{Values: &[]string{"held"}})
	require.NoError(t, err)
	require.NoError(t, mar.GetByLabel("Reason (if not given/done)").First().Fill("Awaiting supply from pharmacy"))
	require.NoError(t, mar.Locator(`[data-testid^="record-"]`).First().Click())
	require.NoError(t, expectVisible(nurse.Locator(`#mar [data-status="held"]`)))

	// Vitals: a fever is charted and drawn on the trend.
	fill(t, nurse, "Temperature (°C)", "38.9")
	fill(t, nurse, "Pulse (/min)", "108")
	require.NoError(t, nurse.GetByTestId("save-vitals").Click())
	require.NoError(t, expectVisible(nurse.GetByText("Vitals charted.")))
	require.NoError(t, expectVisible(nurse.GetByTestId("trend-Temperature").Locator("circle")))
	screenshot(t, nurse, "ward-patient-view")

	// Transfer to the surgical ward: the old bed goes to cleaning.
	_, err = doc.Goto(admURL)
	require.NoError(t, err)
	choose(t, doc, "Move to bed", "W3-1")
	fill(t, doc, "Reason", "Post-operative care")
	require.NoError(t, doc.GetByTestId("do-transfer").Click())
	require.NoError(t, expectVisible(doc.GetByText("Moved to bed W3-1", playwright.PageGetByTextOptions{Exact: playwright.Bool(false)})))
	_, err = nurse.Goto(baseURL + "/ward/W1")
	require.NoError(t, err)
	require.NoError(t, expect.Locator(nurse.GetByTestId("bed-2")).ToHaveAttribute("data-state", "cleaning"))

	// Discharge: ordered, summary signed, then the nurse records the departure.
	_, err = doc.Goto(admURL)
	require.NoError(t, err)
	choose(t, doc, "Outcome", "home")
	require.NoError(t, doc.GetByTestId("order-discharge").Click())
	require.NoError(t, expectVisible(doc.GetByText("Discharge ordered; billing has been told", playwright.PageGetByTextOptions{Exact: playwright.Bool(false)})))
	fill(t, doc, "Course in hospital", "Improved on oxygen and nebulisation; weaned to room air.")
	fill(t, doc, "Medications on discharge", "Inhalers as before")
	fill(t, doc, "Follow-up", "Medicine OPD in one week")
	require.NoError(t, doc.GetByTestId("sign-summary").Click())
	require.NoError(t, expectVisible(doc.GetByTestId("summary-signed")))

	_, err = nurse.Goto(baseURL + "/ward/W3")
	require.NoError(t, err)
	w3 := nurse.GetByTestId("bed-1")
	require.NoError(t, expect.Locator(w3).ToHaveAttribute("data-state", "occupied"), "the bed is held until he leaves")
	require.NoError(t, expectVisible(w3.Locator(`[data-badge="discharge"]`)))
	require.NoError(t, w3.GetByText("Mohammed Iqbal").Click())
	require.NoError(t, nurse.GetByTestId("record-departure").Click())
	require.NoError(t, nurse.WaitForURL(baseURL+"/ward/W3"))
	require.NoError(t, expect.Locator(nurse.GetByTestId("bed-1")).ToHaveAttribute("data-state", "cleaning"))
	screenshot(t, nurse, "ward-board-after-discharge")

	_, err = doc.Goto(admURL + "/summary")
	require.NoError(t, err)
	require.NoError(t, expectVisible(doc.GetByTestId("summary-signature")))
}
