//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The lab from order to acknowledgement: the doctor orders a CBC and a fasting glucose
// in the OPD; the technician collects both, prints a label, opens the glucose sample by
// typing its accession number (as a scanner would), enters the values including a
// critical glucose; the pathologist verifies; the doctor sees the critical alert,
// acknowledges it and finds the flagged result in the chart.
func TestLabFromOrderToTheDoctorsAcknowledgement(t *testing.T) {
	desk := newPage(t)
	login(t, desk, "frontdesk", demoPassword)
	openChart(t, desk, "Ramesh Gowda")
	require.NoError(t, desk.GetByTestId("walk-in-link").Click())
	choose(t, desk, "Doctor", "dr.khan")
	require.NoError(t, desk.GetByTestId("check-in").Click())
	require.NoError(t, expectVisible(desk.GetByText(regexp.MustCompile(`Token \d+ — Ramesh Gowda checked in`))))

	doctor := newPage(t)
	login(t, doctor, "dr.khan", demoPassword)
	require.NoError(t, doctor.GetByTestId("call-next").Click())
	require.NoError(t, doctor.WaitForURL(regexp.MustCompile(`/opd/visits/V\d+$`)))
	visitURL := doctor.URL()
	for _, code := range []string{"CBC", "GLU-F"} {
		choose(t, doctor, "Lab test", code)
		choose(t, doctor, "Lab priority", "stat")
		require.NoError(t, doctor.GetByTestId("order-lab").Click())
		require.NoError(t, expectVisible(doctor.GetByText("Lab test ordered.")))
	}

	tech := newPage(t)
	login(t, tech, "labtech", demoPassword)
	require.Equal(t, "/lab", urlPath(tech.URL()))
	rows := tech.GetByTestId("worklist-row").Filter(playwrightHasText("Ramesh Gowda"))
	require.NoError(t, expect.Locator(rows).ToHaveCount(2))
	screenshot(t, tech, "lab-worklist")

	// The CBC: collected and resulted from its order page.
	require.NoError(t, rows.Filter(playwrightHasText("Complete blood count")).GetByRole("link").Click())
	require.NoError(t, tech.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Collected in the lab"}).Click())
	require.NoError(t, expectVisible(tech.GetByTestId("accession")))
	for label, v := range map[string]string{"Haemoglobin": "13.9", "Total leucocyte count": "7.2", "Neutrophils": "62",
		"Lymphocytes": "30", "Platelet count": "250", "RBC count": "4.9", "Haematocrit (PCV)": "44", "Mean corpuscular volume (MCV)": "88"} {
		fill(t, tech, label, v)
	}
	require.NoError(t, tech.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save results"}).Click())
	require.NoError(t, expectVisible(tech.GetByText("Results saved.")))

	// The glucose: collected, label printed, then opened by its accession number.
	_, err := tech.Goto(baseURL + "/lab")
	require.NoError(t, err)
	require.NoError(t, rows.Filter(playwrightHasText("Glucose, fasting")).GetByRole("link").Click())
	require.NoError(t, tech.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Collected in the lab"}).Click())
	accession, err := tech.GetByTestId("accession").InnerText()
	require.NoError(t, err)
	require.Regexp(t, `^L\d{7}$`, accession)
	require.NoError(t, tech.GetByTestId("label-link").Click())
	label := tech.GetByTestId("sample-label")
	require.NoError(t, expectVisible(label.Locator("svg")))
	text, err := label.InnerText()
	require.NoError(t, err)
	assert.Contains(t, text, "Ramesh Gowda")
	assert.Contains(t, text, "GLU-F")
	assert.Contains(t, text, accession, "the accession is printed under the barcode")
	screenshot(t, tech, "lab-label")

	_, err = tech.Goto(baseURL + "/lab")
	require.NoError(t, err)
	fill(t, tech, "Scan or type an accession number", accession)
	require.NoError(t, tech.GetByLabel("Scan or type an accession number").Press("Enter"))
	require.NoError(t, expect.Locator(tech.GetByTestId("lab-order-status")).ToHaveText("In progress"))
	fill(t, tech, "Glucose, fasting", "abc")
	require.NoError(t, tech.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save results"}).Click())
	require.NoError(t, expectVisible(tech.Locator(`[data-error="GLU-F"]`).GetByText("needs a number")))
	fill(t, tech, "Glucose, fasting", "520")
	require.NoError(t, tech.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save results"}).Click())
	require.NoError(t, expectVisible(tech.Locator(`[data-testid="result-row"][data-flag="HH"]`)))
	screenshot(t, tech, "lab-result-entered")

	path := newPage(t)
	login(t, path, "pathologist", demoPassword)
	_, err = path.Goto(baseURL + "/lab?status=resulted")
	require.NoError(t, err)
	require.NoError(t, path.GetByTestId("worklist-row").Filter(playwrightHasText("Ramesh Gowda")).
		Filter(playwrightHasText("Glucose, fasting")).GetByRole("link").Click())
	require.NoError(t, path.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Verify and release"}).Click())
	require.NoError(t, expect.Locator(path.GetByTestId("lab-order-status")).ToHaveText("Verified"))
	require.NoError(t, expectVisible(path.GetByTestId("order-alert")))
	screenshot(t, path, "lab-verified")

	_, err = doctor.Goto(visitURL)
	require.NoError(t, err)
	alert := doctor.GetByTestId("critical-alerts-strip").GetByTestId("critical-alert")
	require.NoError(t, expectVisible(alert.GetByText("Glucose, fasting 520 mg/dL (HH)")))
	screenshot(t, doctor, "lab-consult-alert")
	require.NoError(t, alert.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Acknowledge"}).Click())
	require.NoError(t, expectVisible(doctor.GetByText(regexp.MustCompile(`Critical result acknowledged`))))
	require.NoError(t, expectVisible(doctor.GetByTestId("no-alerts")))

	openChart(t, doctor, "Ramesh Gowda")
	require.NoError(t, doctor.GetByTestId("tab-orders").Click())
	flagged := doctor.Locator(`[data-testid="chart-result"][data-flag="HH"]`)
	require.NoError(t, expectVisible(flagged))
	row, err := flagged.InnerText()
	require.NoError(t, err)
	assert.Contains(t, row, "Glucose, fasting")
	assert.Contains(t, row, "520")
	screenshot(t, doctor, "lab-chart-results")
}
