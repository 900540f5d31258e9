package store

// Collections and indexes of the billing desk: invoices, payments, claims (store/billing).
// Every read of these is by _id (per-patient ledger pages, per-day and per-list
// documents), so they need no secondary index.
const (
	CollLedger   = "billing_ledger"   // <patient>:<page> → that page's ledger entries and their sums
	CollInvoices = "billing_invoices" // _id = invoice number INV-0000001; credit notes CN-0000001
	CollPayments = "billing_payments" // _id = PAY- + the form's idempotency token; refunds RF-…
	CollBillKeys = "billing_keys"     // insert-once keys: pay:<mode>:<reference> → payment id
	CollCashDays = "billing_days"     // day:<date>:<cashier> → that cashier's cash-up for the day
	CollClaims   = "billing_claims"   // _id = claim number CLM-0000001
	CollBillList = "billing_lists"    // unbilled (accounts with unbilled charges), claims (open claims)
)

var billingCollections = []string{CollLedger, CollInvoices, CollPayments, CollBillKeys, CollCashDays, CollClaims, CollBillList}

var billingIndexes = []Index{}
