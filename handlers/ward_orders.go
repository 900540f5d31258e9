package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/ipd"
	"hms/store/opd"
	"hms/views"
	"hms/views/components"
)

// orderInput is the new-order form; one form serves every kind, the fields that do not
// apply to the chosen kind are ignored.
type orderInput struct {
	Kind       string `form:"kind" validate:"required,max=20"`
	Drug       string `form:"drug" validate:"max=20,printable"`
	Dose       string `form:"dose" validate:"max=40,printable"`
	Route      string `form:"route" validate:"max=20,printable"`
	Frequency  string `form:"frequency" validate:"max=10,printable"`
	PRN        string `form:"prn" validate:"max=3"`
	LabTest    string `form:"lab_test" validate:"max=20,printable"`
	Exam       string `form:"exam" validate:"max=20,printable"`
	Priority   string `form:"priority" validate:"max=10,printable"`
	Text       string `form:"text" validate:"max=500,printable"`
	EveryHours string `form:"every_hours" validate:"max=3"`
	Days       string `form:"days" validate:"max=3"`
}

// fillOrders lists the stay's orders and builds the new-order form.
func (a *App) fillOrders(c *fiber.Ctx, vm *views.WardPatientVM, adm ipd.Admission, f wardForm) error {
	ctx := c.UserContext()
	loc := a.cfg.Location
	list, _, err := a.IPD.Orders(ctx, adm.ID)
	if err != nil {
		return err
	}
	for _, o := range list {
		r := views.WardOrderRow{ID: o.ID, Kind: ipd.KindLabels[o.Kind], Summary: o.Summary, Status: o.Status,
			StatusLabel: ipd.OrderStateLabels[o.Status], New: o.Status == ipd.OrderOrdered, Open: o.Open(),
			Ordered: "Ordered " + views.DateTime(o.OrderedAt, loc) + " by " + o.OrderedByName + "."}
		if !o.Stop.IsZero() {
			r.Ordered += " Until " + views.DateTime(o.Stop, loc) + "."
		}
		if !o.AckAt.IsZero() {
			r.Ack = "Acknowledged " + o.AckAt.In(loc).Format("15:04 2 Jan") + " by " + o.AckBy + "."
		}
		if !o.EndedAt.IsZero() {
			r.Ended = ipd.OrderStateLabels[o.Status] + " " + o.EndedAt.In(loc).Format("15:04 2 Jan") + " by " + o.EndedBy
			if o.EndReason != "" {
				r.Ended += ": " + o.EndReason
			}
		}
		r.CanAck = vm.CanNurse && vm.Active && o.Status == ipd.OrderOrdered
		r.CanStop = vm.CanOrder && vm.Active && o.Open()
		vm.Orders = append(vm.Orders, r)
	}
	if !vm.CanOrder || !adm.Active() {
		return nil
	}
	drugs, err := a.Catalog.Drugs(ctx)
	if err != nil {
		return err
	}
	tests, err := a.Catalog.LabTests(ctx)
	if err != nil {
		return err
	}
	kinds := []components.Option{}
	for _, k := range ipd.Kinds {
		kinds = append(kinds, components.Option{Value: k, Label: ipd.KindLabels[k]})
	}
	drugOpts := []components.Option{{Value: "", Label: "Choose a drug"}}
	for _, d := range drugs {
		drugOpts = append(drugOpts, components.Option{Value: d.Code, Label: d.Generic + " " + d.Strength + " " + d.Form})
	}
	freqOpts := []components.Option{}
	for _, fq := range opd.Frequencies {
		label := fq.Code + " – " + fq.Label
		if t := ipd.AdminTimes[fq.Code]; len(t) > 0 {
			label += " (" + strings.Join(t, ", ") + ")"
		}
		freqOpts = append(freqOpts, components.Option{Value: fq.Code, Label: label})
	}
	labOpts := []components.Option{{Value: "", Label: "Choose a test"}}
	for _, t := range tests {
		if t.ServiceCode != "" {
			labOpts = append(labOpts, components.Option{Value: t.Code, Label: t.Name})
		}
	}
	examOpts := []components.Option{{Value: "", Label: "Choose an exam"}}
	for _, e := range opd.RadiologyExams {
		examOpts = append(examOpts, components.Option{Value: e.Code, Label: e.Name})
	}
	vm.OrderFields = []components.Field{
		field(f, "kind", "Order type", "select", kinds...),
		field(f, "drug", "Drug (medication)", "select", drugOpts...),
		field(f, "dose", "Dose (medication)", "text"),
		field(f, "route", "Route (blank: the drug's usual)", "text"),
		field(f, "frequency", "Frequency (medication)", "select", freqOpts...),
		field(f, "prn", "As needed (PRN)", "select", options("", "No", "yes", "Yes")...),
		field(f, "days", "For how many days (blank: until stopped)", "text"),
		field(f, "lab_test", "Lab test", "select", labOpts...),
		field(f, "exam", "Radiology exam", "select", examOpts...),
		field(f, "priority", "Priority", "select", options("routine", "Routine", "urgent", "Urgent", "stat", "STAT")...),
		field(f, "text", "Instruction (diet, nursing, activity) or clinical notes", "textarea"),
		field(f, "every_hours", "Nursing task every … hours (blank: instruction only)", "text"),
	}
	vm.OrderFields[6].Inputmode, vm.OrderFields[11].Inputmode = "numeric", "numeric"
	return nil
}

// wardPlaceOrder records a doctor order.
func (a *App) wardPlaceOrder(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in orderInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	u := currentUser(c)
	oi := ipd.OrderInput{Kind: in.Kind, DrugCode: in.Drug, Dose: in.Dose, Route: in.Route, Frequency: in.Frequency,
		PRN: in.PRN == "yes", Priority: in.Priority, Text: in.Text, ByName: u.FullName}
	switch in.Kind {
	case ipd.KindLab:
		oi.Code = in.LabTest
	case ipd.KindRadiology:
		oi.Code = in.Exam
	case ipd.KindMedication:
		oi.Priority = ""
		if in.Priority == opd.PrioritySTAT {
			oi.Priority = "stat"
		}
	}
	if s := strings.TrimSpace(in.EveryHours); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 168 {
			f.errs["every_hours"] = "Enter whole hours, 1–168."
		}
		oi.EveryHours = n
	}
	if s := strings.TrimSpace(in.Days); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 90 {
			f.errs["days"] = "Enter 1–90 days, or leave blank."
		} else {
			oi.Stop = a.IPD.Now().Add(time.Duration(n) * 24 * time.Hour)
		}
	}
	if len(f.errs) == 0 {
		o, err := a.IPD.AddOrder(c.UserContext(), adm.ID, oi, u.Username)
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":order:"+o.ID); err != nil {
				return err
			}
			return a.wardBack(c, adm, "orders", "Order placed: "+o.Summary+".")
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
			f.errs["order"] = orderProblem(err, in.Kind)
		default:
			return err
		}
	}
	return a.renderWardView(c, adm, f)
}

// orderProblem words a refused order for the doctor.
func orderProblem(err error, kind string) string {
	msg := strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ")
	if errors.Is(err, store.ErrNotFound) {
		switch kind {
		case ipd.KindMedication:
			return "Choose a drug from the formulary."
		case ipd.KindLab:
			return "Choose a lab test."
		case ipd.KindRadiology:
			return "Choose a radiology exam."
		}
	}
	return "The order was not placed: " + msg + "."
}

// wardAckOrder is a nurse's acknowledgement of a new order.
func (a *App) wardAckOrder(c *fiber.Ctx) error {
	return a.wardOrderState(c, ipd.OrderActive, "")
}

type stopInput struct {
	To     string `form:"to" validate:"required,oneof=discontinued completed"`
	Reason string `form:"stop_reason" validate:"max=200,printable"`
}

// wardStopOrder discontinues (with a reason) or completes an order.
func (a *App) wardStopOrder(c *fiber.Ctx) error {
	var in stopInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		return fiber.ErrUnprocessableEntity
	}
	return a.wardOrderState(c, in.To, in.Reason)
}

func (a *App) wardOrderState(c *fiber.Ctx, to, reason string) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	o, err := a.IPD.SetOrderState(c.UserContext(), adm.ID, c.Params("order"), to, reason, currentUser(c).Username)
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":order:"+o.ID); err != nil {
			return err
		}
		return a.wardBack(c, adm, "orders", o.Summary+": "+strings.ToLower(ipd.OrderStateLabels[o.Status])+".")
	case errors.Is(err, store.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, store.ErrInvalid):
		return a.renderWardView(c, adm, wardForm{errs: map[string]string{"order-state": "Not changed: " +
			strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ") + "."}})
	}
	return err
}
