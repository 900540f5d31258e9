package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hms/store/patients"
)

// demoPerson is one demo patient: enough variety to try search (shared surnames, accents,
// reversed names), the three allergy states, insurance in force and expired, and a newborn.
type demoPerson struct {
	given, middle, family, sex, dob, phone, city, idKind, idNumber, blood string
	allergies                                                             []patients.Allergy
	nka                                                                   bool
	payer, plan, member, from, to                                         string
}

// DemoIdentifiers are the demo's ID and insurance member numbers, as typed: the store
// keeps them only sealed, which the backup test checks against a dump.
func DemoIdentifiers() []string {
	var out []string
	for _, d := range demoPeople {
		for _, v := range []string{d.idNumber, d.member} {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

var demoPeople = []demoPerson{
	{given: "Rajesh", family: "Sharma", sex: "M", dob: "1972-03-14", phone: "9845012345", city: "Bengaluru", idKind: "Aadhaar", idNumber: "234567890123", blood: "B+",
		allergies: []patients.Allergy{{Substance: "Penicillin", Reaction: "Hives", Severity: "severe"}}, payer: "STAR", plan: "FHO", member: "STAR-4471-2290", from: "2026-04-01", to: "2027-03-31"},
	{given: "Sunita", middle: "Devi", family: "Sharma", sex: "F", dob: "1976-08-02", phone: "9845012346", city: "Bengaluru", blood: "O+", nka: true,
		payer: "STAR", plan: "FHO", member: "STAR-4471-2291", from: "2026-04-01", to: "2027-03-31"},
	{given: "Anil", family: "Kumar", sex: "M", dob: "1965-11-20", phone: "9886034567", city: "Mysuru", blood: "A+",
		allergies: []patients.Allergy{{Substance: "Sulfonamides", Reaction: "Rash", Severity: "moderate"}, {Substance: "Peanuts", Reaction: "Anaphylaxis", Severity: "life-threatening"}}},
	{given: "Priya", family: "Nair", sex: "F", dob: "1991-01-09", phone: "9447123456", city: "Kochi", nka: true, payer: "HDFCE", plan: "OPT", member: "HE-99120331", from: "2025-01-01", to: "2025-12-31"},
	{given: "Mohammed", family: "Iqbal", sex: "M", dob: "1958-06-30", phone: "9900112233", city: "Bengaluru", idKind: "Aadhaar", idNumber: "345678901234", blood: "AB+",
		payer: "CGHS", plan: "PEN", member: "CGHS-BLR-778812", from: "2020-01-01"},
	{given: "Lakshmi", family: "Venkataraman", sex: "F", dob: "1949-12-25", phone: "9845098450", city: "Chennai", nka: true, payer: "STAR", plan: "SRC", member: "SRC-2210-0045", from: "2026-06-01", to: "2027-05-31"},
	{given: "José", family: "D'Souza", sex: "M", dob: "1983-04-17", phone: "9822001122", city: "Mangaluru", blood: "O-"},
	{given: "Fatima", family: "Begum", sex: "F", dob: "1995-09-05", phone: "9739012345", city: "Bengaluru", nka: true, payer: "PMJAY", plan: "HBP", member: "PMJAY-KA-5520193", from: "2024-10-01"},
	{given: "Arjun", family: "Reddy", sex: "M", dob: "2012-02-29", phone: "9912345678", city: "Hyderabad", allergies: []patients.Allergy{{Substance: "Egg", Reaction: "Vomiting", Severity: "mild"}}},
	{given: "Kavya", family: "Rao", sex: "F", dob: "2019-07-11", phone: "9845077777", city: "Bengaluru", nka: true},
	{given: "Ramesh", family: "Gowda", sex: "M", dob: "1969-05-01", phone: "9980012345", city: "Tumakuru", idKind: "Voter ID", idNumber: "KA0123456789",
		payer: "NIACL", plan: "MED", member: "NIA-77-112233", from: "2026-01-01", to: "2026-12-31"},
	{given: "Meena", family: "Kumari", sex: "F", dob: "1988-10-23", phone: "9886011223", city: "Bengaluru", nka: true},
	{given: "Sanjay", family: "Kumar", sex: "M", dob: "1979-02-14", phone: "9845566778", city: "Bengaluru", blood: "B-",
		allergies: []patients.Allergy{{Substance: "Aspirin", Reaction: "Wheeze", Severity: "severe"}}, payer: "INFY", plan: "GMC", member: "INFY-E-104233", from: "2026-01-01", to: "2026-12-31"},
	{given: "Zoë", family: "Fernandes", sex: "F", dob: "2001-12-03", phone: "9769012345", city: "Goa"},
	{given: "Kumar", family: "Swamy", sex: "M", dob: "1955-08-15", phone: "9448012345", city: "Mandya", payer: "ECHS", plan: "STD", member: "ECHS-MYS-5541", from: "2015-01-01"},
	{given: "Ananya", family: "Iyer", sex: "F", dob: "1998-03-30", phone: "9840012345", city: "Chennai", nka: true},
	{given: "Vikram", family: "Singh", sex: "M", dob: "1986-07-07", phone: "9811012345", city: "Delhi", blood: "A-",
		payer: "ICICIL", plan: "CHI", member: "ICL-CHI-0093321", from: "2026-03-01", to: "2027-02-28"},
	{given: "Geeta", family: "Patil", sex: "F", dob: "1962-01-19", phone: "9823012345", city: "Belagavi", allergies: []patients.Allergy{{Substance: "Iodinated contrast", Reaction: "Urticaria", Severity: "moderate"}}},
	{given: "Harish", family: "Shetty", sex: "M", dob: "1975-10-10", phone: "9844012345", city: "Udupi"},
	{given: "Asha", family: "Kumari", sex: "F", dob: "1992-05-22", phone: "9731012345", city: "Bengaluru", nka: true},
}

// demoPatients registers the demo patients (the second, Sunita Sharma, also gets a
// newborn). Each registration carries a fixed token, so a re-run after a crash skips
// those already stored.
func demoPatients(ctx context.Context, pats *patients.Store) (int, error) {
	var sunita patients.Patient
	for i, d := range demoPeople {
		r := patients.Registration{Demographics: patients.Demographics{Given: d.given, Middle: d.middle, Family: d.family, Sex: d.sex,
			DOB: date(d.dob), Phone: d.phone, City: d.city, IDKind: d.idKind, BloodGroup: d.blood, Language: "English"},
			IDNumber: d.idNumber, Token: fmt.Sprintf("seed-demo-patient-%d", i)}
		switch {
		case len(d.allergies) > 0:
			r.Allergies = patients.Allergies{Status: patients.AllergiesListed, Items: d.allergies}
		case d.nka:
			r.Allergies = patients.Allergies{Status: patients.AllergiesNone}
		}
		if d.payer != "" {
			r.Policy = &patients.Policy{PayerCode: d.payer, PayerName: payerName(d.payer), PlanCode: d.plan, PlanName: planName(d.payer, d.plan),
				MemberNumber: d.member, ValidFrom: date(d.from), ValidTo: date(d.to), Rank: "primary"}
		}
		p, err := pats.Register(ctx, r, by)
		if err != nil && !errors.Is(err, patients.ErrResubmitted) {
			return i, fmt.Errorf("seed: patient %s: %w", d.given, err)
		}
		if i == 1 {
			sunita = p
		}
	}
	baby := patients.Registration{Demographics: patients.Demographics{Given: "Baby of Sunita", Family: "Sharma", Sex: "F",
		DOB: time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1), Phone: sunita.Phone, City: sunita.City,
		EmergName: sunita.Name(), EmergRel: "Mother", EmergPhone: sunita.Phone}, MotherID: sunita.ID, Token: "seed-demo-newborn"}
	if _, err := pats.Register(ctx, baby, by); err != nil && !errors.Is(err, patients.ErrResubmitted) {
		return len(demoPeople), fmt.Errorf("seed: newborn: %w", err)
	}
	return len(demoPeople) + 1, nil
}

func date(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic("seed: bad date " + s) // the table above is code: fail loudly
	}
	return t
}

func payerName(code string) string {
	for _, p := range demoPayers {
		if p.Code == code {
			return p.Name
		}
	}
	return code
}

func planName(payer, plan string) string {
	for _, p := range demoPayers {
		if p.Code == payer {
			if pl, ok := p.Plan(plan); ok {
				return pl.Name
			}
		}
	}
	return plan
}
