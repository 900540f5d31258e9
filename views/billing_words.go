package views

import "strings"

var ones = []string{"", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
	"Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
var tens = []string{"", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"}

// below100 writes 0–99 in words.
func below100(n int64) string {
	if n < 20 {
		return ones[n]
	}
	if n%10 == 0 {
		return tens[n/10]
	}
	return tens[n/10] + "-" + ones[n%10]
}

// below1000 writes 0–999 in words.
func below1000(n int64) string {
	var parts []string
	if n >= 100 {
		parts = append(parts, ones[n/100]+" Hundred")
	}
	if n%100 > 0 {
		parts = append(parts, below100(n%100))
	}
	return strings.Join(parts, " ")
}

// indianWords writes a whole number in words with Indian grouping: crore, lakh, thousand.
func indianWords(n int64) string {
	if n == 0 {
		return "Zero"
	}
	var parts []string
	if n >= 1_00_00_000 {
		parts = append(parts, indianWords(n/1_00_00_000)+" Crore")
		n %= 1_00_00_000
	}
	for _, u := range []struct {
		size int64
		name string
	}{{1_00_000, "Lakh"}, {1_000, "Thousand"}} {
		if n >= u.size {
			parts = append(parts, below100(n/u.size)+" "+u.name)
			n %= u.size
		}
	}
	if n > 0 {
		parts = append(parts, below1000(n))
	}
	return strings.Join(parts, " ")
}

// AmountInWords writes paise as an Indian invoice does: "Rupees One Lakh Twenty Thousand
// and Fifty Paise Only".
func AmountInWords(paise int64) string {
	neg := paise < 0
	if neg {
		paise = -paise
	}
	s := "Rupees " + indianWords(paise/100)
	if p := paise % 100; p > 0 {
		s += " and " + below100(p) + " Paise"
	}
	s += " Only"
	if neg {
		s = "Minus " + s
	}
	return s
}

// modeText names a payment mode for people.
func modeText(m string) string {
	if l, ok := modeLabels[m]; ok {
		return l
	}
	if m == "insurer" {
		return "Insurer settlement"
	}
	return m
}
