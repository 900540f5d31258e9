package views

import "testing"

func TestMoneyUsesIndianGrouping(t *testing.T) {
	cases := map[int64]string{0: "₹0.00", 5: "₹0.05", 150000: "₹1,500.00", 12345650: "₹1,23,456.50",
		100000000: "₹10,00,000.00", -2550: "−₹25.50"}
	for paise, want := range cases {
		if got := Money(paise); got != want {
			t.Errorf("Money(%d) = %q, want %q", paise, got, want)
		}
	}
}
