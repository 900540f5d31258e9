package components

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decoded is a Code 128 symbol read back from its widths.
type decoded struct {
	start  int
	values []int // data symbols between start and check
	check  int
	text   string
}

// decodeCode128 reads widths back into symbol values with the shared pattern
// table, checks the stop pattern and symbol count, and interprets sets B and C.
func decodeCode128(t *testing.T, widths []int) decoded {
	t.Helper()
	require.GreaterOrEqual(t, len(widths), 6*3+7, "start, check and stop at least")
	require.Zero(t, (len(widths)-7)%6, "whole 6-element symbols before the 7-element stop")

	stop := widthString(widths[len(widths)-7:])
	require.Equal(t, code128Patterns[c128Stop], stop, "stop pattern")

	lookup := map[string]int{}
	for v, p := range code128Patterns {
		lookup[p] = v
	}
	var symbols []int
	for i := 0; i < len(widths)-7; i += 6 {
		v, ok := lookup[widthString(widths[i:i+6])]
		require.True(t, ok, "unknown pattern at element %d", i)
		symbols = append(symbols, v)
	}

	d := decoded{start: symbols[0], values: symbols[1 : len(symbols)-1], check: symbols[len(symbols)-1]}
	var text strings.Builder
	set := map[int]byte{c128StartB: 'B', c128StartC: 'C'}[d.start]
	require.NotZero(t, set, "start code %d is neither B nor C", d.start)
	for _, v := range d.values {
		switch {
		case set == 'B' && v == c128CodeC:
			set = 'C'
		case set == 'C' && v == c128CodeB:
			set = 'B'
		case set == 'B':
			require.Less(t, v, 95, "set B data value")
			text.WriteByte(byte(v + 32))
		default:
			require.Less(t, v, 100, "set C data value")
			fmt.Fprintf(&text, "%02d", v)
		}
	}
	d.text = text.String()
	return d
}

func widthString(ws []int) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString(strconv.Itoa(w))
	}
	return b.String()
}

func TestCode128PatternTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for v, p := range code128Patterns {
		sum, bars := 0, 0
		for i, ch := range p {
			sum += int(ch - '0')
			if i%2 == 0 {
				bars += int(ch - '0')
			}
		}
		want := 11
		if v == c128Stop {
			want = 13
		}
		assert.Equal(t, want, sum, "modules of symbol %d", v)
		assert.Zero(t, bars%2, "bar modules of symbol %d must be even", v)
		assert.False(t, seen[p], "pattern of symbol %d repeats", v)
		seen[p] = true
	}
}

func TestCode128RoundTrips(t *testing.T) {
	for _, in := range []string{"100042", "MRN 100042", "A", "12345678901", "ab12cd3456", "Baby-of 9"} {
		t.Run(in, func(t *testing.T) {
			widths, err := Code128(in)
			require.NoError(t, err)
			d := decodeCode128(t, widths)

			assert.Contains(t, []int{c128StartB, c128StartC}, d.start)
			sum := d.start
			for i, v := range d.values {
				sum += (i + 1) * v
			}
			assert.Equal(t, sum%103, d.check, "modulo-103 check symbol")
			assert.Equal(t, in, d.text)

			symbols := 1 + len(d.values) + 1
			total := 0
			for _, w := range widths {
				total += w
			}
			assert.Equal(t, 11*symbols+13, total, "module count")
			assert.Equal(t, 1, len(widths)%2, "starts and ends with a bar")
		})
	}
}

func TestCode128UsesSetCForDigits(t *testing.T) {
	widths, err := Code128("100042")
	require.NoError(t, err)
	d := decodeCode128(t, widths)
	assert.Equal(t, c128StartC, d.start)
	assert.Equal(t, []int{10, 0, 42}, d.values, "three digit pairs, no switches")

	// A trailing run of four digits is worth a switch; a pair in the middle is not.
	widths, err = Code128("ab12cd3456")
	require.NoError(t, err)
	d = decodeCode128(t, widths)
	assert.Equal(t, c128StartB, d.start)
	assert.Equal(t, []int{'a' - 32, 'b' - 32, '1' - 32, '2' - 32, 'c' - 32, 'd' - 32, c128CodeC, 34, 56}, d.values)
}

func TestCode128RefusesBadValues(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"too long":  strings.Repeat("1", MaxBarcodeLen+1),
		"non-ASCII": "é",
		"control":   "\x00",
		"DEL":       "A\x7f",
	} {
		t.Run(name, func(t *testing.T) {
			widths, err := Code128(in)
			assert.Error(t, err)
			assert.Nil(t, widths)
		})
	}
	_, err := Code128(strings.Repeat("x", MaxBarcodeLen))
	assert.NoError(t, err, "exactly the limit is fine")
}

func TestBarcodeBarsSkipSpacesAndQuietZone(t *testing.T) {
	assert.Equal(t, []bar{{X: 10, W: 2}, {X: 13, W: 3}}, barcodeBars([]int{2, 1, 3}))
	assert.Equal(t, 26, barcodeModules([]int{2, 1, 3}))
}

func renderBarcode(t *testing.T, value string, heightPx int, label bool) string {
	t.Helper()
	var sb strings.Builder
	require.NoError(t, Barcode(value, heightPx, label).Render(context.Background(), &sb))
	return sb.String()
}

func TestBarcodeRendersSVGWithoutInlineStyles(t *testing.T) {
	html := renderBarcode(t, "MRN 100042", 40, true)
	assert.Contains(t, html, "<svg")
	assert.Contains(t, html, `role="img"`)
	assert.Contains(t, html, `aria-label="Barcode MRN 100042"`)
	assert.Contains(t, html, `data-testid="barcode"`)
	assert.Contains(t, html, "<rect")
	assert.Contains(t, html, `font-family="monospace"`)
	assert.Contains(t, html, ">MRN 100042</text>")
	assert.NotContains(t, html, "style=", "the CSP forbids inline styles")

	widths, err := Code128("MRN 100042")
	require.NoError(t, err)
	modules := barcodeModules(widths)
	assert.Contains(t, html, fmt.Sprintf(`width="%d"`, modules*2))
	assert.Contains(t, html, fmt.Sprintf(`viewBox="0 0 %d 28"`, modules), "40 px bars + 16 px label, in 2 px modules")
	assert.Contains(t, html, `height="56"`)
	assert.Equal(t, len(barcodeBars(widths))+1, strings.Count(html, "<rect"), "bars plus the white background")

	plain := renderBarcode(t, "100042", 41, false)
	assert.NotContains(t, plain, "<text")
	assert.Contains(t, plain, `height="41"`)
	assert.Contains(t, plain, `height="20.5"`, "odd pixel heights become half modules")
}

func TestBarcodeEscapesHostileValue(t *testing.T) {
	html := renderBarcode(t, "<script>alert(1)</script>", 40, true)
	assert.Contains(t, html, "<svg", "'<' is printable ASCII, so it encodes")
	assert.NotContains(t, html, "<script>")
	assert.Contains(t, html, "&lt;script&gt;")
	assert.NotContains(t, html, "style=")
}

func TestBarcodeShowsErrorInsteadOfSVG(t *testing.T) {
	for _, in := range []string{"", "é", strings.Repeat("9", MaxBarcodeLen+1)} {
		html := renderBarcode(t, in, 40, true)
		assert.Contains(t, html, `data-testid="barcode-error"`)
		assert.Contains(t, html, "No barcode:")
		assert.NotContains(t, html, "<svg")
	}
}
