package handlers

import (
	"errors"
	"strconv"
	"strings"
)

var errMoney = errors.New("Enter an amount in rupees, e.g. 1500 or 1,500.50.")

// parseRupees reads a rupee amount ("1,500", "1500.5", "₹ 1500.50") into paise, exactly:
// no floating point, at most two decimals, never negative, at most ₹1,00,00,00,000.
func parseRupees(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "₹"))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" || len(s) > 14 {
		return 0, errMoney
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, errMoney
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, errMoney
		}
	}
	rupees, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || rupees > 1_000_000_000 {
		return 0, errMoney
	}
	for len(frac) < 2 {
		frac += "0"
	}
	paise, _ := strconv.ParseInt(frac, 10, 64)
	return rupees*100 + paise, nil
}

// rupeesInput shows paise as an editable amount ("1500.00").
func rupeesInput(paise int64) string {
	return strconv.FormatInt(paise/100, 10) + "." + strconv.FormatInt(paise%100/10, 10) + strconv.FormatInt(paise%10, 10)
}
