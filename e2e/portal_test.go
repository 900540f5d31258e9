//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The patient portal end to end: Meena Kumari is booked for tomorrow, seen today by
// dr.menon (a fasting glucose ordered, paracetamol prescribed), her glucose is resulted
// and verified, and her visit is billed. The front desk checks her passport and prints
// an activation code; on her phone (a fresh browser) she activates her account, sees her
// appointment, result and bill, opens the visit summary and downloads all her data.
func TestPortalFromFrontDeskCodeToThePatientsOwnRecords(t *testing.T) {
	const name = "Meena Kumari"
	desk := newPage(t)
	login(t, desk, "frontdesk", demoPassword)
	openChart(t, desk, name)
	mrn := strings.TrimPrefix(mustText(t, desk.GetByTestId("patient-mrn")), "MRN ")
	require.NotEmpty(t, mrn)
	require.NoError(t, desk.GetByTestId("book-link").Click())
	choose(t, desk, "Doctor", "doctor")
	require.NoError(t, expectVisible(desk.GetByTestId("slots")))
	tomorrow, err := desk.Locator("#f-date option").Nth(1).GetAttribute("value")
	require.NoError(t, err)
	choose(t, desk, "Date", tomorrow)
	require.NoError(t, expect.Locator(desk.GetByTestId("slot-panel")).ToContainText(dayName(tomorrow)))
	require.NoError(t, desk.GetByTestId("slots").Locator("button").First().Click())
	require.NoError(t, desk.WaitForURL(regexp.MustCompile(`/appointments\?date=`+tomorrow)))

	openChart(t, desk, name)
	require.NoError(t, desk.GetByTestId("walk-in-link").Click())
	choose(t, desk, "Doctor", "dr.menon")
	require.NoError(t, desk.GetByTestId("check-in").Click())
	require.NoError(t, desk.WaitForURL(regexp.MustCompile(`visit=V\d{7}`)))
	visit := regexp.MustCompile(`V\d{7}`).FindString(desk.URL())

	doctor := newPage(t)
	login(t, doctor, "dr.menon", demoPassword)
	require.NoError(t, doctor.GetByTestId("call-next").Click())
	require.NoError(t, doctor.WaitForURL(regexp.MustCompile(`/opd/visits/`+visit+`$`)))
	choose(t, doctor, "Lab test", "GLU-F")
	require.NoError(t, doctor.GetByTestId("order-lab").Click())
	require.NoError(t, expectVisible(doctor.GetByText("Lab test ordered.")))
	prescribe(t, doctor, "PARA500T", "500 mg", "TDS", "5")
	require.NoError(t, doctor.GetByTestId("complete-visit").Click())
	require.NoError(t, expectVisible(doctor.GetByText(regexp.MustCompile(`Visit completed`))))

	tech := newPage(t)
	login(t, tech, "labtech", demoPassword)
	require.NoError(t, tech.GetByTestId("worklist-row").Filter(playwrightHasText(name)).GetByRole("link").First().Click())
	require.NoError(t, tech.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Collected in the lab"}).Click())
	fill(t, tech, "Glucose, fasting", "96")
	require.NoError(t, tech.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save results"}).Click())
	require.NoError(t, expectVisible(tech.GetByText("Results saved.")))
	path := newPage(t)
	login(t, path, "pathologist", demoPassword)
	_, err = path.Goto(baseURL + "/lab?status=resulted")
	require.NoError(t, err)
	require.NoError(t, path.GetByTestId("worklist-row").Filter(playwrightHasText(name)).GetByRole("link").First().Click())
	require.NoError(t, path.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Verify and release"}).Click())
	require.NoError(t, expect.Locator(path.GetByTestId("lab-order-status")).ToHaveText("Verified"))

	clerk := newPage(t)
	login(t, clerk, "billing", demoPassword)
	require.NoError(t, clerk.GetByLabel("Find a patient's account").Fill(name))
	require.NoError(t, clerk.GetByTestId("result-row").First().Click())
	require.NoError(t, clerk.GetByTestId("encounter-"+visit).GetByTestId("draw-invoice").Click())
	require.NoError(t, clerk.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Issue invoice"}).Click())
	require.NoError(t, clerk.WaitForURL(regexp.MustCompile(`/billing/invoices/INV-\d{7}$`)))
	invoice := regexp.MustCompile(`INV-\d{7}`).FindString(clerk.URL())

	// The front desk checks her passport and prints the code.
	openChart(t, desk, name)
	require.NoError(t, desk.GetByTestId("portal-link").Click())
	choose(t, desk, "Identity document you checked", "Passport")
	require.NoError(t, desk.GetByRole("checkbox").Check())
	require.NoError(t, desk.GetByTestId("issue-code").Click())
	code := mustText(t, desk.GetByTestId("portal-code"))
	require.Regexp(t, `^[A-Z0-9]{5}-[A-Z0-9]{5}$`, code)
	screenshot(t, desk, "portal-code-slip")

	// Her phone: a fresh browser, a phone-sized screen.
	phone := newPage(t)
	require.NoError(t, phone.SetViewportSize(390, 844))
	_, err = phone.Goto(baseURL + "/login")
	require.NoError(t, err)
	require.NoError(t, phone.GetByTestId("activate-link").Click())
	fill(t, phone, "Activation code", code)
	fill(t, phone, "Hospital number (MRN)", mrn)
	fill(t, phone, "Date of birth", "1988-10-23")
	fill(t, phone, "Username", "meena")
	fill(t, phone, "Password", "mango monsoon harbour 42")
	fill(t, phone, "Password again", "mango monsoon harbour 42")
	screenshot(t, phone, "portal-activate")
	require.NoError(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Activate my account"}).Click())
	require.NoError(t, phone.WaitForURL(regexp.MustCompile(`/login$`)))
	require.NoError(t, expectVisible(phone.GetByText("Your account is ready")))
	login(t, phone, "meena", "mango monsoon harbour 42")
	require.Equal(t, "/portal", urlPath(phone.URL()))

	require.NoError(t, expect.Locator(phone.GetByTestId("portal-mrn")).ToHaveText(mrn))
	require.NoError(t, expect.Locator(phone.GetByTestId("portal-appt")).ToContainText("Dr. Ananya Krishnan"))
	require.NoError(t, expect.Locator(phone.GetByTestId("portal-result")).ToContainText("Glucose, fasting"))
	require.NoError(t, expect.Locator(phone.GetByTestId("portal-result")).ToContainText("96"))
	require.NoError(t, expect.Locator(phone.GetByTestId("portal-invoice")).ToContainText(invoice))
	screenshot(t, phone, "portal-home")

	require.NoError(t, phone.GetByTestId("portal-visit").First().Click())
	require.NoError(t, expect.Locator(phone.GetByTestId("portal-medicines")).ToContainText("Paracetamol"))
	screenshot(t, phone, "portal-visit")
	_, err = phone.GoBack()
	require.NoError(t, err)

	dl, err := phone.ExpectDownload(func() error { return phone.GetByTestId("export-json").Click() })
	require.NoError(t, err)
	file, err := dl.Path()
	require.NoError(t, err)
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	var export struct {
		Patient struct {
			MRN string `json:"mrn"`
		} `json:"patient"`
		Results []struct {
			Test string `json:"test"`
		} `json:"lab_results"`
		Invoices []struct {
			Number string `json:"number"`
		} `json:"invoices"`
	}
	require.NoError(t, json.Unmarshal(raw, &export))
	assert.Equal(t, mrn, export.Patient.MRN)
	require.NotEmpty(t, export.Results)
	assert.Equal(t, "Glucose, fasting", export.Results[0].Test)
	require.NotEmpty(t, export.Invoices)
	assert.Equal(t, invoice, export.Invoices[0].Number)

	require.NoError(t, phone.GetByTestId("export-html").Click())
	require.NoError(t, expectVisible(phone.GetByTestId("portal-export").GetByText(invoice, playwright.LocatorGetByTextOptions{Exact: playwright.Bool(false)})))
	screenshot(t, phone, "portal-export")
	require.NoError(t, phone.GetByRole("link", playwright.PageGetByRoleOptions{Name: "← Back to my records"}).Click())
	require.NoError(t, phone.GetByTestId("access-link").Click())
	require.NoError(t, expectVisible(phone.GetByText("A front-desk clerk viewed your record").First()))
	screenshot(t, phone, "portal-access")

	// She cannot come tomorrow: she cancels, after a second tap to confirm.
	require.NoError(t, phone.GetByRole("link", playwright.PageGetByRoleOptions{Name: "← Back to my records"}).Click())
	require.NoError(t, phone.GetByTestId("cancel-appt").Click())
	screenshot(t, phone, "portal-cancel")
	require.NoError(t, phone.GetByTestId("confirm-cancel-appt").Click())
	require.NoError(t, expectVisible(phone.GetByText(regexp.MustCompile(`Your appointment on .* is cancelled`))))
	require.NoError(t, expect.Locator(phone.GetByTestId("cancel-appt")).ToHaveCount(0))
}
