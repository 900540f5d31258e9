package views

// BillingDeskVM is the billing clerk's home: find a patient, the accounts with unbilled
// charges and the discharges waiting for a final bill.
type BillingDeskVM struct {
	CSRF       string
	Unbilled   []DeskRow
	Discharges []DeskRow
}

// DeskRow is one account on a desk list.
type DeskRow struct {
	PatientID, MRN, Name, Since, Note string
}

// BillAccountVM is the billing account page.
type BillAccountVM struct {
	CSRF           string
	PatientID      string
	Balance        string
	BalanceDue     bool // the patient (or payer) owes
	InCredit       bool
	Charges        string
	Payments       string
	Adjustments    string
	Unbilled       []EncounterVM
	UnbilledTotal  string
	Invoices       []InvoiceRow
	PaymentRows    []LedgerRow
	AdjustmentRows []LedgerRow
	Refunds        []RefundRow
	CanSupervise   bool
	CanPay         bool
	Services       []ServiceOption
	Manual         ManualChargeVM
	Refund         RefundFormVM
	CheckError     string
}

// EncounterVM is one encounter's unbilled charges, by department.
type EncounterVM struct {
	ID, Kind, Total, Count string
	Depts                  []DeptVM
}

// DeptVM is one department's unbilled charges within an encounter.
type DeptVM struct{ Name, Count, Total string }

// InvoiceRow is one invoice or credit note on the account page.
type InvoiceRow struct {
	ID, Kind, Date, Encounter, Total, PatientDue, PayerDue, Status string
}

// LedgerRow is one payment or adjustment.
type LedgerRow struct{ Date, Text, Amount, Ref string }

// RefundRow is a refund waiting for a supervisor.
type RefundRow struct{ ID, Amount, Mode, Reason, By string }

// ServiceOption is a price-list service a clerk may charge by hand.
type ServiceOption struct{ Code, Label string }

// ManualChargeVM is the manual charge form.
type ManualChargeVM struct {
	Service, Qty, Description, Encounter string
	Errors                               map[string]string
}

// RefundFormVM is the refund request form.
type RefundFormVM struct {
	Token, Amount, Mode, Reference, Reason string
	Errors                                 map[string]string
}
