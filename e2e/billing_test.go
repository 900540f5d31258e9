//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The billing desk as the clerk works it: Ramesh Gowda (New India Mediclaim, 90% cover,
// 10% co-pay) has an OPD visit completed through the UI; the clerk adds an ECG by hand,
// draws the invoice split with his insurer, takes part of his share in cash (receipt),
// then the rest by UPI, claims the insurer's share, records its submission, approval and
// settlement, and the balance is zero. The day-end report shows the cash taken.
func TestBillingClerkFromVisitToSettledClaim(t *testing.T) {
	desk := newPage(t)
	login(t, desk, "frontdesk", demoPassword)
	openChart(t, desk, "Ramesh Gowda")
	require.NoError(t, desk.GetByTestId("walk-in-link").Click())
	choose(t, desk, "Doctor", "dr.menon")
	require.NoError(t, desk.GetByTestId("check-in").Click())
	require.NoError(t, desk.WaitForURL(regexp.MustCompile(`visit=V\d{7}`)))
	visit := regexp.MustCompile(`V\d{7}`).FindString(desk.URL())

	doctor := newPage(t)
	login(t, doctor, "dr.menon", demoPassword)
	require.NoError(t, doctor.GetByTestId("call-next").Click())
	require.NoError(t, doctor.WaitForURL(regexp.MustCompile(`/opd/visits/V\d+$`)))
	require.NoError(t, doctor.GetByTestId("complete-visit").Click())
	require.NoError(t, expectVisible(doctor.GetByText(regexp.MustCompile(`Visit completed`))))

	clerk := newPage(t)
	login(t, clerk, "billing", demoPassword)
	require.NoError(t, clerk.GetByLabel("Find a patient's account").Fill("Ramesh Gowda"))
	require.NoError(t, clerk.GetByTestId("result-row").First().Click())
	require.NoError(t, clerk.WaitForURL(regexp.MustCompile(`/billing/accounts/`)))
	require.NoError(t, expectVisible(clerk.GetByTestId("encounter-"+visit)), "the consultation waits to be billed")

	_, err := clerk.GetByLabel("Service").SelectOption(playwright.SelectOptionValues{Values: &[]string{"PROC-ECG"}})
	require.NoError(t, err)
	fill(t, clerk, "Encounter (visit or admission)", visit)
	require.NoError(t, clerk.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Post charge"}).Click())
	require.NoError(t, expectVisible(clerk.GetByText("Charge posted")))
	screenshot(t, clerk, "billing-account")

	require.NoError(t, clerk.GetByTestId("encounter-"+visit).GetByTestId("draw-invoice").Click())
	require.NoError(t, expectVisible(clerk.GetByText("New India Mediclaim")))
	require.NoError(t, clerk.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Issue invoice"}).Click())
	require.NoError(t, clerk.WaitForURL(regexp.MustCompile(`/billing/invoices/INV-\d{7}$`)))
	invoiceURL := clerk.URL()
	total, err := clerk.GetByTestId("invoice-total").InnerText()
	require.NoError(t, err)
	share, err := clerk.GetByTestId("patient-share").InnerText()
	require.NoError(t, err)
	assert.NotEqual(t, total, share, "the insurer pays most of it")
	require.NoError(t, expectVisible(clerk.GetByTestId("amount-words").GetByText(regexp.MustCompile(`^Rupees .* Only$`))))
	screenshot(t, clerk, "billing-invoice")

	require.NoError(t, clerk.GetByTestId("take-payment").Click())
	fill(t, clerk, "Amount (₹)", "50")
	require.NoError(t, clerk.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Take payment"}).Click())
	require.NoError(t, clerk.WaitForURL(regexp.MustCompile(`/billing/payments/PAY-`)))
	require.NoError(t, expectVisible(clerk.GetByTestId("receipt-amount").GetByText("₹50.00")))
	require.NoError(t, expectVisible(clerk.GetByText("Rupees Fifty Only")))
	screenshot(t, clerk, "billing-receipt")

	_, err = clerk.Goto(invoiceURL)
	require.NoError(t, err)
	require.NoError(t, clerk.GetByTestId("take-payment").Click())
	_, err = clerk.GetByLabel("Paid by").SelectOption(playwright.SelectOptionValues{Values: &[]string{"upi"}})
	require.NoError(t, err)
	fill(t, clerk, "Reference (card slip, UPI or bank transaction)", "UPI-E2E-"+visit)
	require.NoError(t, clerk.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Take payment"}).Click())
	require.NoError(t, clerk.WaitForURL(regexp.MustCompile(`/billing/payments/PAY-`)))

	_, err = clerk.Goto(invoiceURL)
	require.NoError(t, err)
	require.NoError(t, expectVisible(clerk.GetByTestId("patient-due").GetByText("₹0.00")))
	fill(t, clerk, "Diagnosis codes (ICD-10, comma separated)", "I10")
	require.NoError(t, clerk.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Draft claim"}).Click())
	require.NoError(t, clerk.WaitForURL(regexp.MustCompile(`/billing/claims/CLM-\d{7}$`)))
	require.NoError(t, clerk.GetByTestId("claim-submit").GetByRole("button").Click())
	approved := regexp.MustCompile(`₹([\d,]+\.\d\d)`).FindStringSubmatch(mustText(t, clerk.GetByTestId("claim-summary")))[1]
	fill(t, clerk, "Approved amount (₹; 0 = rejected)", approved)
	require.NoError(t, clerk.GetByTestId("claim-decide").GetByRole("button").Click())
	require.NoError(t, expectVisible(clerk.GetByText("is now approved")))
	fill(t, clerk, "Amount received (₹)", approved)
	require.NoError(t, clerk.GetByTestId("claim-settle").GetByRole("button").Click())
	require.NoError(t, expectVisible(clerk.GetByText("is now settled")))
	screenshot(t, clerk, "billing-claim")

	require.NoError(t, clerk.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Ramesh Gowda"}).First().Click())
	require.NoError(t, expectVisible(clerk.GetByTestId("account-balance").GetByText("₹0.00", exactText)), "everything is paid")

	_, err = clerk.Goto(baseURL + "/billing/day")
	require.NoError(t, err)
	require.NoError(t, expectVisible(clerk.GetByTestId("receipts-by-mode").GetByText("cash")))
	require.NoError(t, expectVisible(clerk.GetByTestId("day-items").GetByText("Ramesh Gowda").First()))
	screenshot(t, clerk, "billing-day-end")
}

func mustText(t *testing.T, l playwright.Locator) string {
	t.Helper()
	s, err := l.InnerText()
	require.NoError(t, err)
	return s
}
