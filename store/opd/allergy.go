package opd

import (
	"strings"

	"hms/store/catalog"
	"hms/store/patients"
)

// AllergyConflict is a recorded allergy that a drug may provoke.
type AllergyConflict struct {
	Substance string // as recorded on the patient
	Severity  string
	Reaction  string
	Reason    string // "Amoxicillin is a penicillin"
}

func (c AllergyConflict) String() string {
	s := "Allergy to " + c.Substance
	if c.Severity != "" {
		s += " (" + c.Severity
		if c.Reaction != "" {
			s += ", " + c.Reaction
		}
		s += ")"
	}
	return s + ": " + c.Reason
}

// drugClass is a group of drugs an allergy to one of them extends to.
type drugClass struct {
	name     string   // "a penicillin"
	terms    []string // folded words an allergy to the class is recorded with
	atc      []string // ATC code prefixes of the class
	generics []string // folded generic names in the class (for drugs without an ATC code)
}

// drugClasses are the cross-reactive classes the check knows.
var drugClasses = []drugClass{
	{"a penicillin", []string{"penicillin", "penicillins", "amoxicillin", "amoxycillin", "ampicillin", "cloxacillin",
		"flucloxacillin", "piperacillin", "augmentin", "beta lactam", "beta lactams"},
		[]string{"J01C"}, []string{"penicillin", "amoxicillin", "amoxycillin", "ampicillin", "cloxacillin", "flucloxacillin", "piperacillin"}},
	{"a sulfonamide", []string{"sulfonamide", "sulfonamides", "sulphonamide", "sulphonamides", "sulfa", "sulpha", "sulfa drugs",
		"co trimoxazole", "cotrimoxazole", "septran", "bactrim", "sulfamethoxazole"},
		[]string{"J01E"}, []string{"sulfamethoxazole", "co trimoxazole", "cotrimoxazole", "sulfadiazine", "sulfasalazine"}},
	{"an NSAID", []string{"nsaid", "nsaids", "aspirin", "acetylsalicylic acid", "ibuprofen", "diclofenac", "naproxen",
		"mefenamic acid", "ketorolac", "aceclofenac", "painkillers nsaid"},
		[]string{"M01A", "N02BA", "B01AC06"}, []string{"aspirin", "ibuprofen", "diclofenac", "naproxen", "mefenamic", "ketorolac", "aceclofenac", "acetylsalicylic"}},
	{"a cephalosporin", []string{"cephalosporin", "cephalosporins", "ceftriaxone", "cefixime", "cephalexin", "cefuroxime", "cefazolin"},
		[]string{"J01DB", "J01DC", "J01DD", "J01DE"}, []string{"ceftriaxone", "cefixime", "cephalexin", "cefuroxime", "cefazolin", "cefotaxime"}},
	{"a macrolide", []string{"macrolide", "macrolides", "azithromycin", "erythromycin", "clarithromycin"},
		[]string{"J01FA"}, []string{"azithromycin", "erythromycin", "clarithromycin"}},
	{"a fluoroquinolone", []string{"quinolone", "quinolones", "fluoroquinolone", "fluoroquinolones", "ciprofloxacin", "levofloxacin", "ofloxacin", "norfloxacin"},
		[]string{"J01MA"}, []string{"ciprofloxacin", "levofloxacin", "ofloxacin", "norfloxacin", "moxifloxacin"}},
	{"a tetracycline", []string{"tetracycline", "tetracyclines", "doxycycline", "minocycline"},
		[]string{"J01AA"}, []string{"tetracycline", "doxycycline", "minocycline"}},
	{"an opioid", []string{"opioid", "opioids", "opiate", "opiates", "morphine", "codeine", "tramadol", "pethidine"},
		[]string{"N02A"}, []string{"morphine", "codeine", "tramadol", "pethidine", "fentanyl"}},
	{"an ACE inhibitor", []string{"ace inhibitor", "ace inhibitors", "enalapril", "ramipril", "lisinopril"},
		[]string{"C09A", "C09B"}, []string{"enalapril", "ramipril", "lisinopril", "captopril"}},
}

// has reports whether folded text holds term as whole words.
func has(text, term string) bool { return strings.Contains(" "+text+" ", " "+term+" ") }

func (c drugClass) recordedIn(allergy string) bool {
	for _, t := range c.terms {
		if has(allergy, t) {
			return true
		}
	}
	return false
}

func (c drugClass) includes(d catalog.Drug, generic string) bool {
	atc := strings.ToUpper(strings.TrimSpace(d.ATC))
	for _, p := range c.atc {
		if atc != "" && strings.HasPrefix(atc, p) {
			return true
		}
	}
	for _, g := range c.generics {
		if has(generic, g) {
			return true
		}
	}
	return false
}

// AllergyConflicts returns the patient's allergies that drug d may provoke: the allergy's
// substance and the drug's generic name contain one another (folded: case and accents
// ignored), or the allergy names a class the drug belongs to (by ATC code or generic
// name) — a penicillin allergy conflicts with amoxicillin, a sulfa allergy with
// co-trimoxazole, an aspirin or NSAID allergy with ibuprofen. It is pure.
func AllergyConflicts(allergies []patients.Allergy, d catalog.Drug) []AllergyConflict {
	generic := patients.Fold(d.Generic)
	var out []AllergyConflict
	for _, a := range allergies {
		sub := patients.Fold(a.Substance)
		if len(sub) < 3 || generic == "" {
			continue
		}
		c := AllergyConflict{Substance: a.Substance, Severity: a.Severity, Reaction: a.Reaction}
		switch {
		case strings.Contains(generic, sub) || strings.Contains(sub, generic):
			c.Reason = d.Generic + " is or contains " + a.Substance
		default:
			for _, cl := range drugClasses {
				if cl.recordedIn(sub) && cl.includes(d, generic) {
					c.Reason = d.Generic + " is " + cl.name
					if d.ATC != "" {
						c.Reason += " (ATC " + d.ATC + ")"
					}
					break
				}
			}
		}
		if c.Reason != "" {
			out = append(out, c)
		}
	}
	return out
}
