package components

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxBarcodeLen is the longest value Code128 accepts; longer symbols no longer
// fit a wristband or a specimen label at a scannable module width.
const MaxBarcodeLen = 48

// Symbol values with a fixed meaning in code sets B and C.
const (
	c128CodeC  = 99 // in set B: switch to set C
	c128CodeB  = 100
	c128StartB = 104
	c128StartC = 105
	c128Stop   = 106
)

// quietZone is the blank margin, in modules, a scanner needs on each side.
const quietZone = 10

// code128Patterns holds the bar/space module widths of every symbol value,
// bar first; the stop pattern (106) carries its final 2-module bar.
var code128Patterns = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

// Code128 encodes data as a Code 128 symbol and returns the module widths of
// its alternating bars and spaces, starting with a bar: start code, data,
// check symbol and stop pattern. Digit runs use code set C where that is shorter.
func Code128(data string) ([]int, error) {
	if err := checkBarcodeValue(data); err != nil {
		return nil, err
	}
	symbols := code128Symbols(data)
	sum := symbols[0]
	for i, v := range symbols[1:] {
		sum += (i + 1) * v
	}
	symbols = append(symbols, sum%103, c128Stop)

	widths := make([]int, 0, 6*len(symbols)+1)
	for _, v := range symbols {
		for _, w := range code128Patterns[v] {
			widths = append(widths, int(w-'0'))
		}
	}
	return widths, nil
}

func checkBarcodeValue(data string) error {
	if data == "" {
		return errors.New("value is empty")
	}
	if utf8.RuneCountInString(data) > MaxBarcodeLen {
		return fmt.Errorf("value is longer than %d characters", MaxBarcodeLen)
	}
	for _, r := range data {
		if r < 32 || r > 126 {
			return fmt.Errorf("%q cannot be encoded (printable ASCII only)", r)
		}
	}
	return nil
}

// code128Symbols picks start code and code sets with the fewest symbols and
// returns the symbol values without check and stop. data is printable ASCII.
func code128Symbols(data string) []int {
	const b, c = 0, 1
	n := len(data)
	pair := func(i int) bool { return i+1 < n && isDigit(data[i]) && isDigit(data[i+1]) }

	// cost[i][s]: symbols needed for data[i:] while in set s. A switch is only
	// worth it right before encoding in the new set, so each step either
	// encodes in the current set or switches and encodes in the other.
	const never = 1 << 30
	cost := make([][2]int, n+1)
	for i := n - 1; i >= 0; i-- {
		cost[i][b] = 1 + cost[i+1][b]
		cost[i][c] = never
		if pair(i) {
			cost[i][b] = min(cost[i][b], 2+cost[i+2][c])
			cost[i][c] = 1 + cost[i+2][c]
		}
		cost[i][c] = min(cost[i][c], 2+cost[i+1][b])
	}

	set, out := b, []int{c128StartB}
	if cost[0][c] < cost[0][b] {
		set, out = c, []int{c128StartC}
	}
	for i := 0; i < n; {
		// Stay in the current set on a tie: fewer switches read no worse.
		switch {
		case set == b && pair(i) && 2+cost[i+2][c] < 1+cost[i+1][b]:
			set, out = c, append(out, c128CodeC)
		case set == c && (!pair(i) || 2+cost[i+1][b] < 1+cost[i+2][c]):
			set, out = b, append(out, c128CodeB)
		}
		if set == c {
			v, _ := strconv.Atoi(data[i : i+2])
			out = append(out, v)
			i += 2
		} else {
			out = append(out, int(data[i])-32)
			i++
		}
	}
	return out
}

func isDigit(ch byte) bool { return '0' <= ch && ch <= '9' }

// bar is one dark bar of a drawn barcode, in modules from the left edge.
type bar struct{ X, W int }

// barcodeBars turns Code128 widths into the bars to draw, shifted right by the
// quiet zone; spaces are simply the gaps between them.
func barcodeBars(widths []int) []bar {
	bars := make([]bar, 0, len(widths)/2+1)
	x := quietZone
	for i, w := range widths {
		if i%2 == 0 {
			bars = append(bars, bar{X: x, W: w})
		}
		x += w
	}
	return bars
}

// barcodeModules is the drawn width in modules: symbol plus both quiet zones.
func barcodeModules(widths []int) int {
	total := 2 * quietZone
	for _, w := range widths {
		total += w
	}
	return total
}

// barcodeLabelPx is the height, in px, of the text line under a labelled barcode.
const barcodeLabelPx = 16

// defaultBarcodePx is the bar height used when a caller passes no usable height.
const defaultBarcodePx = 40

// barsPx is the bar height in px; a zero or negative height would draw nothing.
func barsPx(heightPx int) int {
	if heightPx <= 0 {
		return defaultBarcodePx
	}
	return heightPx
}

// totalPx is the full drawing height in px, label line included.
func totalPx(heightPx int, label bool) int {
	if label {
		return barsPx(heightPx) + barcodeLabelPx
	}
	return barsPx(heightPx)
}

// half halves n for the module-sized viewBox (1 module = 2 px); an odd n
// gives a half module, which SVG takes fine.
func half(n int) string {
	if n%2 == 0 {
		return strconv.Itoa(n / 2)
	}
	return strconv.Itoa(n/2) + ".5"
}

// barcodeViewBox sizes the drawing in modules so bars land on whole units.
func barcodeViewBox(modules, totalPx int) string {
	return "0 0 " + strconv.Itoa(modules) + " " + half(totalPx)
}
