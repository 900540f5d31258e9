package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/billing"
	"hms/store/patients"
	"hms/views"
)

// patientByParam loads the patient named by the :id route parameter (404 when unknown).
func (a *App) patientByParam(c *fiber.Ctx) (patients.Patient, error) {
	id := c.Params("id")
	if len(id) != 24 { // ids are 24 hex characters: anything else cannot exist
		return patients.Patient{}, fiber.ErrNotFound
	}
	return a.Patients.ByID(c.UserContext(), id)
}

// banner builds the strip shown on every patient page.
func (a *App) banner(c *fiber.Ctx, p patients.Patient) (views.BannerVM, error) {
	now := time.Now().In(a.cfg.Location)
	b := views.BannerVM{ID: p.ID, MRN: p.MRN, Name: p.Name(), AgeSex: ageSex(p.DOB, p.DOBEstimated, p.Sex, now),
		DOB: a.dob(p.DOB, p.DOBEstimated), Phone: phoneText(p.Phone), AllergyStatus: p.Allergies.Status,
		DuplicateOf: p.DupOfMRN, DuplicateOfID: p.DuplicateOf, Newborn: p.Newborn, Female: p.Sex == "F", MotherID: p.MotherID, MotherMRN: p.MotherMRN}
	if p.Death != nil {
		b.Deceased = views.DateTime(p.Death.At, a.cfg.Location)
	}
	for _, al := range p.Allergies.Items {
		b.Allergies = append(b.Allergies, al.Substance)
	}
	if p.Allergies.Status == patients.AllergiesNone {
		b.AllergiesRecorded = "recorded by " + p.Allergies.RecordedBy + ", " + views.DateTime(p.Allergies.RecordedAt, a.cfg.Location)
	}
	b.Insurance, b.InsuranceColour = insuranceStatus(p.Policies, today(a.cfg.Location))
	acct, err := a.Accounts.ByPatient(c.UserContext(), p.ID)
	switch {
	case err == nil:
		b.Balance = views.Money(acct.Balance)
	case errors.Is(err, store.ErrNotFound):
		b.Balance = "no account"
	default:
		return b, err
	}
	return b, nil
}

// insuranceStatus is the banner's one-line insurance summary and its colour.
func insuranceStatus(ps []patients.Policy, day time.Time) (string, string) {
	expired := false
	for _, p := range ps {
		if p.InForce(day) && p.Rank == "primary" {
			return "Insured: " + p.PayerName, "green"
		}
	}
	for _, p := range ps {
		if p.InForce(day) {
			return "Insured: " + p.PayerName, "green"
		}
		expired = expired || (p.Active && p.Expired(day))
	}
	if expired {
		return "Insurance expired", "red"
	}
	return "Self-pay", "slate"
}

// today is the hospital's current date, as the UTC midnight dates are stored at.
func today(loc *time.Location) time.Time {
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func ageSex(dob time.Time, estimated bool, sex string, now time.Time) string {
	y, m, d := now.Date()
	age := patients.AgeOn(dob, time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	if estimated {
		age = "~" + age
	}
	return age + " " + sex
}

// dob shows a stored date of birth (a date, not an instant: never shifted by time zone).
func (a *App) dob(t time.Time, estimated bool) string {
	if t.IsZero() {
		return ""
	}
	s := t.UTC().Format("2 Jan 2006")
	if estimated {
		s += " (estimated)"
	}
	return s
}

// phoneText groups a 10-digit number as people read it: 98450 12345.
func phoneText(p string) string {
	if len(p) == 10 {
		return p[:5] + " " + p[5:]
	}
	return p
}

// hitRow is one patient as lists show it.
func (a *App) hitRow(h patients.Hit) views.PatientRow {
	r := views.PatientRow{ID: h.ID, MRN: h.MRN, Name: h.Name, AgeSex: ageSex(h.DOB, h.DOBEstimated, h.Sex, time.Now().In(a.cfg.Location)),
		Phone: phoneText(h.Phone), DuplicateOf: h.DuplicateOfMRN}
	if !h.LastVisit.IsZero() {
		r.LastVisit = views.Date(h.LastVisit, a.cfg.Location)
	}
	return r
}

// accountVM is the billing account as the chart shows it.
func (a *App) accountVM(acct billing.Account, err error) views.BillingAccountVM {
	if err != nil {
		return views.BillingAccountVM{}
	}
	return views.BillingAccountVM{Exists: true, Balance: views.Money(acct.Balance), Opened: views.DateTime(acct.CreatedAt, a.cfg.Location)}
}

// randomToken is a one-time form token (hex), so a double-clicked Save saves once.
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validToken accepts only what randomToken makes.
func validToken(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
