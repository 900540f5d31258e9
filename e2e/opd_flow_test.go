//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The OPD from check-in to the waiting-room screen: the front desk checks a walk-in in
// with the surgeon, the token appears on the display, the nurse takes vitals from the
// queue board, the surgeon calls the patient and completes the visit, and the token
// leaves the display.
func TestOPDFlowFromCheckInToTheDisplay(t *testing.T) {
	desk := newPage(t)
	login(t, desk, "frontdesk", demoPassword)
	openChart(t, desk, "Harish Shetty")
	require.NoError(t, desk.GetByTestId("walk-in-link").Click())
	choose(t, desk, "Doctor", "dr.rao")
	fill(t, desk, "Complaint (optional)", "Painful swelling, right groin")
	require.NoError(t, desk.GetByTestId("check-in").Click())
	require.NoError(t, desk.WaitForURL(regexp.MustCompile(`visit=V\d{7}`)))
	token, err := desk.GetByTestId("token").InnerText()
	require.NoError(t, err)

	screen := newPage(t)
	login(t, screen, "display", demoPassword)
	_, err = screen.Goto(baseURL + "/display/opd")
	require.NoError(t, err)
	board := screen.GetByTestId("display-board").Filter(playwrightHasText("Dr. Venkatesh Rao"))
	require.NoError(t, expectVisible(board.GetByTestId("next-tokens").GetByText(token, exactText)), "token %s is shown as next", token)
	page, err := screen.Content()
	require.NoError(t, err)
	assert.NotContains(t, page, "Harish", "the public screen shows no names")
	screenshot(t, screen, "opd-display")

	nurse := newPage(t)
	login(t, nurse, "nurse", demoPassword)
	_, err = nurse.Goto(baseURL + "/opd/queues/dr.rao")
	require.NoError(t, err)
	row := nurse.Locator(`[data-testid="queue-row"][data-token="` + token + `"]`)
	require.NoError(t, row.GetByTestId("vitals-link").Click())
	fill(t, nurse, "Systolic BP (mmHg)", "400")
	fill(t, nurse, "Diastolic BP (mmHg)", "20")
	fill(t, nurse, "Pulse (/min)", "88")
	require.NoError(t, nurse.GetByTestId("save-vitals").Click())
	require.NoError(t, expectVisible(nurse.Locator(`[data-error="systolic"]`).GetByText("between 50 and 300 mmHg")))
	fill(t, nurse, "Systolic BP (mmHg)", "152")
	fill(t, nurse, "Diastolic BP (mmHg)", "94")
	fill(t, nurse, "Temperature (°C)", "37.0")
	require.NoError(t, nurse.GetByTestId("save-vitals").Click())
	require.NoError(t, nurse.WaitForURL(baseURL+"/opd/queues/dr.rao"))
	row = nurse.Locator(`[data-testid="queue-row"][data-token="` + token + `"]`)
	require.NoError(t, expectVisible(row.GetByText("Vitals done")))
	require.NoError(t, expectVisible(row.GetByText("Abnormal vitals")), "a BP of 152/94 is highlighted")
	screenshot(t, nurse, "opd-triage-board")

	doctor := newPage(t)
	login(t, doctor, "dr.rao", demoPassword)
	require.NoError(t, doctor.GetByTestId("call-next").Click())
	require.NoError(t, doctor.WaitForURL(regexp.MustCompile(`/opd/visits/V\d+$`)))
	banner, err := doctor.GetByTestId("patient-banner").InnerText()
	require.NoError(t, err)
	assert.Contains(t, banner, "Harish Shetty")
	require.NoError(t, expectVisible(screen.GetByTestId("display-board").Filter(playwrightHasText("Dr. Venkatesh Rao")).
		GetByTestId("now-calling").GetByText(token, exactText)), "the display calls the token (it refreshes itself)")

	require.NoError(t, doctor.GetByTestId("complete-visit").Click())
	require.NoError(t, expectVisible(doctor.GetByText(regexp.MustCompile(`Visit completed: token \d+, Harish Shetty`))))
	require.NoError(t, expectGone(screen.GetByTestId("display-board").Filter(playwrightHasText("Dr. Venkatesh Rao")).
		GetByText(token, exactText)), "the token leaves the display")
}

var exactText = playwright.LocatorGetByTextOptions{Exact: playwright.Bool(true)}

func playwrightHasText(s string) playwright.LocatorFilterOptions {
	return playwright.LocatorFilterOptions{HasText: s}
}

// expectGone waits until nothing matches l (a self-refreshing page may take a poll or two).
func expectGone(l playwright.Locator) error {
	return l.WaitFor(playwright.LocatorWaitForOptions{State: playwright.WaitForSelectorStateDetached})
}
