package lab

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"hms/store/catalog"
)

// Flags of a numeric result.
const (
	FlagLow          = "L"
	FlagHigh         = "H"
	FlagCriticalLow  = "LL"
	FlagCriticalHigh = "HH"
)

// implausibleFactor: a value more than this many times the top of the test's range (or
// its critical high limit) is taken for a typing or unit error and refused.
const implausibleFactor = 100

// RangeFor returns the reference range that applies to a patient of sex and age in
// whole years: a range for the patient's sex first, then one for either sex; nil when
// the catalogue has none for that age.
func RangeFor(t catalog.LabTest, sex string, age int) *catalog.RefRange {
	var any *catalog.RefRange
	for i, r := range t.Ranges {
		if age < r.AgeFrom || age >= r.AgeTo {
			continue
		}
		if r.Sex != "" && r.Sex == sex {
			return &t.Ranges[i]
		}
		if r.Sex == "" && any == nil {
			any = &t.Ranges[i]
		}
	}
	return any
}

// Flag returns the flag of a numeric value: LL/HH beyond the critical limits, L/H outside
// the patient's reference range, "" within it. A value equal to a limit is within it.
func Flag(t catalog.LabTest, sex string, age int, v float64) string {
	switch {
	case t.CriticalLow != nil && v < *t.CriticalLow:
		return FlagCriticalLow
	case t.CriticalHigh != nil && v > *t.CriticalHigh:
		return FlagCriticalHigh
	}
	r := RangeFor(t, sex, age)
	switch {
	case r == nil:
		return ""
	case v < r.Low:
		return FlagLow
	case v > r.High:
		return FlagHigh
	}
	return ""
}

// ErrValue is a result the lab must not store; its message says why.
var ErrValue = errors.New("lab: invalid result")

// Parse checks one entered result of test t and returns it flagged for the patient.
// A numeric value may carry its unit ("110 mg/dL"); another unit is refused, as are
// text where a number belongs, negative values and values no patient can have.
func Parse(t catalog.LabTest, raw, sex string, age int) (Result, error) {
	raw = strings.TrimSpace(raw)
	r := Result{Code: t.Code, Name: t.Name, Kind: t.ResultKind(), Unit: t.Unit}
	if raw == "" {
		return r, fmt.Errorf("%w: enter a result for %s", ErrValue, t.Name)
	}
	switch r.Kind {
	case catalog.ResultCoded:
		for _, c := range t.Codes {
			if strings.EqualFold(c, raw) {
				r.Value = c
				return r, nil
			}
		}
		return r, fmt.Errorf("%w: %s is reported as one of %s", ErrValue, t.Name, strings.Join(t.Codes, ", "))
	case catalog.ResultText:
		if len(raw) > 500 {
			return r, fmt.Errorf("%w: at most 500 characters", ErrValue)
		}
		r.Value = raw
		return r, nil
	}
	num, unit := splitUnit(raw)
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return r, fmt.Errorf("%w: %s needs a number%s", ErrValue, t.Name, unitHint(t.Unit))
	}
	if unit != "" && !sameUnit(unit, t.Unit) {
		if t.Unit == "" {
			return r, fmt.Errorf("%w: %s has no unit; enter the number alone", ErrValue, t.Name)
		}
		return r, fmt.Errorf("%w: %s is reported in %s, not %s", ErrValue, t.Name, t.Unit, unit)
	}
	if v < 0 {
		return r, fmt.Errorf("%w: %s cannot be negative", ErrValue, t.Name)
	}
	if t.Unit == "%" && v > 100 {
		return r, fmt.Errorf("%w: a percentage cannot exceed 100", ErrValue)
	}
	if top := plausibleTop(t); top > 0 && v > top*implausibleFactor {
		return r, fmt.Errorf("%w: %s of %s%s is not a possible value; check the number and the unit", ErrValue, t.Name, num, unitHint(t.Unit))
	}
	r.Value, r.Num = strconv.FormatFloat(v, 'f', -1, 64), &v
	if rg := RangeFor(t, sex, age); rg != nil {
		r.Range = FormatNum(rg.Low) + "–" + FormatNum(rg.High)
	}
	r.Flag = Flag(t, sex, age, v)
	return r, nil
}

// plausibleTop is the largest bound the catalogue gives for t (0: none).
func plausibleTop(t catalog.LabTest) float64 {
	top := 0.0
	for _, r := range t.Ranges {
		top = max(top, r.High)
	}
	if t.CriticalHigh != nil {
		top = max(top, *t.CriticalHigh)
	}
	return top
}

// splitUnit separates "110 mg/dL" (or "110mg/dL") into number and unit.
func splitUnit(s string) (string, string) {
	i := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E')
	})
	if i < 0 {
		return s, ""
	}
	// "1e3" is a number; "5 mmol/L" has a space; "12g/dL" is glued.
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
}

// sameUnit compares units ignoring case, spaces and the µ/u spelling.
func sameUnit(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
		return strings.NewReplacer("µ", "u", "μ", "u").Replace(s)
	}
	return norm(a) == norm(b)
}

func unitHint(unit string) string {
	if unit == "" {
		return ""
	}
	return " (in " + unit + ")"
}

// FormatNum writes a number with as many decimals as it has (13, 4.5, 1.005).
func FormatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// AgeYears is the age in whole years on day of someone born on dob.
func AgeYears(dob, day time.Time) int {
	if dob.IsZero() {
		return 0
	}
	y := day.Year() - dob.Year()
	if day.Month() < dob.Month() || (day.Month() == dob.Month() && day.Day() < dob.Day()) {
		y--
	}
	return max(y, 0)
}
