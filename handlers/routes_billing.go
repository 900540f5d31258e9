package handlers

// registerBilling declares the routes of the billing desk: accounts, invoices, payments, refunds, claims, day-end.
func (a *App) registerBilling(r *router) {
	r.get("/billing", PermBilling, a.billingHome)
}
