//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The front desk opens Rajesh Sharma's chart (MRN 100001); the compliance officer then
// finds that read in the audit viewer by MRN, follows it to the chart's access log, and
// checks the hash chain.
func TestAuditComplianceFindsTheFrontDesksRead(t *testing.T) {
	desk := newPage(t)
	login(t, desk, "frontdesk", demoPassword)
	search(t, desk, "100001")
	require.NoError(t, expectVisible(desk.GetByTestId("search-results").GetByText("Rajesh Sharma")))
	require.NoError(t, desk.GetByLabel("Find a patient").Press("Enter"))
	require.NoError(t, desk.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}$`)))
	require.NoError(t, expectVisible(desk.GetByTestId("tab-overview")))
	n, err := desk.GetByTestId("tab-access").Count()
	require.NoError(t, err)
	assert.Zero(t, n, "the front desk has no Access log tab")

	page := newPage(t)
	login(t, page, "compliance", demoPassword)
	require.NoError(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Audit", Exact: playwright.Bool(true)}).Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/audit$`)))
	fill(t, page, "Patient MRN", "100001")
	choose(t, page, "Action", "patient.read")
	require.NoError(t, page.GetByTestId("audit-search").Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/audit\?mrn=100001`)))
	row := page.GetByTestId("audit-events").Locator("tbody tr").
		Filter(playwright.LocatorFilterOptions{HasText: "frontdesk"}).
		Filter(playwright.LocatorFilterOptions{HasText: "chart:overview"}).First()
	require.NoError(t, expectVisible(row))
	text, err := row.InnerText()
	require.NoError(t, err)
	assert.Contains(t, text, "MRN 100001 · Rajesh Sharma")
	assert.Contains(t, text, "patient.read")
	assert.Contains(t, text, "Front desk")
	screenshot(t, page, "audit-viewer")

	// From the row to the chart's access log.
	require.NoError(t, row.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "MRN 100001 · Rajesh Sharma"}).Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}\?tab=access$`)))
	log := page.GetByTestId("access-log")
	require.NoError(t, expectVisible(log.Locator("tbody tr").Filter(playwright.LocatorFilterOptions{HasText: "frontdesk"}).First()))
	first, err := log.Locator("tbody tr").First().InnerText()
	require.NoError(t, err)
	assert.Contains(t, first, "compliance", "newest first: the officer's own opening of the log")
	assert.Contains(t, first, "chart:access")
	screenshot(t, page, "audit-access-log")

	// The chain check.
	_, err = page.Goto(baseURL + "/audit")
	require.NoError(t, err)
	require.NoError(t, page.GetByTestId("verify-link").Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/audit/verify$`)))
	require.NoError(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Verify the whole chain"}).Click())
	require.NoError(t, expect.Locator(page.GetByTestId("verify-ok")).ToContainText(regexp.MustCompile(`Chain verified: \d+ events, tip seq \d+, took`)))
	screenshot(t, page, "audit-verify")
}
