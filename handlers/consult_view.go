package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store/opd"
	"hms/views"
	"hms/views/components"
)

// renderConsult draws the consultation screen; form, vals and errs come back from a
// refused form (422), which is shown with the entries kept and errors next to fields.
func (a *App) renderConsult(c *fiber.Ctx, v opd.Visit, form string, vals, errs map[string]string, warnings ...views.ConsultRxWarning) error {
	ctx := c.UserContext()
	p, err := a.Patients.ByID(ctx, v.PatientID)
	if err != nil {
		return err
	}
	vm := views.ConsultVM{CSRF: a.csrfToken(c), VisitID: v.ID, Number: v.ID, Token: strconv.FormatInt(v.Token, 10), Date: v.Date,
		State: v.Status, StateLabel: opd.StateLabels[v.Status], StateColour: queueStateColours[v.Status],
		Complaint: v.Complaint, Priority: opd.PriorityLabels[v.Priority], CheckedIn: views.DateTime(v.CheckedInAt, a.cfg.Location),
		DoctorName: v.DoctorName, Editable: v.Status == opd.StateWithDoctor, Completed: v.Status == opd.StateCompleted,
		NoteSigned: v.Note.Status == opd.NoteSigned, FollowUp: v.FollowUpDate, FollowUpNote: v.FollowUpNote,
		CompletedBy: v.CompletedBy, Form: form, Values: vals, Errors: errs, RxWarnings: warnings}
	if vm.Values == nil {
		vm.Values = map[string]string{}
	}
	if vm.Completed {
		vm.CompletedAt = views.DateTime(v.DoneAt, a.cfg.Location)
	}
	if vm.Banner, err = a.banner(c, p); err != nil {
		return err
	}
	if !p.LastVisit.IsZero() {
		vm.LastVisit = views.Date(p.LastVisit, a.cfg.Location)
	}
	if vm.Queue, err = a.opdQueueVM(c, v.ID); err != nil {
		return err
	}
	for _, al := range p.Allergies.Items {
		vm.AllergyRows = append(vm.AllergyRows, views.AllergyRow{ID: al.ID, Substance: al.Substance, Reaction: al.Reaction, Severity: al.Severity})
	}
	if vr, ok := v.LatestVitals(); ok {
		vm.Vitals, vm.VitalsAt = vitalsReadings(vr), views.DateTime(vr.At, a.cfg.Location)+" by "+vr.By
	}
	vm.Note = map[string]string{"subjective": v.Note.Subjective, "objective": v.Note.Objective,
		"assessment": v.Note.Assessment, "plan": v.Note.Plan}
	if !v.Note.SavedAt.IsZero() {
		vm.NoteSaved = views.DateTime(v.Note.SavedAt, a.cfg.Location)
	}
	sealed := a.OPD.VerifyNote(v)
	if vm.NoteSigned {
		vm.NoteSignedBy = "by " + v.Note.SignedBy + ", " + views.DateTime(v.Note.SignedAt, a.cfg.Location)
		vm.NoteSeal = seal(sealed.Note, a.cfg.Location)
	}
	for i, ad := range v.Note.Addenda {
		vm.Addenda = append(vm.Addenda, views.ConsultAddendum{Text: ad.Text, By: ad.By, At: views.DateTime(ad.At, a.cfg.Location),
			Seal: seal(sealed.Addenda[i], a.cfg.Location)})
	}
	for _, d := range v.Diagnoses {
		vm.Diagnoses = append(vm.Diagnoses, views.ConsultDiagnosis{Line: strconv.Itoa(d.Line), Code: d.Code, Title: d.Title,
			Text: d.Text, Primary: d.Primary, RemoveAllowed: vm.Editable})
	}
	for _, rx := range v.Prescriptions {
		vm.Prescriptions = append(vm.Prescriptions, consultRx(rx))
	}
	for _, o := range v.Orders {
		vm.Orders = append(vm.Orders, consultOrder(o))
	}
	if vm.Lab, err = a.labChartVM(c, p.ID); err != nil {
		return err
	}
	if vm.Editable {
		if err := a.consultChoices(c, &vm); err != nil {
			return err
		}
	}
	if len(errs) > 0 || len(warnings) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.widePage(c, v.Name+" · token "+vm.Token, views.ConsultPage(vm))
}

// consultChoices fills the selects of the consultation forms.
func (a *App) consultChoices(c *fiber.Ctx, vm *views.ConsultVM) error {
	drugs, err := a.Catalog.Drugs(c.UserContext())
	if err != nil {
		return err
	}
	vm.Drugs = []components.Option{{Value: "", Label: "Choose a drug…"}}
	for _, d := range drugs {
		vm.Drugs = append(vm.Drugs, components.Option{Value: d.Code, Label: consultDrugLabel(d.Generic, d.Strength, d.Form)})
	}
	labs, err := a.Catalog.LabTests(c.UserContext())
	if err != nil {
		return err
	}
	vm.LabTests = []components.Option{{Value: "", Label: "Choose a test…"}}
	for _, t := range labs {
		if t.ServiceCode != "" { // panel members are ordered through their panel
			vm.LabTests = append(vm.LabTests, components.Option{Value: t.Code, Label: t.Name})
		}
	}
	vm.Exams = []components.Option{{Value: "", Label: "Choose an exam…"}}
	for _, e := range opd.RadiologyExams {
		vm.Exams = append(vm.Exams, components.Option{Value: e.Code, Label: e.Name})
	}
	vm.Frequencies = []components.Option{{Value: "", Label: "Choose…"}}
	for _, f := range opd.Frequencies {
		vm.Frequencies = append(vm.Frequencies, components.Option{Value: f.Code, Label: f.Code + " — " + f.Label})
	}
	vm.Routes = []components.Option{{Value: "", Label: "Usual route"}}
	for _, r := range consultRoutes {
		vm.Routes = append(vm.Routes, components.Option{Value: r, Label: r})
	}
	for _, p := range opd.OrderPriorities {
		vm.Priorities = append(vm.Priorities, components.Option{Value: p, Label: strings.ToUpper(p[:1]) + p[1:]})
	}
	return nil
}

// consultRoutes are the routes a prescriber may choose instead of the drug's own.
var consultRoutes = []string{"oral", "sublingual", "IV", "IM", "SC", "topical", "inhaled", "nasal", "eye", "ear", "rectal", "vaginal"}

func consultDrugLabel(generic, strength, form string) string {
	return strings.TrimSpace(generic + " " + strength + " " + form)
}
