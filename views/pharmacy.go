package views

import "hms/views/components"

// PharmacyNav is the pharmacy's own links, shown above each of its pages.
type PharmacyNav struct {
	Active                 string // queue, stock, grn, alerts, formulary, interactions
	CanView, CanDispense   bool   // CanView: the pharmacy's own pages (an administrator edits the drug master only)
	CanStock, CanFormulary bool
	LowCount, ExpiredCount int // shown on the Alerts link when known
}

// PharmacyQueueRow is one prescription or ward order waiting on the pharmacy.
type PharmacyQueueRow struct {
	ItemID, Kind, MRN, Name, Where   string
	Priority, PriorityColour, Status string
	StatusColour, Summary, Arrived   string
	Href                             string
	Stat                             bool
}

// PharmacyQueueVM is the dispense queue, the pharmacist's home page.
type PharmacyQueueVM struct {
	Nav                  PharmacyNav
	Rows                 []PharmacyQueueRow
	Version, PollHeaders string
}

// PollVals sends the shown version, so "nothing changed" is answered with 204.
func (vm PharmacyQueueVM) PollVals() string { return `{"v":"` + vm.Version + `"}` }

// Warning is one check shown to the pharmacist.
type Warning struct {
	Severity, Text string // severity: major, moderate, minor, allergy
}

// DispenseOrderVM is one order on the dispense page with its form.
type DispenseOrderVM struct {
	Ref, Drug, Directions, Unit     string
	Ordered, Dispensed, Pending     string
	Qty                             string // proposed or as entered
	Batch, Brand                    string // selected
	Batches, Brands                 []components.Option
	Warnings                        []Warning
	Errors                          map[string]string
	Done, Stopped, NoStock, Focused bool
	OutOfStockNote                  string
}

// DispenseLineVM is one dispensed line with its label and return form.
type DispenseLineVM struct {
	ID, Drug, Brand, Batch, Expiry, Qty, Returned, Amount, At, By, Status string
	Substituted                                                           string
	CanReturn                                                             bool
	ReturnError                                                           string
	Returns                                                               []string
}

// DispenseVM is the dispense page of one worklist item.
type DispenseVM struct {
	Nav        PharmacyNav
	CSRF       string
	ItemID     string
	Title      string // "OPD prescription · Medicine" / "Ward order · W1 bed 3"
	Banner     BannerVM
	OtherMeds  []string
	Orders     []DispenseOrderVM
	Lines      []DispenseLineVM
	FormError  string
	Notice     string
	CloseError string
	OnList     bool
}

// LabelVM is one printable dispensing label.
type LabelVM struct {
	Hospital, LineID, Name, MRN, Drug, Brand, Directions string
	Qty, Batch, Expiry, Dispensed, By, Where, Back       string
}

// StockRow is one drug on the stock page.
type StockRow struct {
	Code, Drug, Unit, Usable, Reorder, NextExpiry string
	Low                                           bool
	Batches                                       []StockBatchRow
}

// StockBatchRow is one batch with stock.
type StockBatchRow struct {
	ID, BatchNo, Brand, Expiry, Qty, Price string
	Expired, Soon                          bool
}

// StockVM is the stock page.
type StockVM struct {
	Nav    PharmacyNav
	Query  string
	Rows   []StockRow
	Shown  int
	Total  int
	Notice string
}

// StockLedgerRow is one ledger entry of a batch.
type StockLedgerRow struct {
	Seq, At, Kind, Qty, Balance, Reason, Ref, By string
	Out                                          bool
}

// BatchVM is one batch: its details, its ledger and the adjustment form.
type BatchVM struct {
	Nav                                     PharmacyNav
	CSRF                                    string
	ID, BatchNo, Drug, DrugCode, Brand      string
	Expiry, Qty, Cost, Price, Supplier, GRN string
	Expired                                 bool
	Ledger                                  []StockLedgerRow
	CanAdjust                               bool
	Fields                                  []components.Field
	FormError                               string
}

// GRNLineVM is one line of the goods received form, as entered, with its errors.
type GRNLineVM struct {
	N                                              int
	Drug, BatchNo, Brand, Expiry, Qty, Cost, Price string
	Errors                                         map[string]string
}

// GRNFormVM is the goods received note form.
type GRNFormVM struct {
	Nav               PharmacyNav
	CSRF              string
	Supplier, Invoice string
	Errors            map[string]string
	Lines             []GRNLineVM
	Drugs             []components.Option
	FormError         string
}

// GRNVM is a posted goods received note.
type GRNVM struct {
	Nav                                PharmacyNav
	ID, Supplier, Invoice, At, By, Sum string
	Status                             string
	Lines                              []GRNLineVM
}

// AlertRow is one line of the alerts page.
type AlertRow struct {
	Drug, Code, Batch, BatchID, Expiry, Qty, Detail string
}

// AlertsVM is the stock alerts page.
type AlertsVM struct {
	Nav                     PharmacyNav
	Low, Expired            []AlertRow
	In30, In60, In90        []AlertRow
	CheckProblems           []string
	Checked, CheckedBatches string
	CanCheck                bool
	CSRF                    string
}

// InteractionRow is one known interaction.
type InteractionRow struct {
	ID, A, B, Severity, SeverityColour, Note, Updated string
}

// InteractionsVM is the interaction list and, for the formulary editor, its form.
type InteractionsVM struct {
	Nav       PharmacyNav
	CSRF      string
	Rows      []InteractionRow
	CanEdit   bool
	Generics  []components.Option
	A, B      string
	Severity  string
	Note      string
	Errors    map[string]string
	FormError string
}

// DrugFormVM is the edit form of one formulary entry.
type DrugFormVM struct {
	Nav       PharmacyNav
	CSRF      string
	Code      string
	Fields    []components.Field
	FormError string
}

// FormularyURL is the formulary page the user may open.
func (n PharmacyNav) FormularyURL() string {
	if n.CanView {
		return "/pharmacy/formulary"
	}
	return "/pharmacy/drugs"
}

// InteractionsURL is the interactions page the user may open.
func (n PharmacyNav) InteractionsURL() string {
	if n.CanView {
		return "/pharmacy/interactions"
	}
	return "/pharmacy/drugs/interactions"
}
