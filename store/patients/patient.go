// Package patients stores registered patients: demographics, allergies, insurance
// policies and the history of every change, with the keys that keep MRNs and national
// IDs unique and the in-process index that makes search fast on any engine.
package patients

import (
	"errors"
	"strconv"
	"time"
)

// Sexes a patient may be registered with.
var Sexes = []string{"F", "M", "O", "U"}

// SexLabels are the names people read.
var SexLabels = map[string]string{"F": "Female", "M": "Male", "O": "Other", "U": "Unknown"}

// BloodGroups are the ABO/Rh groups, plus unknown.
var BloodGroups = []string{"", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"}

// Languages offered for the preferred language (free text is allowed too).
var Languages = []string{"English", "Hindi", "Kannada", "Tamil", "Telugu", "Malayalam", "Marathi", "Bengali", "Urdu", "Gujarati"}

// ID kinds a patient may present.
var IDKinds = []string{"Aadhaar", "Passport", "Voter ID", "Driving licence", "Hospital ID"}

// Allergy states: three visibly different ones.
const (
	AllergiesUnknown = "unknown" // nobody has asked yet
	AllergiesNone    = "nka"     // no known allergies, recorded by someone
	AllergiesListed  = "listed"  // one or more allergies
)

// Severities of an allergic reaction.
var Severities = []string{"mild", "moderate", "severe", "life-threatening"}

// Allergy is one recorded allergy.
type Allergy struct {
	ID         string    `bson:"id"`
	Substance  string    `bson:"substance"`
	Reaction   string    `bson:"reaction"`
	Severity   string    `bson:"severity"`
	RecordedBy string    `bson:"recorded_by"`
	RecordedAt time.Time `bson:"recorded_at"`
}

// Allergies is the allergy record with its state.
type Allergies struct {
	Status     string    `bson:"status"`
	Items      []Allergy `bson:"items"`
	RecordedBy string    `bson:"recorded_by,omitempty"` // who last set the state
	RecordedAt time.Time `bson:"recorded_at,omitempty"`
}

// Policy is one insurance policy of a patient.
type Policy struct {
	ID        string `bson:"id"`
	PayerCode string `bson:"payer_code"`
	PayerName string `bson:"payer_name"`
	PlanCode  string `bson:"plan_code"`
	PlanName  string `bson:"plan_name"`
	// The member number is sealed like the ID number (member.go): MemberNumber holds it
	// only as typed, before the store seals it, and on records written before sealing.
	MemberNumber string    `bson:"member_number,omitempty"`
	MemberSealed string    `bson:"member_sealed,omitempty"` // AES-GCM under the key ring
	MemberHash   string    `bson:"member_hash,omitempty"`   // keyed hash: the front desk's exact-match search
	MemberLast4  string    `bson:"member_last4,omitempty"`  // shown masked
	Group        string    `bson:"group,omitempty"`
	ValidFrom    time.Time `bson:"valid_from"`
	ValidTo      time.Time `bson:"valid_to"`
	Rank         string    `bson:"rank"` // primary, secondary
	Active       bool      `bson:"active"`
	EndedReason  string    `bson:"ended_reason,omitempty"`
	AddedBy      string    `bson:"added_by"`
	AddedAt      time.Time `bson:"added_at"`
}

// Expired reports whether the policy no longer covers care on day. Validity dates are
// whole days: the calendar date of day (in its own zone) is compared, so a policy covers
// all of its last day.
func (p Policy) Expired(day time.Time) bool {
	return !p.ValidTo.IsZero() && dateOf(day).After(dateOf(p.ValidTo))
}

// InForce reports whether the policy covers care on day (a calendar date, as for Expired).
func (p Policy) InForce(day time.Time) bool {
	return p.Active && !dateOf(day).Before(dateOf(p.ValidFrom)) && !p.Expired(day)
}

// dateOf is the calendar date of t in its own zone, at UTC midnight (how dates are stored).
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Change is one entry of a patient's history: who changed which field, when, from what to what.
type Change struct {
	At    time.Time `bson:"at"`
	By    string    `bson:"by"`
	Field string    `bson:"field"`
	Old   string    `bson:"old"`
	New   string    `bson:"new"`
}

// Demographics are the fields registration records and an edit may change.
type Demographics struct {
	Given        string    `bson:"given"`
	Middle       string    `bson:"middle,omitempty"`
	Family       string    `bson:"family"`
	Sex          string    `bson:"sex"`
	DOB          time.Time `bson:"dob"` // a date, at UTC midnight
	DOBEstimated bool      `bson:"dob_estimated"`
	Phone        string    `bson:"phone,omitempty"` // normalised digits
	Address      string    `bson:"address,omitempty"`
	City         string    `bson:"city,omitempty"`
	PIN          string    `bson:"pin,omitempty"`
	IDKind       string    `bson:"id_kind,omitempty"`
	IDLast4      string    `bson:"id_last4,omitempty"` // shown masked; the number itself is sealed
	EmergName    string    `bson:"emerg_name,omitempty"`
	EmergRel     string    `bson:"emerg_relation,omitempty"`
	EmergPhone   string    `bson:"emerg_phone,omitempty"`
	BloodGroup   string    `bson:"blood_group,omitempty"`
	Language     string    `bson:"language,omitempty"`
}

// Patient is one registered patient. _id is opaque (it appears in URLs); the MRN is the
// human number, unique through its index.
type Patient struct {
	ID           string `bson:"_id"`
	MRN          string `bson:"mrn"`
	Demographics `bson:",inline"`
	IDSealed     string     `bson:"id_sealed,omitempty"` // national/hospital ID, AES-GCM
	IDHash       string     `bson:"id_hash,omitempty"`   // keyed hash, the key of nid:<hash>
	Allergies    Allergies  `bson:"allergies"`
	Policies     []Policy   `bson:"policies"`
	MotherID     string     `bson:"mother_id,omitempty"` // a newborn's mother
	MotherMRN    string     `bson:"mother_mrn,omitempty"`
	Newborn      bool       `bson:"newborn,omitempty"`
	DuplicateOf  string     `bson:"duplicate_of,omitempty"` // the surviving record's id
	DupOfMRN     string     `bson:"duplicate_of_mrn,omitempty"`
	LastVisit    time.Time  `bson:"last_visit,omitempty"`
	Death        *Death     `bson:"death,omitempty"`     // set once the patient has died (deceased.go)
	Pseudonym    *Pseudonym `bson:"pseudonym,omitempty"` // set once identifiers were removed (pseudonymise.go)
	History      []Change   `bson:"history"`
	Pending      []string   `bson:"pending,omitempty"` // follow-up writes still to apply
	Version      int64      `bson:"version"`
	Rev          int64      `bson:"rev"` // global change number, for other instances' search index
	CreatedAt    time.Time  `bson:"created_at"`
	CreatedBy    string     `bson:"created_by"`
	UpdatedAt    time.Time  `bson:"updated_at"`
	UpdatedBy    string     `bson:"updated_by"`
}

// Name is the patient's full name as people read it.
func (p Patient) Name() string { return FullName(p.Given, p.Middle, p.Family) }

// FullName joins name parts, skipping empty ones.
func FullName(parts ...string) string {
	out := ""
	for _, s := range parts {
		if s == "" {
			continue
		}
		if out != "" {
			out += " "
		}
		out += s
	}
	return out
}

// AgeOn returns the age in whole years on day (months or days for infants, as text).
func AgeOn(dob, day time.Time) string {
	if dob.IsZero() {
		return ""
	}
	y, m, d := day.Date()
	by, bm, bd := dob.Date()
	months := (y-by)*12 + int(m-bm)
	if d < bd {
		months--
	}
	switch {
	case months >= 24:
		return strconv.Itoa(months/12) + "y"
	case months >= 1:
		return strconv.Itoa(months) + "m"
	default:
		days := int(dateOf(day).Sub(dateOf(dob)).Hours() / 24) // calendar days, not 24-hour periods
		if days < 0 {
			days = 0
		}
		return strconv.Itoa(days) + "d"
	}
}

// Errors a registration or an edit may meet.
var (
	ErrNationalIDTaken = errors.New("store: this ID number is already registered to another patient")
	ErrInFlight        = errors.New("store: this registration is already being saved")
)

// TakenError says which patient already holds a national ID.
type TakenError struct{ PatientID, MRN string }

func (e *TakenError) Error() string { return ErrNationalIDTaken.Error() + " (MRN " + e.MRN + ")" }
func (e *TakenError) Unwrap() error { return ErrNationalIDTaken }
