package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/store/catalog"
)

func TestAdminSchedulesANewPriceAndPostedPricesStay(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	ctx := context.Background()
	before, err := catalog.New(e.db).Service(ctx, "REG")
	require.NoError(t, err)
	today, _ := before.PriceAt(time.Now())

	admin.get("/prices/REG/edit")
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	status, body, _ := admin.post("/prices/REG", url.Values{"amount": {"1,250.50"}, "from": {tomorrow}, "version": {"1"}})
	require.Equal(t, http.StatusSeeOther, status, body)

	after, err := catalog.New(e.db).Service(ctx, "REG")
	require.NoError(t, err)
	now, _ := after.PriceAt(time.Now())
	later, _ := after.PriceAt(time.Now().AddDate(0, 0, 3))
	assert.Equal(t, today, now, "the price in force today is unchanged")
	assert.Equal(t, int64(125050), later)

	// a second administrator still holding version 1 is told, not overwritten
	status, body, _ = admin.post("/prices/REG", url.Values{"amount": {"999"}, "from": {tomorrow}, "version": {"1"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Someone changed this price")
	assert.Contains(t, body, `value="999"`, "what was typed is kept")
}

func TestBadPriceInputIsRefusedNextToTheField(t *testing.T) {
	e := newEnv(t)
	admin := e.as(handlers.RoleAdmin)
	admin.get("/prices/REG/edit")
	cases := []url.Values{
		{"amount": {"-5"}, "from": {"2030-01-01"}, "version": {"1"}},
		{"amount": {"12.345"}, "from": {"2030-01-01"}, "version": {"1"}},
		{"amount": {"100"}, "from": {"2030-02-30"}, "version": {"1"}},
		{"amount": {"100"}, "from": {"2001-01-01"}, "version": {"1"}},
	}
	for _, form := range cases {
		status, body, _ := admin.post("/prices/REG", form)
		assert.Equal(t, http.StatusUnprocessableEntity, status, form.Encode())
		assert.Regexp(t, `data-error="(amount|from)"`, body, form.Encode())
	}
	svc, err := catalog.New(e.db).Service(context.Background(), "REG")
	require.NoError(t, err)
	assert.Len(t, svc.Prices, 1, "nothing stored")

	clerk := e.as(handlers.RoleBillingClerk)
	status, _, _ := clerk.get("/prices")
	assert.Equal(t, http.StatusOK, status, "billing reads the price list")
	status, _, _ = clerk.post("/prices/REG", url.Values{"amount": {"1"}, "from": {"2030-01-01"}, "version": {"1"}})
	assert.Equal(t, http.StatusForbidden, status, "but cannot change it")
}
