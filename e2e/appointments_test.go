//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openChart finds a demo patient at the front desk and opens the chart.
func openChart(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	_, err := page.Goto(baseURL + "/patients")
	require.NoError(t, err)
	results := search(t, page, strings.ToLower(name))
	require.NoError(t, results.GetByText(name).First().Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/patients/[0-9a-f]{24}$`)))
}

// The front desk books tomorrow's first free slot with the demo doctor from a patient's
// chart, finds it on the appointments page of that date, and cancels it with a reason.
func TestAppointmentBookedFromTheChartAndCancelled(t *testing.T) {
	page := newPage(t)
	login(t, page, "frontdesk", demoPassword)
	openChart(t, page, "Fatima Begum")
	require.NoError(t, page.GetByTestId("book-link").Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/book`)))

	choose(t, page, "Doctor", "doctor")
	require.NoError(t, expectVisible(page.GetByTestId("slots")), "the doctor's slots appear")
	tomorrow, err := page.Locator("#f-date option").Nth(1).GetAttribute("value")
	require.NoError(t, err)
	choose(t, page, "Date", tomorrow)
	require.NoError(t, expect.Locator(page.GetByTestId("slot-panel")).ToContainText(dayName(tomorrow)))
	fill(t, page, "Reason for the visit (optional)", "Review of thyroid report")
	screenshot(t, page, "appointments-book")

	slot := page.GetByTestId("slots").Locator("button").First()
	slotTime, err := slot.InnerText()
	require.NoError(t, err)
	require.NoError(t, slot.Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/appointments\?date=`+tomorrow)))
	flash, err := page.GetByTestId("alert").InnerText()
	require.NoError(t, err)
	assert.Contains(t, flash, "Booked Fatima Begum with Dr. Ananya Krishnan")
	assert.Contains(t, flash, "at "+strings.TrimSpace(slotTime))
	id := regexp.MustCompile(`A\d{7}`).FindString(flash)
	require.NotEmpty(t, id, "the confirmation names the appointment")

	row := page.GetByTestId("appt-" + id)
	require.NoError(t, expect.Locator(row).ToContainText("Fatima Begum"))
	require.NoError(t, expect.Locator(row).ToContainText("Review of thyroid report"))
	require.NoError(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Booked"))
	screenshot(t, page, "appointments-day")

	require.NoError(t, row.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Cancel"}).Click())
	require.NoError(t, page.GetByTestId("confirm-cancel").Click())
	require.NoError(t, expect.Locator(page.Locator(`[data-error="reason"]`)).ToContainText("Say why"), "a reason is required")
	fill(t, page, "Reason for cancelling", "Patient called: travelling")
	require.NoError(t, page.GetByTestId("confirm-cancel").Click())
	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/appointments\?date=`+tomorrow)))
	require.NoError(t, expect.Locator(page.GetByTestId("appt-"+id).GetByTestId("status")).ToHaveText("Cancelled"))
}

// A walk-in is checked in from the chart; the token is shown large.
func TestAppointmentWalkInCheckInShowsTheToken(t *testing.T) {
	page := newPage(t)
	login(t, page, "frontdesk", demoPassword)
	openChart(t, page, "Arjun Reddy")
	require.NoError(t, page.GetByTestId("walk-in-link").Click())
	choose(t, page, "Doctor", "dr.iyer") // a child sees the paediatrician; the demo doctor's queue stays for the consult test
	fill(t, page, "Complaint (optional)", "Fever since yesterday")
	choose(t, page, "Priority", "emergency")
	require.NoError(t, page.GetByTestId("check-in").Click())

	require.NoError(t, page.WaitForURL(regexp.MustCompile(`/appointments\?.*visit=V\d{7}`)))
	token, err := page.GetByTestId("token").InnerText()
	require.NoError(t, err)
	require.Regexp(t, `^\d+$`, token)
	flash, err := page.GetByTestId("alert").InnerText()
	require.NoError(t, err)
	assert.Contains(t, flash, "Token "+token+" — Arjun Reddy checked in for Dr. Meera Iyer")
	require.NoError(t, expect.Locator(page.GetByTestId("token-card")).ToContainText("Emergency referral"))
	screenshot(t, page, "appointments-token")
}

// dayName is the weekday of a "2006-01-02" date as the slot panel heads it ("Friday").
func dayName(date string) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return ""
	}
	return t.Weekday().String()
}

// The administrator opens the demo doctor's schedule and adds a session row (not saved).
func TestAppointmentScheduleOfADoctor(t *testing.T) {
	page := newPage(t)
	login(t, page, "admin", demoPassword)
	_, err := page.Goto(baseURL + "/admin/staff")
	require.NoError(t, err)
	require.NoError(t, page.GetByTestId("staff").GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Dr. Ananya Krishnan"}).Click())
	rows := page.GetByTestId("sessions-form").Locator("li")
	n, err := rows.Count()
	require.NoError(t, err)
	require.Equal(t, 14, n, "two sessions every day")
	require.NoError(t, page.GetByTestId("add-session").Click())
	require.NoError(t, expect.Locator(rows).ToHaveCount(15))
	require.NoError(t, expect.Locator(page.GetByTestId("sessions-form")).ToContainText("Not saved yet"))
	screenshot(t, page, "staff-schedule")
}
