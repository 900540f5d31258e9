package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/views"
)

// labLabel is the printable label of a sample: Code 128 of the accession number.
func (a *App) labLabel(c *fiber.Ctx) error {
	acc := c.Params("acc")
	if !accessionRE.MatchString(acc) {
		return fiber.ErrNotFound
	}
	sm, err := a.Lab.Sample(c.UserContext(), acc)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := a.audit(c, audit.ActionPatientPrint, sm.PatientID, "sample_label:"+acc, audit.OK); err != nil {
		return err
	}
	return a.page(c, "Label "+acc, views.LabLabel(views.LabLabelVM{Accession: acc, Name: sm.Name,
		MRN: sm.MRN, AgeSex: sm.AgeSex, Tests: sm.Tests, Container: sm.Container, OrderID: sm.OrderID,
		Collected: views.DateTime(sm.CollectedAt, a.cfg.Location), Priority: labPriorityLabels[sm.Priority]}))
}

// labReport is the printable report of released results, signed by the verifying pathologist.
func (a *App) labReport(c *fiber.Ctx) error {
	o, err := a.labOrder(c)
	if err != nil {
		return err
	}
	if !o.Released() {
		return fiber.NewError(fiber.StatusConflict, "This order has no released results to report yet.")
	}
	if err := a.audit(c, audit.ActionPatientPrint, o.PatientID, "lab_report:"+o.ID, audit.OK); err != nil {
		return err
	}
	loc := a.cfg.Location
	vm := views.LabReportVM{Hospital: a.cfg.Hospital, Name: o.Name, MRN: o.MRN, AgeSex: o.AgeSex, Doctor: o.DoctorName,
		Where: labWhere(o), Test: o.TestName, Accession: o.Accession, Collected: views.DateTime(o.CollectedAt, loc),
		Reported: views.DateTime(o.ReleasedAt, loc), Printed: views.DateTime(time.Now(), loc), Rows: resultRows(o.Results),
		Preliminary: o.Status == "preliminary", EnteredBy: o.EnteredByName, OrderID: o.ID}
	sealed := a.Lab.VerifyReport(o)
	if o.Status == "verified" {
		vm.VerifiedBy, vm.VerifiedAt = o.VerifiedByName, views.DateTime(o.VerifiedAt, loc)
		vm.Seal = seal(sealed.Report, loc)
	}
	for i, am := range o.Amendments {
		vm.Amendments = append(vm.Amendments, views.LabAmendmentRow{At: views.DateTime(am.At, loc), By: am.ByName, Reason: am.Reason,
			Previous: resultSummary(am.Previous), Seal: seal(sealed.Amendments[i], loc)})
	}
	return a.page(c, "Lab report "+o.ID, views.LabReport(vm))
}
