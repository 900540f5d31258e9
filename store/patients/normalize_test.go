package patients_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"hms/store/patients"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"  José   D'Souza":   "jose d souza",
		"jose d souza":       "jose d souza",
		"RAJESH":             "rajesh",
		"Zoë-Renée":          "zoe renee",
		"O'Brien, Jr.":       "o brien jr",
		"Ångström":           "angstrom",
		"Nguyễn Văn Ánh":     "nguyen van anh",
		"Ça\tva\n":           "ca va",
		"D’Souza":            "d souza",
		"Bed 12-B":           "bed 12 b",
		"":                   "",
		"  ...  ":            "",
		"राम शर्मा":          "राम शरमा", // a vowel sign is part of the word; the virama is dropped like an accent
		`{"$gt":""}`:         "gt",
		"<script>x</script>": "script x script",
	} {
		assert.Equal(t, want, patients.Fold(in), "%q", in)
	}
	assert.Equal(t, []string{"jose", "d", "souza"}, patients.Tokens("José D'Souza"))
	assert.Equal(t, []string{"राम", "शरमा"}, patients.Tokens(" राम  शर्मा "), "an Indian-script name is two words, not four letters")
	assert.Len(t, patients.Tokens("ಸೀತಾ ದೇವಿ"), 2, "Kannada too")
	assert.Len(t, patients.Tokens("சீதா லட்சுமி"), 2, "Tamil too")
	assert.Equal(t, "José D'Souza", patients.CleanName("  José \t D'Souza "), "CleanName keeps case and accents")
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"9845012345":       "9845012345",
		"+91 98450 12345":  "9845012345",
		"+91-98450-12345":  "9845012345",
		"+919845012345":    "9845012345",
		"919845012345":     "9845012345",
		"098450 12345":     "9845012345",
		"  98450-12345  ":  "9845012345",
		"98450.12345":      "9845012345",
		"(98450) 12345":    "9845012345",
		"080 2222 3333":    "8022223333", // a Bengaluru landline with its trunk zero
		"+1 415 555 0100":  "14155550100",
		"9845O12345":       "", // a letter O
		"98450abcde":       "",
		"call me":          "",
		"9845012345 ext 2": "",
		"+91+9845012345":   "",
		"12345":            "",
		"":                 "",
		"+":                "",
		"1234567890123456": "",
		"९८४५०१२३४५":       "", // Devanagari digits are not accepted (yet)
	} {
		assert.Equal(t, want, patients.NormalizePhone(in), "%q", in)
	}
}

func TestNormalizeID(t *testing.T) {
	for in, want := range map[string]string{
		"1234 5678 9012":       "123456789012",
		"1234-5678-9012":       "123456789012",
		"123456789012":         "123456789012",
		"ab 1234567":           "AB1234567",
		" dl-0420110012345":    "DL0420110012345",
		"1234\u00a05678\t9012": "123456789012", // a no-break space pasted from a PDF, a tab
		"":                     "",
	} {
		assert.Equal(t, want, patients.NormalizeID(in), "%q", in)
	}
}

func TestAgeOn(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	for _, c := range []struct {
		name     string
		dob, day time.Time
		want     string
	}{
		{"an adult the day before the birthday", date(1980, 3, 14), date(2026, 3, 13), "45y"},
		{"an adult on the birthday", date(1980, 3, 14), date(2026, 3, 14), "46y"},
		{"a toddler a day short of two", date(2024, 1, 15), date(2026, 1, 14), "23m"},
		{"a toddler on the second birthday", date(2024, 1, 15), date(2026, 1, 15), "2y"},
		{"born on 29 February, a day short of two", date(2024, 2, 29), date(2026, 2, 28), "23m"},
		{"born on 29 February, past two", date(2024, 2, 29), date(2026, 3, 1), "2y"},
		{"an infant of one month", date(2025, 11, 20), date(2025, 12, 20), "1m"},
		{"an infant of two months", date(2025, 11, 20), date(2026, 2, 19), "2m"},
		{"a day short of a month", date(2025, 11, 20), date(2025, 12, 19), "29d"},
		{"born on the 31st, seen on 28 February", date(2026, 1, 31), date(2026, 2, 28), "28d"},
		{"born today", date(2026, 1, 10), date(2026, 1, 10), "0d"},
		{"born today, seen in the afternoon", date(2026, 1, 10), time.Date(2026, 1, 10, 15, 0, 0, 0, time.UTC), "0d"},
		{"three days old", date(2026, 1, 10), date(2026, 1, 13), "3d"},
		{"one day old, seen early morning in the hospital's zone", date(2026, 1, 10), time.Date(2026, 1, 11, 3, 0, 0, 0, ist), "1d"},
		{"a date of birth after the day", date(2026, 1, 10), date(2026, 1, 9), "0d"},
		{"no date of birth", time.Time{}, date(2026, 1, 9), ""},
	} {
		assert.Equal(t, c.want, patients.AgeOn(c.dob, c.day), c.name)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"  José   D'Souza", "İstanbul", "ǅemal", "ß", "Ωhm", "राम शर्मा", "\xff\xfe", "a\u0301", "-\u0301x", "\xf6ž", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := patients.Fold(s)
		if again := patients.Fold(got); again != got {
			t.Fatalf("Fold(%q) = %q, but Fold of that = %q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: not UTF-8", s, got)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: stray spaces", s, got)
		}
		if strings.Join(patients.Tokens(s), " ") != got {
			t.Fatalf("Tokens(%q) disagree with Fold", s)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+91 98450 12345", "098450-12345", "919104567890", "09191234567", "(080) 2222 3333", "12ab", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := patients.NormalizePhone(s)
		if again := patients.NormalizePhone(got); again != got {
			t.Fatalf("NormalizePhone(%q) = %q, but again = %q", s, got, again)
		}
		if got == "" {
			return
		}
		if len(got) < 6 || len(got) > 15 || strings.Trim(got, "0123456789") != "" {
			t.Fatalf("NormalizePhone(%q) = %q: not 6–15 digits", s, got)
		}
	})
}
