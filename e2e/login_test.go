//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// demoAccounts are the seeded staff accounts, one per role, with the page each
// lands on after signing in and the full name the header shows.
var demoAccounts = []struct {
	username, fullName, home string
}{
	{"admin", "Suresh Nair", "/admin"},
	{"frontdesk", "Priya Sharma", "/patients"},
	{"admissions", "Rakesh Gupta", "/admissions"},
	{"doctor", "Dr. Ananya Krishnan", "/opd"},
	{"nurse", "Mary Thomas", "/ward"},
	{"chargenurse", "Lakshmi Pillai", "/ward"},
	{"labtech", "Imran Shaikh", "/lab"},
	{"pathologist", "Dr. Kavita Deshpande", "/lab"},
	{"pharmacist", "Vikram Patil", "/pharmacy"},
	{"storekeeper", "Ramesh Yadav", "/pharmacy"},
	{"billing", "Neha Agarwal", "/billing"},
	{"billingsup", "Sanjay Mehta", "/billing"},
	{"compliance", "Farah Siddiqui", "/compliance"},
	{"display", "OPD Waiting Hall Display", "/display"},
}

func TestLoginPageShowsForm(t *testing.T) {
	page := newPage(t)
	resp, err := page.Goto(baseURL + "/login")
	require.NoError(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, 200, resp.Status())

	exact := playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}
	require.NoError(t, expect.Locator(page.GetByLabel("Username", exact)).ToBeVisible())
	require.NoError(t, expect.Locator(page.GetByLabel("Password", exact)).ToBeVisible())
	require.NoError(t, expect.Locator(page.GetByLabel("Password", exact)).ToHaveAttribute("type", "password"))
	require.NoError(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"})).ToBeVisible())
	assert.Equal(t, 0, count(t, page.GetByTestId("current-user")), "nobody is signed in on /login")

	screenshot(t, page, "login")
}

func TestLoginRejectsBadCredentials(t *testing.T) {
	tests := []struct {
		name, username, password string
	}{
		{"wrong password", "pharmacist", "not-the-password"},
		{"unknown user", "no-such-user", demoPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := newPage(t)
			_, err := page.Goto(baseURL + "/login")
			require.NoError(t, err)
			exact := playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}
			require.NoError(t, page.GetByLabel("Username", exact).Fill(tt.username))
			require.NoError(t, page.GetByLabel("Password", exact).Fill(tt.password))
			require.NoError(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click())

			// The same message for both, so the form does not reveal which usernames exist.
			require.NoError(t, expect.Locator(page.GetByText("Wrong username or password.")).ToBeVisible())
			assert.Equal(t, "/login", urlPath(page.URL()))
			assert.Equal(t, 0, count(t, page.GetByTestId("current-user")), "not signed in")
		})
	}
}

func TestLoginLandsOnRoleHome(t *testing.T) {
	for _, acc := range demoAccounts {
		t.Run(acc.username, func(t *testing.T) {
			page := newPage(t)
			login(t, page, acc.username, demoPassword)

			assert.Equal(t, acc.home, urlPath(page.URL()), "home page of %s", acc.username)

			h1 := page.Locator("h1").First()
			require.NoError(t, expect.Locator(h1).ToBeVisible(), "home has a visible <h1>")
			heading, err := h1.InnerText()
			require.NoError(t, err)
			assert.NotEmpty(t, strings.TrimSpace(heading), "<h1> has text")

			user := page.GetByTestId("current-user")
			require.NoError(t, expect.Locator(user).ToBeVisible(), "header shows who is signed in")
			require.NoError(t, expect.Locator(user).ToContainText(acc.fullName), "header shows the full name")

			if acc.username == "admin" {
				screenshot(t, page, "home-admin")
			}
		})
	}
}

func TestSignOut(t *testing.T) {
	page := newPage(t)
	login(t, page, "frontdesk", demoPassword)
	require.Equal(t, "/patients", urlPath(page.URL()))
	require.NoError(t, expect.Locator(page.GetByTestId("current-user")).ToBeVisible())

	require.NoError(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out"}).Click())
	require.NoError(t, page.WaitForURL(func(u string) bool { return urlPath(u) == "/login" }), "sign out lands on /login")
	require.NoError(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"})).ToBeVisible())

	// Back must not show the signed-in page again (no bfcache/HTTP cache of
	// protected pages, and the old session is gone on the server).
	_, err := page.GoBack()
	require.NoError(t, err)
	require.NoError(t, page.WaitForLoadState(playwright.PageWaitForLoadStateOptions{State: playwright.LoadStateLoad}))
	onLogin := urlPath(page.URL()) == "/login"
	showsUser := count(t, page.GetByTestId("current-user")) > 0
	assert.True(t, onLogin || !showsUser,
		"after sign-out, Back shows %s with the signed-in header", page.URL())

	// Reloading a protected page with the old cookie jar must not work either.
	resp, err := page.Goto(baseURL + "/patients")
	require.NoError(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, "/login", urlPath(page.URL()), "signed-out session cannot open /patients")
}

func TestForbiddenPage(t *testing.T) {
	page := newPage(t)
	login(t, page, "nurse", demoPassword)

	resp, err := page.Goto(baseURL + "/admin/users")
	require.NoError(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, 403, resp.Status())
	assert.Equal(t, "/admin/users", urlPath(page.URL()), "a 403 is shown in place, not as a redirect")
	require.NoError(t, expect.Locator(page.GetByText("You do not have permission")).ToBeVisible())
}

func TestAnonymousIsSentToLogin(t *testing.T) {
	page := newPage(t)
	resp, err := page.Goto(baseURL + "/patients")
	require.NoError(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, "/login", urlPath(page.URL()))
	require.NoError(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"})).ToBeVisible())
	assert.Equal(t, 0, count(t, page.GetByTestId("current-user")))
}

// count returns how many elements match loc right now (no waiting).
func count(t *testing.T, loc playwright.Locator) int {
	t.Helper()
	n, err := loc.Count()
	require.NoError(t, err)
	return n
}
