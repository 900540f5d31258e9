package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/views"
	"hms/views/components"
)

// fillMoves shows the beds of the stay, the transfer form and the discharge steps.
func (a *App) fillMoves(c *fiber.Ctx, vm *views.WardPatientVM, adm ipd.Admission, f wardForm) error {
	ctx := c.UserContext()
	loc := a.cfg.Location
	for _, s := range adm.Stays {
		r := views.StayRow{Bed: s.Bed, From: views.DateTime(s.From, loc), To: "now", Reason: s.Reason, By: s.By}
		if !s.To.IsZero() {
			r.To = views.DateTime(s.To, loc)
		}
		vm.Stays = append(vm.Stays, r)
	}
	if vm.CanTransfer && adm.Active() {
		beds, err := a.IPD.AllFreeBeds(ctx, adm.PatientID)
		if err != nil {
			return err
		}
		wards, err := a.wardMap(c)
		if err != nil {
			return err
		}
		cat := make([]catalog.Bed, len(beds))
		for i, b := range beds {
			cat[i] = b.Bed
		}
		names, err := a.bedTypeNames(c, cat)
		if err != nil {
			return err
		}
		vm.TransferFields = []components.Field{field(f, "to_bed", "Move to bed", "select", bedOptions(beds, names, wards, adm.Sex)...),
			field(f, "transfer_reason", "Reason", "text")}
	}
	if d := adm.Discharge; d != nil {
		vm.Outcome = ipd.OutcomeLabels[d.Outcome]
		vm.DischargeInfo = "ordered " + views.DateTime(d.OrderedAt, loc) + " by " + d.OrderedByName
		switch d.Outcome {
		case ipd.OutcomeAMA:
			vm.DischargeInfo += " · signed refusal on file"
		case ipd.OutcomeReferred:
			vm.DischargeInfo += " · to " + d.Destination
		case ipd.OutcomeDeceased:
			vm.DischargeInfo += " · died " + views.DateTime(d.DeathAt, loc) + ", certified by " + d.CertifiedBy
		}
		if d.Note != "" {
			vm.DischargeInfo += " · " + d.Note
		}
		if !d.DepartedAt.IsZero() {
			vm.Departed = views.DateTime(d.DepartedAt, loc) + " (recorded by " + d.DepartedBy + ")"
		}
	}
	outcomes := []components.Option{{Value: "", Label: "Choose the outcome"}}
	for _, o := range ipd.Outcomes {
		outcomes = append(outcomes, components.Option{Value: o, Label: ipd.OutcomeLabels[o]})
	}
	vm.DischargeFields = []components.Field{field(f, "outcome", "Outcome", "select", outcomes...),
		field(f, "discharge_note", "Note", "text"),
		field(f, "refusal_signed", "Against advice: signed refusal on file", "select", options("", "No", "yes", "Yes")...),
		field(f, "destination", "Referred / transferred to", "text"),
		field(f, "death_at", "Time of death", "datetime-local"),
		field(f, "certified_by", "Certifying doctor", "text")}
	if vm.DischargeFields[5].Value == "" {
		vm.DischargeFields[5].Value = currentUser(c).FullName
	}
	vm.SummarySigned = adm.Summary.Signed()
	if vm.SummarySigned {
		vm.SummaryBy = adm.Summary.SignedByName + ", " + views.DateTime(adm.Summary.SignedAt, loc)
		vm.SummarySeal, vm.SummaryAddenda = a.summarySeals(adm)
		vm.AddendumFields = []components.Field{field(f, "addendum", "Addendum (a signed correction)", "textarea")}
	}
	if vm.CanOrder && !vm.SummarySigned && adm.Status != ipd.StateActive {
		sf := f
		if len(f.vals) == 0 && adm.Summary != nil {
			sf.vals = map[string]string{"sum_diagnoses": adm.Summary.Diagnoses, "sum_procedures": adm.Summary.Procedures,
				"sum_course": adm.Summary.Course, "sum_medications": adm.Summary.Medications, "sum_follow_up": adm.Summary.FollowUp}
		}
		if sf.vals["sum_diagnoses"] == "" && len(f.vals) == 0 {
			sf.vals = map[string]string{"sum_diagnoses": adm.Diagnosis}
		}
		vm.SummaryFields = []components.Field{field(sf, "sum_diagnoses", "Diagnoses", "textarea"),
			field(sf, "sum_procedures", "Procedures", "textarea"), field(sf, "sum_course", "Course in hospital", "textarea"),
			field(sf, "sum_medications", "Medications on discharge", "textarea"), field(sf, "sum_follow_up", "Follow-up", "textarea")}
	}
	return nil
}

// wardMap is every ward by code.
func (a *App) wardMap(c *fiber.Ctx) (map[string]catalog.Ward, error) {
	list, err := a.Catalog.Wards(c.UserContext())
	out := map[string]catalog.Ward{}
	for _, w := range list {
		out[w.Code] = w
	}
	return out, err
}

type transferInput struct {
	Bed    string `form:"to_bed" validate:"required,max=40"`
	Reason string `form:"transfer_reason" validate:"required,max=200,printable"`
}

// wardTransfer moves the patient to another bed or ward.
func (a *App) wardTransfer(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in transferInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	if len(f.errs) == 0 {
		out, err := a.IPD.Transfer(c.UserContext(), adm.ID, in.Bed, in.Reason, currentUser(c).Username)
		var taken *ipd.BedTakenError
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":transfer"); err != nil {
				return err
			}
			return a.wardBack(c, out, "transfer", "Moved to bed "+out.Bed+"; bed "+adm.Bed+" goes to cleaning.")
		case errors.As(err, &taken):
			f.errs["to_bed"] = "This bed was just taken."
			if taken.Next != "" {
				f.errs["to_bed"] += " Bed " + taken.Next + " of the same ward and type is free."
			}
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
			f.errs["to_bed"] = "Not moved: " + strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ") + "."
		default:
			return err
		}
	}
	return a.renderWardView(c, adm, f)
}

type dischargeInput struct {
	Outcome     string `form:"outcome" validate:"required,max=20"`
	Note        string `form:"discharge_note" validate:"max=300,printable"`
	Refusal     string `form:"refusal_signed" validate:"max=3"`
	Destination string `form:"destination" validate:"max=200,printable"`
	DeathAt     string `form:"death_at" validate:"max=20"`
	CertifiedBy string `form:"certified_by" validate:"max=120,printable"`
}

// wardDischarge is the doctor's discharge order (and, for a death, its record).
func (a *App) wardDischarge(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in dischargeInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	u := currentUser(c)
	o := ipd.DischargeOrder{Outcome: in.Outcome, Note: in.Note, RefusalSigned: in.Refusal == "yes", Destination: in.Destination,
		CertifiedBy: in.CertifiedBy, ByName: u.FullName}
	if in.Outcome == ipd.OutcomeDeceased {
		t, perr := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(in.DeathAt), a.cfg.Location)
		if perr != nil {
			f.errs["death_at"] = "Enter the date and time of death."
		}
		o.DeathAt = t
	}
	if len(f.errs) == 0 {
		_, err := a.IPD.OrderDischarge(c.UserContext(), adm.ID, o, u.Username)
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":discharge"); err != nil {
				return err
			}
			return a.wardBack(c, adm, "discharge", "Discharge ordered; billing has been told. The bed is released when the patient leaves the ward.")
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			f.errs["discharge"] = "Not ordered: " + strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ") + "."
		default:
			return err
		}
	}
	return a.renderWardView(c, adm, f)
}

// wardDepart records that the patient has left the ward; the bed goes to cleaning.
func (a *App) wardDepart(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	_, err = a.IPD.Depart(c.UserContext(), adm.ID, time.Time{}, currentUser(c).Username)
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":departed"); err != nil {
			return err
		}
		a.setFlash(c, "ok", adm.Name+" has left the ward; bed "+adm.BedCode+" goes to cleaning.")
		return redirect(c, "/ward/"+adm.Ward)
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
		return a.renderWardView(c, adm, wardForm{errs: map[string]string{"discharge": "Not recorded: " +
			strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ") + "."}})
	}
	return err
}

type summaryInput struct {
	Diagnoses   string `form:"sum_diagnoses" validate:"max=4000,printable"`
	Procedures  string `form:"sum_procedures" validate:"max=4000,printable"`
	Course      string `form:"sum_course" validate:"max=8000,printable"`
	Medications string `form:"sum_medications" validate:"max=4000,printable"`
	FollowUp    string `form:"sum_follow_up" validate:"max=2000,printable"`
	Sign        string `form:"sign" validate:"max=1"`
}

// wardSummarySave saves the discharge summary, and signs it when asked.
func (a *App) wardSummarySave(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in summaryInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	if len(f.errs) == 0 {
		u := currentUser(c)
		ctx := c.UserContext()
		_, err := a.IPD.SaveSummary(ctx, adm.ID, ipd.Summary{Diagnoses: in.Diagnoses, Procedures: in.Procedures, Course: in.Course,
			Medications: in.Medications, FollowUp: in.FollowUp}, u.Username)
		if err == nil && in.Sign == "1" {
			_, err = a.IPD.SignSummary(ctx, adm.ID, signerOf(c))
		}
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":summary"); err != nil {
				return err
			}
			msg := "Discharge summary saved."
			if in.Sign == "1" {
				msg = "Discharge summary signed."
			}
			return a.wardBack(c, adm, "discharge", msg)
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			f.errs["summary"] = strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ") + "."
		default:
			return err
		}
	}
	return a.renderWardView(c, adm, f)
}

// wardSummaryPrint is the printable discharge summary.
func (a *App) wardSummaryPrint(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	if err := a.auditChange(c, audit.ActionPatientPrint, adm.PatientID, "ipd:"+adm.ID+":summary"); err != nil {
		return err
	}
	loc := a.cfg.Location
	vm := views.WardSummaryVM{Hospital: a.cfg.Hospital, Name: adm.Name, MRN: adm.MRN, AgeSex: adm.AgeSex(a.IPD.Now()), ID: adm.ID,
		Admitted: views.DateTime(adm.AdmittedAt, loc), Departed: "not yet", Doctor: adm.DoctorName, Department: adm.Department,
		Ward: adm.Ward + " · bed " + adm.BedCode}
	if d := adm.Discharge; d != nil {
		vm.Outcome = ipd.OutcomeLabels[d.Outcome]
		if !d.DepartedAt.IsZero() {
			vm.Departed = views.DateTime(d.DepartedAt, loc)
		}
		if d.Outcome == ipd.OutcomeDeceased {
			vm.Deceased = views.DateTime(d.DeathAt, loc) + ", certified by " + d.CertifiedBy
		}
	}
	if m := adm.Summary; m != nil {
		vm.Diagnoses, vm.Procedures, vm.Course, vm.Medications, vm.FollowUp = m.Diagnoses, m.Procedures, m.Course, m.Medications, m.FollowUp
		if m.Signed() {
			vm.Signed, vm.SignedBy, vm.SignedAt = "yes", m.SignedByName, views.DateTime(m.SignedAt, loc)
			vm.Seal, vm.Addenda = a.summarySeals(adm)
		}
	}
	return a.page(c, "Discharge summary · "+adm.Name, views.WardSummary(vm))
}
