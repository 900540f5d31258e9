package lab_test

import (
	"errors"
	"math"
	"strconv"
	"testing"

	"hms/store/catalog"
	"hms/store/lab"
)

// FuzzParse: whatever a technician types as a result, an accepted number is a real,
// non-negative, plausible value that reads back as itself, a coded result is one of the
// test's codes, and anything else is refused with lab.ErrValue (never a panic).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"13.5", "110 mg/dL", "110mg/dl", "12 g/L", "-1", "NaN", "1e309", "Inf", "0x1p-2", "2+", "trace",
		"1e3", "5 mmol/L", "999999", "\x00", "１２"} {
		f.Add(s, "HB")
		f.Add(s, "GLU-F")
		f.Add(s, "U-PROT")
	}
	f.Fuzz(func(t *testing.T, raw, code string) {
		tc, ok := labTestByCode(code)
		if !ok {
			return
		}
		r, err := lab.Parse(tc, raw, "F", 40)
		if err != nil {
			if !errors.Is(err, lab.ErrValue) {
				t.Fatalf("Parse(%q, %s): %v is not a lab.ErrValue", raw, code, err)
			}
			return
		}
		if len(tc.Codes) > 0 {
			for _, c := range tc.Codes {
				if r.Value == c {
					return
				}
			}
			t.Fatalf("Parse(%q, %s) = %q: not one of the codes", raw, code, r.Value)
		}
		if r.Num == nil || math.IsNaN(*r.Num) || math.IsInf(*r.Num, 0) || *r.Num < 0 {
			t.Fatalf("Parse(%q, %s) accepted %v", raw, code, r.Num)
		}
		if v, err := strconv.ParseFloat(r.Value, 64); err != nil || v != *r.Num {
			t.Fatalf("Parse(%q, %s): value %q does not read back as %v", raw, code, r.Value, *r.Num)
		}
		if again, err := lab.Parse(tc, r.Value, "F", 40); err != nil || *again.Num != *r.Num || again.Flag != r.Flag {
			t.Fatalf("Parse(%q, %s): the stored value %q is refused or flagged differently (%v)", raw, code, r.Value, err)
		}
	})
}

func labTestByCode(code string) (lt catalog.LabTest, ok bool) {
	for _, t := range labTests {
		if t.Code == code && len(t.Components) == 0 {
			return t, true
		}
	}
	return lt, false
}
