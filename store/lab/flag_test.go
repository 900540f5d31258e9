package lab_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store/catalog"
	"hms/store/lab"
)

func test(code string) catalog.LabTest {
	for _, t := range labTests {
		if t.Code == code {
			return t
		}
	}
	panic(code)
}

func TestFlagsFollowTheRangeForAgeAndSex(t *testing.T) {
	hb := test("HB")
	hb.Ranges = append(hb.Ranges, catalog.RefRange{AgeFrom: 1, AgeTo: 12, Low: 11.5, High: 15.5})
	tests := []struct {
		name string
		sex  string
		age  int
		v    float64
		want string
	}{
		{"man, normal", "M", 40, 14, ""},
		{"man, at the low limit", "M", 40, 13, ""},
		{"man, just below", "M", 40, 12.9, lab.FlagLow},
		{"woman, the same value is normal", "F", 40, 12.9, ""},
		{"woman, at the high limit", "F", 40, 15, ""},
		{"woman, just above", "F", 40, 15.1, lab.FlagHigh},
		{"man, at the critical low limit", "M", 40, 7, lab.FlagLow},
		{"man, below the critical limit", "M", 40, 6.9, lab.FlagCriticalLow},
		{"at the critical high limit", "M", 40, 20, lab.FlagHigh},
		{"above the critical high limit", "F", 40, 20.1, lab.FlagCriticalHigh},
		{"child band", "M", 6, 11.6, ""},
		{"child band, low", "F", 6, 11.4, lab.FlagLow},
		{"age 12 leaves the child band", "M", 12, 11.4, ""}, // no band for 12–17: no L/H
		{"no band, still critical", "M", 15, 6, lab.FlagCriticalLow},
		{"age 18 enters the adult band", "M", 18, 12.9, lab.FlagLow},
		{"unknown sex, adult: no sex-specific range", "U", 40, 12.5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, lab.Flag(hb, tt.sex, tt.age, tt.v))
		})
	}
}

func TestParseRefusesWhatNoPatientCanHave(t *testing.T) {
	tests := []struct {
		name, code, raw string
		want            string // value stored, or "" when refused
		flag            string
		err             string
	}{
		{"plain number", "GLU-F", "110", "110", lab.FlagHigh, ""},
		{"with the right unit", "GLU-F", "95 mg/dl", "95", "", ""},
		{"critical", "GLU-F", "520", "520", lab.FlagCriticalHigh, ""},
		{"µ spelt u", "PLT", "250 10^3/uL", "250", "", ""},
		{"text where a number belongs", "HB", "high", "", "", "needs a number"},
		{"empty", "HB", "  ", "", "", "enter a result"},
		{"negative haemoglobin", "HB", "-4", "", "", "cannot be negative"},
		{"impossible haemoglobin", "HB", "2500", "", "", "not a possible value"},
		{"unit mismatch", "GLU-F", "5.5 mmol/L", "", "", "reported in mg/dL, not mmol/L"},
		{"coded", "U-PROT", "trace", "Trace", "", ""},
		{"coded, unknown answer", "U-PROT", "lots", "", "", "one of Nil, Trace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := lab.Parse(test(tt.code), tt.raw, "M", 40)
			if tt.err != "" {
				require.ErrorIs(t, err, lab.ErrValue)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Value)
			assert.Equal(t, tt.flag, r.Flag)
		})
	}
}
