package pharmacy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"hms/store"
)

// cleanText trims a free-text field and refuses markup, control characters and overlong
// text: notes and reasons are shown on other people's screens and printed on labels.
func cleanText(field, v string, maxLen int, required bool) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		return "", fmt.Errorf("%w: enter the %s", store.ErrInvalid, field)
	case !utf8.ValidString(v) || strings.ContainsAny(v, "<>"):
		return "", fmt.Errorf("%w: the %s may not contain < or >", store.ErrInvalid, field)
	case utf8.RuneCountInString(v) > maxLen:
		return "", fmt.Errorf("%w: the %s is longer than %d characters", store.ErrInvalid, field, maxLen)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("%w: the %s contains a control character", store.ErrInvalid, field)
		}
	}
	return v, nil
}

// validBatchNo allows what lot numbers are printed with: letters, digits, - / .
func validBatchNo(no string) bool {
	if no == "" || len(no) > 30 {
		return false
	}
	for _, r := range no {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '/' || r == '.') {
			return false
		}
	}
	return true
}
