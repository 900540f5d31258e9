package handlers

// registerBilling declares the routes of the billing desk: accounts, invoices, payments, refunds, claims, day-end.
func (a *App) registerBilling(r *router) {
	r.get("/billing", PermBilling, a.billingHome)
	r.post("/billing/search", PermBilling, a.billingSearch)
	r.post("/billing/find", PermBilling, a.billingFind)
	r.get("/billing/accounts/:id", PermBilling, a.billingAccount)
	r.post("/billing/accounts/:id/charges", PermBilling, a.billingManualCharge)
	r.post("/billing/charges/reverse", PermBilling, a.billingReverse)
	r.get("/billing/accounts/:id/invoice", PermBilling, a.invoiceDraft)
	r.post("/billing/accounts/:id/invoices", PermBilling, a.invoiceCreate)
	r.get("/billing/invoices/:inv", PermBilling, a.invoiceShow)
	r.post("/billing/invoices/:inv/cancel", PermBillingSupervise, a.invoiceCancel)
	r.get("/billing/accounts/:id/pay", PermPayments, a.paymentForm)
	r.post("/billing/accounts/:id/payments", PermPayments, a.paymentCreate)
	r.get("/billing/payments/:pay", PermPayments, a.receipt)
	r.post("/billing/accounts/:id/refunds", PermPayments, a.refundRequest)
	r.post("/billing/refunds/:pay/approve", PermBillingSupervise, a.refundApprove)
	r.post("/billing/refunds/:pay/reject", PermBillingSupervise, a.refundReject)
	r.post("/billing/invoices/:inv/claim", PermBilling, a.claimCreate)
	r.get("/billing/claims", PermBilling, a.claimsList)
	r.get("/billing/claims/:claim", PermBilling, a.claimShow)
	r.post("/billing/claims/:claim/act", PermBilling, a.claimAct)
	r.get("/billing/day", PermPayments, a.dayShow)
	r.post("/billing/day/opening", PermPayments, a.dayOpening)
	r.post("/billing/day/close", PermBillingSupervise, a.dayClose)
}
