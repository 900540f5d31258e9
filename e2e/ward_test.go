//go:build e2e

package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nurse on a portrait ward tablet opens her ward's board from the ward list.
func TestNurseOpensWardBoardOnATablet(t *testing.T) {
	page := newPage(t)
	require.NoError(t, page.SetViewportSize(768, 1024))
	login(t, page, "nurse", demoPassword)

	box, err := page.GetByTestId("ward-W1").BoundingBox()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, box.Height, 44.0, "a ward card is a touch target")
	require.NoError(t, page.GetByTestId("ward-W1").Click())
	require.NoError(t, page.WaitForURL(baseURL+"/ward/W1"))
	tiles := page.Locator(`[data-testid="bed-tiles"] li`)
	n, err := tiles.Count()
	require.NoError(t, err)
	assert.Equal(t, 12, n, "ward W1 has 12 beds in the demo hospital")

	blocked := page.Locator(`[data-testid="bed-tiles"] li[data-state="blocked"]`)
	require.NoError(t, expectVisible(blocked))
	text, err := blocked.InnerText()
	require.NoError(t, err)
	assert.Contains(t, text, "Bed rail repair", "a blocked bed shows why")

	screenshot(t, page, "ward-board-tablet")
}

func expectVisible(l playwright.Locator) error {
	return l.WaitFor(playwright.LocatorWaitForOptions{State: playwright.WaitForSelectorStateVisible})
}
