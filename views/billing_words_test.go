package views

import "testing"

func TestAmountInWords(t *testing.T) {
	for paise, want := range map[int64]string{
		0:                  "Rupees Zero Only",
		100:                "Rupees One Only",
		1_050:              "Rupees Ten and Fifty Paise Only",
		99_999:             "Rupees Nine Hundred Ninety-Nine and Ninety-Nine Paise Only",
		1_00_000_00:        "Rupees One Lakh Only",
		1_23_456_50:        "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only",
		12_34_56_789_01:    "Rupees Twelve Crore Thirty-Four Lakh Fifty-Six Thousand Seven Hundred Eighty-Nine and One Paise Only",
		1_000_00_00_000_00: "Rupees One Thousand Crore Only",
	} {
		if got := AmountInWords(paise); got != want {
			t.Errorf("AmountInWords(%d) = %q, want %q", paise, got, want)
		}
	}
}
