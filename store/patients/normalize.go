package patients

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s, strips accents (é → e) and turns every run of spaces or
// punctuation into one space, so "  José   D'Souza" and "jose d souza" compare equal.
func Fold(s string) string {
	var b strings.Builder
	space := true // drop leading spaces
	// An invalid byte is a separator: left in, it stops NFD from decomposing the letter
	// after it ("\xf6ž" kept the ž whole), and Fold would not give what Fold of it gives.
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, " ")) {
		switch {
		case unicode.Is(unicode.Mn, r): // combining accent left by NFD
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r): // Mc: a vowel sign of an Indian script is part of its word
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// Tokens returns the folded words of s.
func Tokens(s string) []string { return strings.Fields(Fold(s)) }

// CleanName trims a name and collapses inner white space; it keeps case and accents.
func CleanName(s string) string { return strings.Join(strings.Fields(s), " ") }

// NormalizePhone keeps the digits of a phone number and drops an Indian country code or
// trunk zero, so "+91 98450-12345", "098450 12345" and "9845012345" are one number.
// It returns "" when what is left is not 10 digits (or 6–15 for other numbers).
func NormalizePhone(s string) string {
	var d strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.':
		default:
			return ""
		}
	}
	n := d.String()
	switch {
	case len(n) == 12 && strings.HasPrefix(n, "91"):
		n = n[2:]
	case len(n) == 11 && strings.HasPrefix(n, "0"):
		n = n[1:]
	}
	if len(n) < 6 || len(n) > 15 {
		return ""
	}
	return n
}

// NormalizeID upper-cases an identifier and drops spaces (any kind: a tab, a no-break
// space pasted from a PDF) and dashes ("1234-5678 9012" → "123456789012").
func NormalizeID(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if !unicode.IsSpace(r) && r != '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
