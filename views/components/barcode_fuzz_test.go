package components

import "testing"

// FuzzCode128 checks that any value a scanner or a user could hand the label printer is
// either refused with an error or encoded into bars that read back as exactly that value.
func FuzzCode128(f *testing.F) {
	for _, s := range []string{"100042", "MRN 100042", "L26-000123", "DL0000001", "", "é", "\x00", "12345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		widths, err := Code128(s)
		if err != nil {
			return
		}
		if d := decodeCode128(t, widths); d.text != s {
			t.Fatalf("Code128(%q) reads back as %q", s, d.text)
		}
	})
}
