// Package generate fills a database with a generated hospital of a chosen size — a year of a
// 300-bed hospital, a clinic of a tenth of that, or a tiny one for tests — reproducible
// from a seed number. Documents are shaped exactly as the stores write them and inserted
// in bulk (the per-record store calls would take hours at a year's size); the results
// pass `web check`.
package generate

import (
	"fmt"
	"slices"
	"strings"
)

// Profile is how much a generated hospital holds.
type Profile struct {
	Name       string
	Patients   int
	Visits     int // completed OPD visits over the past year
	Admissions int // discharged admissions, each with vitals and a MAR
	LabResults int // verified result values (an order holds one to eight)
	Charges    int // about: consultations, lab orders, bed-days, drugs and procedures
	Payments   int // taken through the billing store (they check the account)
	Claims     int // insured OPD visits invoiced and claimed through the billing store
}

// Profiles are the sizes `web seed --profile` offers.
var Profiles = map[string]Profile{
	"year":   {Name: "year", Patients: 150_000, Visits: 250_000, Admissions: 15_000, LabResults: 400_000, Charges: 1_000_000, Payments: 10_000, Claims: 5_000},
	"clinic": {Name: "clinic", Patients: 15_000, Visits: 25_000, Admissions: 1_500, LabResults: 40_000, Charges: 100_000, Payments: 1_000, Claims: 500},
	"tiny":   {Name: "tiny", Patients: 300, Visits: 500, Admissions: 30, LabResults: 800, Charges: 2_000, Payments: 40, Claims: 20},
}

// ProfileNamed returns the named profile.
func ProfileNamed(name string) (Profile, error) {
	p, ok := Profiles[name]
	if !ok {
		names := make([]string, 0, len(Profiles))
		for n := range Profiles {
			names = append(names, n)
		}
		slices.Sort(names)
		return p, fmt.Errorf("unknown profile %q (one of %s)", name, strings.Join(names, ", "))
	}
	return p, nil
}

// Version changes whenever the generated documents change shape, so cached hospitals
// (cmd/bench) are generated again. 2: notes, summaries and lab reports are signed.
// 3: the pharmacy's dispensed lines, batches and ledger. 4: insured patients, invoices
// and claims.
const Version = 4
