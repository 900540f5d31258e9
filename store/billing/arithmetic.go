package billing

import (
	"fmt"

	"hms/store"
)

// The rounding rule, stated once: every amount is whole paise, and a computed amount is
// rounded half up to the paisa exactly once, where it is computed — a line's tax on
// the line (Charge.Tax), a percentage (discount, insurance share) on the invoice total.
// Totals are sums of rounded lines, and a total is split as x and total − x, so the
// lines always add up to the invoice total.
func roundShare(amount, num, den int64) int64 {
	if den == 0 {
		return 0
	}
	return (amount*num + den/2) / den
}

// Line is one charge as an invoice prints it.
type Line struct {
	ChargeID    string `bson:"charge_id"`
	Description string `bson:"description"`
	Department  string `bson:"department"`
	Code        string `bson:"code"`
	Qty         int64  `bson:"qty"`
	Unit        int64  `bson:"unit"`
	Net         int64  `bson:"net"`
	TaxBP       int64  `bson:"tax_bp"`
	Tax         int64  `bson:"tax"`
	Gross       int64  `bson:"gross"`
}

// LineOf copies a charge onto an invoice line.
func LineOf(ch Charge) Line {
	return Line{ChargeID: ch.ID, Description: ch.Description, Department: ch.Department, Code: ch.ServiceCode,
		Qty: ch.Qty, Unit: ch.UnitPrice, Net: ch.Amount, TaxBP: ch.TaxBP, Tax: ch.Tax(), Gross: ch.Gross()}
}

// Terms are the discount and insurance an invoice is drawn with.
type Terms struct {
	Discount    int64 // paise; or
	DiscountBP  int64 // a percentage in basis points of the gross (1000 = 10%)
	LimitBP     int64 // the most the person drawing the invoice may give
	CoveragePct int64 // the plan's share of the bill
	CopayPct    int64 // the patient's share of the covered part
}

// TaxLine is the tax at one rate.
type TaxLine struct {
	RateBP  int64 `bson:"rate_bp"`
	Taxable int64 `bson:"taxable"`
	Tax     int64 `bson:"tax"`
}

// Totals are an invoice's figures.
type Totals struct {
	Net       int64     `bson:"net"`
	Tax       int64     `bson:"tax"`
	Gross     int64     `bson:"gross"`
	Discount  int64     `bson:"discount"`
	Total     int64     `bson:"total"`
	Insurance int64     `bson:"insurance"` // the payer's share of Total
	Patient   int64     `bson:"patient"`   // Total − Insurance
	TaxLines  []TaxLine `bson:"tax_lines"`
}

// Errors of invoice arithmetic the desk shows next to the field.
var (
	ErrDiscountLimit = fmt.Errorf("%w: the discount is above what you may give", store.ErrInvalid)
	ErrDiscount      = fmt.Errorf("%w: a discount cannot be negative or more than the bill", store.ErrInvalid)
)

// Compute works out an invoice's totals from its lines and terms.
func Compute(lines []Line, t Terms) (Totals, error) {
	var out Totals
	byRate := map[int64]int{}
	for _, l := range lines {
		out.Net += l.Net
		out.Tax += l.Tax
		out.Gross += l.Gross
		i, ok := byRate[l.TaxBP]
		if !ok && l.TaxBP > 0 {
			byRate[l.TaxBP] = len(out.TaxLines)
			out.TaxLines = append(out.TaxLines, TaxLine{RateBP: l.TaxBP})
			i = len(out.TaxLines) - 1
		}
		if l.TaxBP > 0 {
			out.TaxLines[i].Taxable += l.Net
			out.TaxLines[i].Tax += l.Tax
		}
	}
	out.Discount = t.Discount
	if t.DiscountBP > 0 {
		out.Discount = roundShare(out.Gross, t.DiscountBP, 10000)
	}
	switch {
	case out.Discount < 0 || out.Discount > out.Gross || t.DiscountBP > 10000:
		return out, ErrDiscount
	case out.Discount > roundShare(out.Gross, t.LimitBP, 10000):
		return out, ErrDiscountLimit
	}
	out.Total = out.Gross - out.Discount
	cov, copay := min(max(t.CoveragePct, 0), 100), min(max(t.CopayPct, 0), 100)
	out.Insurance = roundShare(out.Total, cov*(100-copay), 10000)
	out.Patient = out.Total - out.Insurance
	return out, nil
}

// creditFor is what a credit note gives back for one of the invoice's charges: its
// gross less its share of the invoice discount.
func (inv Invoice) creditFor(ch Charge) int64 {
	g := ch.Gross()
	return g - roundShare(inv.Totals.Discount, g, inv.Totals.Gross)
}
