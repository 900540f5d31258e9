package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
	"hms/store/patients"
	"hms/views"
)

// patientPrint is the printable ID card and wristband.
func (a *App) patientPrint(c *fiber.Ctx) error {
	p, err := a.patientByParam(c)
	if err != nil {
		return err
	}
	if err := a.audit(c, audit.ActionPatientPrint, p.ID, "id-card", audit.OK); err != nil {
		return err
	}
	vm := views.PrintVM{MRN: p.MRN, Name: p.Name(), DOB: a.dob(p.DOB, p.DOBEstimated),
		AgeSex:     ageSex(p.DOB, p.DOBEstimated, patients.SexLabels[p.Sex], time.Now().In(a.cfg.Location)),
		BloodGroup: p.BloodGroup, Printed: views.DateTime(time.Now(), a.cfg.Location), Hospital: a.cfg.Hospital}
	switch p.Allergies.Status {
	case patients.AllergiesListed:
		var subs []string
		for _, al := range p.Allergies.Items {
			subs = append(subs, al.Substance)
		}
		vm.Allergies, vm.AllergyAlert = "Allergy: "+strings.Join(subs, ", "), true
	case patients.AllergiesNone:
		vm.Allergies = "No known allergies"
	default:
		vm.Allergies = "Allergies not recorded"
	}
	return a.page(c, "Print "+p.MRN, views.PatientPrintPage(vm))
}
