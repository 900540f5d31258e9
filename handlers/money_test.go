package handlers

import "testing"

func TestParseRupees(t *testing.T) {
	good := map[string]int64{"1500": 150000, "1,500.5": 150050, "₹ 12.05": 1205, "0": 0, "0.01": 1}
	for in, want := range good {
		got, err := parseRupees(in)
		if err != nil || got != want {
			t.Errorf("parseRupees(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-5", "1.234", "1e3", "abc", ".5", "12.", "99999999999999", "1 500", "NaN"} {
		if _, err := parseRupees(bad); err == nil {
			t.Errorf("parseRupees(%q) accepted", bad)
		}
	}
	if rupeesInput(150050) != "1500.50" {
		t.Error(rupeesInput(150050))
	}
}

func FuzzParseRupees(f *testing.F) {
	for _, s := range []string{"1500", "1,500.50", "₹1", "-1", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseRupees(s)
		if err == nil && (p < 0 || parseBack(p) != p) {
			t.Fatalf("parseRupees(%q) = %d", s, p)
		}
	})
}

func parseBack(p int64) int64 { v, _ := parseRupees(rupeesInput(p)); return v }
