package opd_test

import (
	"errors"
	"testing"

	"hms/store"
	"hms/store/opd"
)

// FuzzQuantity: the quantity computed for a prescription (frequency code, days, units per
// dose as the doctor types them) is refused with store.ErrInvalid or is a sane count:
// at least one unit and no more than a year of the most frequent dosing at 100 units.
func FuzzQuantity(f *testing.F) {
	for _, fr := range []string{"OD", "BD", "TDS", "QID", "Q8H", "WEEKLY", "STAT", "SOS", "od ", "XYZ", ""} {
		f.Add(fr, 5, 1.0)
		f.Add(fr, 365, 100.0)
		f.Add(fr, 0, 0.5)
		f.Add(fr, -1, -2.0)
	}
	f.Fuzz(func(t *testing.T, freq string, days int, units float64) {
		q, err := opd.Quantity(freq, days, units)
		if err != nil {
			if !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("Quantity(%q, %d, %v): %v is not store.ErrInvalid", freq, days, units, err)
			}
			return
		}
		if q < 1 || q > 24*365*100 {
			t.Fatalf("Quantity(%q, %d, %v) = %d", freq, days, units, q)
		}
	})
}
