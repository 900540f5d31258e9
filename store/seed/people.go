package seed

import (
	"fmt"
	"math/rand/v2"
	"time"

	"hms/store/patients"
)

// Names drawn on for generated patients: common across India, so that search meets the
// shared surnames and first names a real registry has (many Kumars, Sharmas, Reddys).
var (
	givenF  = []string{"Priya", "Anjali", "Sunita", "Lakshmi", "Kavya", "Meena", "Fatima", "Asha", "Deepa", "Pooja", "Neha", "Divya", "Sneha", "Geeta", "Rekha", "Ananya", "Shabana", "Mary", "Radha", "Swati", "Nandini", "Bhavana", "Farida", "Shalini", "Aishwarya", "Jyoti", "Savitri", "Usha", "Kamala", "Zoya"}
	givenM  = []string{"Rajesh", "Anil", "Suresh", "Ramesh", "Vijay", "Sanjay", "Mohammed", "Arjun", "Rahul", "Amit", "Ravi", "Kiran", "Manoj", "Prakash", "Venkatesh", "Srinivas", "Imran", "Joseph", "Harish", "Ganesh", "Abdul", "Naveen", "Rohit", "Sunil", "Ashok", "Mahesh", "Vikram", "Aditya", "Farhan", "Thomas"}
	middle  = []string{"", "", "", "", "Kumar", "Devi", "Lal", "Prasad", "", "Rani", "Chandra", ""}
	family  = []string{"Kumar", "Sharma", "Singh", "Reddy", "Rao", "Nair", "Patel", "Gowda", "Iyer", "Khan", "Shaikh", "Das", "Naidu", "Pillai", "Menon", "Joshi", "Gupta", "Verma", "Shetty", "Hegde", "Kulkarni", "Desai", "Fernandes", "D'Souza", "Begum", "Ali", "Thomas", "Joseph", "Murthy", "Prabhu", "Banerjee", "Mukherjee", "Chatterjee", "Yadav", "Mishra", "Pandey", "Tiwari", "Bhat", "Kamath", "Acharya"}
	cities  = []string{"Bengaluru", "Mysuru", "Tumakuru", "Mandya", "Hassan", "Kolar", "Chennai", "Hosur"}
	bloods  = []string{"", "", "A+", "B+", "O+", "AB+", "O-", "A-", "B-"}
	allergs = []string{"Penicillin", "Sulfonamides", "Aspirin", "Ibuprofen", "Peanuts", "Egg", "Latex", "Iodinated contrast", "Shellfish", "Codeine"}
)

// People builds n realistic patients from r (the same seed gives the same people): ages
// skewed to adults with children and elders, about 15% with allergies, 45% with none
// recorded yet, and a distinct phone number each.
func People(r *rand.Rand, n int, today time.Time) []patients.Patient {
	out := make([]patients.Patient, n)
	for i := range out {
		p := &out[i]
		p.Sex = "F"
		given := givenF
		if r.IntN(2) == 0 {
			p.Sex, given = "M", givenM
		}
		p.Given, p.Middle, p.Family = given[r.IntN(len(given))], middle[r.IntN(len(middle))], family[r.IntN(len(family))]
		age := int(r.NormFloat64()*20 + 38)
		age = max(0, min(age, 98))
		p.DOB = today.AddDate(-age, -r.IntN(12), -r.IntN(28))
		p.DOBEstimated = r.IntN(20) == 0
		p.Phone = fmt.Sprintf("9%09d", int64(i)*104729%1_000_000_000) // 104729 is prime: distinct for every i < 10⁹
		p.City, p.BloodGroup, p.Language = cities[r.IntN(len(cities))], bloods[r.IntN(len(bloods))], "English"
		switch k := r.IntN(100); {
		case k < 15:
			p.Allergies = patients.Allergies{Status: patients.AllergiesListed, Items: []patients.Allergy{{ID: fmt.Sprintf("g%d", i),
				Substance: allergs[r.IntN(len(allergs))], Severity: "moderate", RecordedBy: by, RecordedAt: today}}}
		case k < 55:
			p.Allergies = patients.Allergies{Status: patients.AllergiesNone, RecordedBy: by, RecordedAt: today}
		}
	}
	return out
}
