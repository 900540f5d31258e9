//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fill types into the field with this exact label.
func fill(t *testing.T, page playwright.Page, label, value string) {
	t.Helper()
	require.NoError(t, page.GetByLabel(label, playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(value), label)
}

func choose(t *testing.T, page playwright.Page, label, value string) {
	t.Helper()
	_, err := page.GetByLabel(label, playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).SelectOption(playwright.SelectOptionValues{Values: &[]string{value}})
	require.NoError(t, err, label)
}

// search types into the patient search box and waits for the results to arrive.
func search(t *testing.T, page playwright.Page, q string) playwright.Locator {
	t.Helper()
	box := page.GetByLabel("Find a patient")
	require.NoError(t, box.Fill(""))
	require.NoError(t, box.PressSequentially(q, playwright.LocatorPressSequentiallyOptions{Delay: playwright.Float(20)}))
	return page.GetByTestId("search-results")
}

// The front desk registers a patient with insurance, reads the MRN, then finds her by
// phone, by part of her name in reverse order and by MRN, and prints her wristband.
func TestFrontDeskRegistersAndFindsAPatient(t *testing.T) {
	page := newPage(t)
	login(t, page, "frontdesk", demoPassword)
	require.NoError(t, page.GetByTestId("register-link").Click())

	fill(t, page, "Given name", "Radhika")
	fill(t, page, "Family name", "Menon-Pillai")
	choose(t, page, "Sex", "F")
	fill(t, page, "Date of birth", "1987-06-21")
	fill(t, page, "Mobile phone", "+91 97400 11223")
	fill(t, page, "City / town", "Thrissur")
	require.NoError(t, page.GetByLabel("No known allergies").Check())
	choose(t, page, "Payer and plan", "HDFCE/OPT")
	fill(t, page, "Member / policy number", "HE-55001122")
	fill(t, page, "Valid from", "2026-04-01")
	fill(t, page, "Valid to", "2027-03-31")
	require.NoError(t, page.GetByTestId("save").Click())

	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}$`)))
	mrnText, err := page.GetByTestId("patient-mrn").InnerText()
	require.NoError(t, err)
	mrn := regexp.MustCompile(`\d{6}`).FindString(mrnText)
	require.NotEmpty(t, mrn, "the confirmation shows the MRN")
	flash, err := page.GetByTestId("alert").InnerText()
	require.NoError(t, err)
	assert.Contains(t, flash, "MRN "+mrn)
	banner, err := page.GetByTestId("patient-banner").InnerText()
	require.NoError(t, err)
	assert.Contains(t, banner, "Insured: HDFC ERGO")
	assert.Contains(t, banner, "No known allergies")
	screenshot(t, page, "patient-chart")

	for _, q := range []string{"97400 11223", "pil radh", mrn} {
		_, err := page.Goto(baseURL + "/patients")
		require.NoError(t, err)
		results := search(t, page, q)
		require.NoError(t, expectVisible(results.GetByText("Radhika Menon-Pillai")), "search %q", q)
	}
	// Enter opens the first match (a wristband scanner types the MRN and Enter).
	require.NoError(t, page.GetByLabel("Find a patient").Press("Enter"))
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}$`)))

	require.NoError(t, page.GetByTestId("print-link").Click())
	require.NoError(t, expectVisible(page.GetByTestId("wristband").GetByTestId("barcode")))
	label, err := page.GetByTestId("id-card").GetByTestId("barcode").GetAttribute("aria-label")
	require.NoError(t, err)
	assert.Equal(t, "Barcode "+mrn, label)
	screenshot(t, page, "patient-print")
}

// Arrow keys move from the search box into the results.
func TestSearchResultsAreKeyboardReachable(t *testing.T) {
	page := newPage(t)
	login(t, page, "frontdesk", demoPassword)
	results := search(t, page, "kumar")
	require.NoError(t, expectVisible(results))
	require.NoError(t, page.Keyboard().Press("ArrowDown"))
	require.NoError(t, page.Keyboard().Press("ArrowDown"))
	focused, err := page.Locator(":focus").InnerText()
	require.NoError(t, err)
	second, err := results.Locator("a").Nth(1).InnerText()
	require.NoError(t, err)
	assert.Equal(t, second, focused, "two presses of ↓ land on the second result")
}

// Registering someone with a phone already on file shows the possible duplicate first;
// a bad date of birth is refused next to the field with the other entries kept.
func TestDuplicateWarningAndBadDateOfBirth(t *testing.T) {
	page := newPage(t)
	login(t, page, "frontdesk", demoPassword)
	_, err := page.Goto(baseURL + "/patients/new")
	require.NoError(t, err)
	fill(t, page, "Given name", "Rakesh")
	fill(t, page, "Family name", "Sharma")
	choose(t, page, "Sex", "M")
	fill(t, page, "Date of birth", "2099-01-01")
	fill(t, page, "Mobile phone", "98450 12345")
	require.NoError(t, page.GetByTestId("save").Click())

	dobError := page.Locator(`[data-error="dob"]`)
	require.NoError(t, expectVisible(dobError))
	text, err2 := dobError.InnerText()
	err = err2
	require.NoError(t, err)
	assert.Contains(t, text, "cannot be in the future")
	given, err := page.GetByLabel("Given name").InputValue()
	require.NoError(t, err)
	assert.Equal(t, "Rakesh", given, "the other entries are kept")
	phone, err := page.GetByLabel("Mobile phone").InputValue()
	require.NoError(t, err)
	assert.Equal(t, "98450 12345", phone)

	fill(t, page, "Date of birth", "1980-01-01")
	require.NoError(t, page.GetByTestId("save").Click())
	warning := page.GetByTestId("duplicate-warning")
	require.NoError(t, expectVisible(warning))
	text, err = warning.InnerText()
	require.NoError(t, err)
	assert.Contains(t, text, "Rajesh Sharma")
	assert.Contains(t, text, "same phone")
	screenshot(t, page, "duplicate-warning")

	require.NoError(t, page.GetByTestId("confirm-new").Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}$`)))
	name, err := page.GetByTestId("patient-name").InnerText()
	require.NoError(t, err)
	assert.Equal(t, "Rakesh Sharma", name)
}
