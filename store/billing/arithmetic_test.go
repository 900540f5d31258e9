package billing_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/billing"
)

func line(net, taxBP int64) billing.Line {
	ch := billing.Charge{Amount: net, TaxBP: taxBP}
	return billing.Line{Net: net, TaxBP: taxBP, Tax: ch.Tax(), Gross: ch.Gross()}
}

func TestInvoiceArithmetic(t *testing.T) {
	tests := []struct {
		name             string
		lines            []billing.Line
		terms            billing.Terms
		gross, tax, disc int64
		insurance        int64
		err              error
	}{
		{"no tax, no discount", []billing.Line{line(60000, 0), line(45000, 0)}, billing.Terms{}, 105000, 0, 0, 0, nil},
		{"tax per line, half up", []billing.Line{line(333, 1800), line(5, 1000)}, billing.Terms{}, 333 + 60 + 5 + 1, 61, 0, 0, nil},
		{"two rates give two tax lines", []billing.Line{line(10000, 500), line(20000, 1800), line(5000, 500)}, billing.Terms{}, 35000 + 750 + 3600, 4350, 0, 0, nil},
		{"discount in paise", []billing.Line{line(100000, 0)}, billing.Terms{Discount: 5000, LimitBP: 1000}, 100000, 0, 5000, 0, nil},
		{"discount percent rounds half up on the total", []billing.Line{line(333, 0)}, billing.Terms{DiscountBP: 1500, LimitBP: 1500}, 333, 0, 50, 0, nil},
		{"discount above the clerk's limit", []billing.Line{line(100000, 0)}, billing.Terms{Discount: 10001, LimitBP: 1000}, 0, 0, 0, 0, billing.ErrDiscountLimit},
		{"negative discount", []billing.Line{line(100000, 0)}, billing.Terms{Discount: -1, LimitBP: 10000}, 0, 0, 0, 0, billing.ErrDiscount},
		{"discount above the bill", []billing.Line{line(100, 0)}, billing.Terms{Discount: 101, LimitBP: 20000}, 0, 0, 0, 0, billing.ErrDiscount},
		{"80% cover, 10% co-pay", []billing.Line{line(100000, 0)}, billing.Terms{CoveragePct: 80, CopayPct: 10}, 100000, 0, 0, 72000, nil},
		{"insurance share rounds half up, patient gets the rest", []billing.Line{line(333, 0)}, billing.Terms{CoveragePct: 50}, 333, 0, 0, 167, nil},
		{"discount then split", []billing.Line{line(99999, 1200)}, billing.Terms{Discount: 999, LimitBP: 1000, CoveragePct: 70, CopayPct: 20}, 99999 + 12000, 12000, 999, roundHalfUp((99999+12000-999)*56, 100), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := billing.Compute(tt.lines, tt.terms)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.gross, got.Gross)
			assert.Equal(t, tt.tax, got.Tax)
			assert.Equal(t, tt.disc, got.Discount)
			assert.Equal(t, tt.insurance, got.Insurance)
			var lines, taxLines int64
			for _, l := range tt.lines {
				lines += l.Gross
			}
			for _, tl := range got.TaxLines {
				taxLines += tl.Tax
			}
			assert.Equal(t, lines, got.Gross, "the lines add up to the gross")
			assert.Equal(t, got.Tax, taxLines, "the tax lines add up to the tax")
			assert.Equal(t, got.Gross-got.Discount, got.Total)
			assert.Equal(t, got.Total, got.Insurance+got.Patient, "the split adds up to the total")
		})
	}
}

func roundHalfUp(num, den int64) int64 { return (num + den/2) / den }
