package handlers

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzScannedAccession: whatever a barcode scanner or keyboard sends, an accepted
// accession is exactly L and seven digits (safe to use as a document _id and in a URL).
func FuzzScannedAccession(f *testing.F) {
	for _, s := range []string{"L0000001", " l1234567\r\n", "L12345678", "L123456", "Ｌ1234567", "L１２３４５６７", "{\"$gt\":\"\"}", "L0000001\x00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		acc, ok := scannedAccession(s)
		if !ok {
			return
		}
		if len(acc) != 8 || acc[0] != 'L' {
			t.Fatalf("scannedAccession(%q) = %q accepted", s, acc)
		}
		for _, r := range acc[1:] {
			if r < '0' || r > '9' {
				t.Fatalf("scannedAccession(%q) = %q accepted", s, acc)
			}
		}
		if again, ok := scannedAccession(acc); !ok || again != acc {
			t.Fatalf("not stable: %q → %q", acc, again)
		}
	})
}

// FuzzWholeUnits: a pharmacy quantity is accepted only as 1–9,999,999 whole units written
// in ASCII digits, and means what it says.
func FuzzWholeUnits(f *testing.F) {
	for _, s := range []string{"1", "15", " 007 ", "0", "-1", "2.5", "1e3", "9999999", "10000000", "١٢", "+5", "NaN", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := wholeUnits(s)
		if !ok {
			return
		}
		if n < 1 || n > 9_999_999 {
			t.Fatalf("wholeUnits(%q) = %d", s, n)
		}
		if strconv.FormatInt(n, 10) != strings.TrimLeft(strings.TrimSpace(s), "0") {
			t.Fatalf("wholeUnits(%q) = %d: not the number written", s, n)
		}
	})
}

// FuzzParseDiscount: an invoice discount is either an amount or a percentage (never
// both), never negative, and a percentage is at most 100 %.
func FuzzParseDiscount(f *testing.F) {
	for _, s := range []string{"", "500", "1,250.50", "10%", "100%", "100.01%", "-5%", "%", "1e309", "NaN%", "₹20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		paise, bp, err := parseDiscount(s)
		if err != nil {
			return
		}
		if paise < 0 || bp < 0 || bp > 10000 || (paise > 0 && bp > 0) {
			t.Fatalf("parseDiscount(%q) = %d paise, %d bp", s, paise, bp)
		}
	})
}

// FuzzParseRangeLines: reference ranges typed into the lab catalogue come out ordered
// (low ≤ high, age from < to), for M, F or anyone, and survive being shown and saved again.
func FuzzParseRangeLines(f *testing.F) {
	for _, s := range []string{"M 18-130: 13-17\nF 18-130: 12-15", "any 1-12: 11.5-15.5", "M 18-130: 17-13", "X 1-2: 1-2",
		"any 0-999: 0.-1.", "m 5 - 9 : 1e3-2", "any 1-2: 1.2.3-4", "\n\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, msg := parseRangeLines(s)
		if msg != "" {
			if rs != nil || !utf8.ValidString(msg) {
				t.Fatalf("parseRangeLines(%q): ranges with an error %q", s, msg)
			}
			return
		}
		for _, r := range rs {
			if r.Low > r.High || r.AgeFrom >= r.AgeTo || (r.Sex != "M" && r.Sex != "F" && r.Sex != "") {
				t.Fatalf("parseRangeLines(%q) accepted %+v", s, r)
			}
		}
		shown := formatRangeLines(rs)
		again, msg := parseRangeLines(shown)
		if msg != "" || formatRangeLines(again) != shown {
			t.Fatalf("parseRangeLines(%q): %q does not parse back (%s)", s, shown, msg)
		}
	})
}
