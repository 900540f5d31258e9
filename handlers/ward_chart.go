package handlers

import (
	"errors"
	"math"
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

// trendFields are the vitals charted as trends over the stay.
var trendFields = []string{opd.FieldTemp, opd.FieldPulse, opd.FieldSystolic, opd.FieldRespRate, opd.FieldSpO2, opd.FieldPain}

// fillChart builds the vitals trends and forms, the notes and intake/output.
func (a *App) fillChart(c *fiber.Ctx, vm *views.WardPatientVM, adm ipd.Admission, f wardForm, now time.Time) error {
	ch, err := a.IPD.Chart(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	loc := a.cfg.Location
	for _, field := range trendFields {
		if t, ok := trend(ch.Vitals, field, loc); ok {
			vm.Trends = append(vm.Trends, t)
		}
	}
	for _, name := range vitalsFields {
		l := opd.LimitOf(name)
		label := l.Label
		if l.Unit != "" {
			label += " (" + l.Unit + ")"
		}
		vm.VitalsFields = append(vm.VitalsFields, components.Field{Name: name, Label: label, Type: "text", Inputmode: "decimal",
			MaxLength: 8, Value: f.vals[name], Error: f.errs[name], Hint: "Plausible: " + num(l.Min) + "–" + num(l.Max)})
	}
	sealed := a.IPD.VerifyNotes(ch)
	for i := len(ch.Notes) - 1; i >= 0; i-- {
		n := ch.Notes[i]
		vm.Notes = append(vm.Notes, views.NoteRow{At: views.DateTime(n.At, loc), Shift: n.Shift, Text: n.Text, By: n.ByName,
			Seal: seal(sealed[i], loc)})
	}
	today := a.IPD.DateOf(now)
	for i := len(ch.IO) - 1; i >= 0; i-- {
		e := ch.IO[i]
		vm.IO = append(vm.IO, views.NoteRow{At: views.DateTime(e.At, loc), Text: e.Kind + " · " + e.Route + " · " + strconv.Itoa(e.ML) + " ml", By: e.ByName})
		if a.IPD.DateOf(e.At) == today {
			if e.Kind == ipd.Intake {
				vm.IntakeML += e.ML
			} else {
				vm.OutputML += e.ML
			}
		}
	}
	shifts := []components.Option{}
	for _, s := range ipd.Shifts {
		shifts = append(shifts, components.Option{Value: s, Label: strings.ToUpper(s[:1]) + s[1:]})
	}
	vm.NoteFields = []components.Field{field(f, "shift", "Shift", "select", shifts...), field(f, "note_text", "Note", "textarea")}
	ioOpts := []components.Option{}
	for _, k := range []string{ipd.Intake, ipd.Output} {
		for _, r := range ipd.IORoutes[k] {
			ioOpts = append(ioOpts, components.Option{Value: k + ":" + r, Label: strings.ToUpper(k[:1]) + k[1:] + " – " + r})
		}
	}
	vm.IOFields = []components.Field{field(f, "io_kind", "Intake or output", "select", ioOpts...), field(f, "io_ml", "Volume (ml)", "text")}
	vm.IOFields[1].Inputmode = "numeric"
	return nil
}

// trend draws one vital over the stay in a 300×80 box, with the normal range as a band.
func trend(recs []opd.VitalsRecord, field string, loc *time.Location) (views.VitalsTrend, bool) {
	l := opd.LimitOf(field)
	type pt struct {
		v  float64
		at time.Time
		ab bool
	}
	var pts []pt
	for _, r := range recs {
		if x := r.Value(field); x != nil {
			pts = append(pts, pt{*x, r.At, r.Abnormal(field)})
		}
	}
	if len(pts) == 0 {
		return views.VitalsTrend{}, false
	}
	lo, hi := pts[0].v, pts[0].v
	for _, p := range pts {
		lo, hi = math.Min(lo, p.v), math.Max(hi, p.v)
	}
	if !math.IsNaN(l.NormalLow) {
		lo, hi = math.Min(lo, l.NormalLow), math.Max(hi, l.NormalHigh)
	}
	pad := (hi - lo) * 0.1
	if pad == 0 {
		pad = 1
	}
	lo, hi = lo-pad, hi+pad
	y := func(v float64) float64 { return 76 - (v-lo)/(hi-lo)*72 }
	f1 := func(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
	t := views.VitalsTrend{Label: l.Label, Unit: l.Unit, Min: f1(lo + pad), Max: f1(hi - pad)}
	var points []string
	for i, p := range pts {
		x := 150.0
		if len(pts) > 1 {
			x = 6 + float64(i)*288/float64(len(pts)-1)
		}
		points = append(points, f1(x)+","+f1(y(p.v)))
		t.Dots = append(t.Dots, views.TrendDot{X: f1(x), Y: f1(y(p.v)), Abnormal: p.ab, Title: f1(p.v) + " " + l.Unit + " at " + views.DateTime(p.at, loc)})
	}
	t.Points = strings.Join(points, " ")
	last := pts[len(pts)-1]
	t.Last, t.LastAbnormal = f1(last.v), last.ab
	if !math.IsNaN(l.NormalLow) {
		t.BandY, t.BandH = f1(y(l.NormalHigh)), f1(y(l.NormalLow)-y(l.NormalHigh))
	}
	return t, true
}

// wardVitals charts a set of vitals; implausible values are refused next to their field.
func (a *App) wardVitals(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	vals, vs, errs, formErr, err := a.readVitals(c)
	if err != nil {
		return err
	}
	if formErr != "" {
		errs["vitals"] = formErr
	}
	if len(errs) == 0 {
		_, err := a.IPD.RecordVitals(c.UserContext(), adm.ID, vs, currentUser(c).Username)
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":vitals"); err != nil {
				return err
			}
			return a.wardBack(c, adm, "vitals", "Vitals charted.")
		case errors.Is(err, store.ErrInvalid):
			errs["vitals"] = "Not charted: " + err.Error()
		default:
			return err
		}
	}
	return a.renderWardView(c, adm, wardForm{errs: errs, vals: vals})
}

type noteInput struct {
	Shift string `form:"shift" validate:"required,oneof=morning evening night"`
	Text  string `form:"note_text" validate:"required,max=4000,printable"`
}

// wardNote adds a nursing note signed by the nurse.
func (a *App) wardNote(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in noteInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	if len(f.errs) == 0 {
		_, err := a.IPD.AddNote(c.UserContext(), adm.ID, in.Shift, in.Text, signerOf(c))
		if err == nil {
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":note"); err != nil {
				return err
			}
			return a.wardBack(c, adm, "notes", "Note added.")
		}
		if !errors.Is(err, store.ErrInvalid) {
			return err
		}
		f.errs["note"] = "Not added: " + err.Error()
	}
	return a.renderWardView(c, adm, f)
}

type ioInput struct {
	Kind string `form:"io_kind" validate:"required,max=30"`
	ML   string `form:"io_ml" validate:"required,max=6"`
}

// wardIO adds an intake or output entry.
func (a *App) wardIO(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in ioInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	ml, perr := strconv.Atoi(strings.TrimSpace(in.ML))
	if f.errs["io_ml"] == "" && (perr != nil || ml < 1 || ml > 10000) {
		f.errs["io_ml"] = "Enter whole millilitres, 1–10000."
	}
	kind, route, _ := strings.Cut(in.Kind, ":")
	if len(f.errs) == 0 {
		u := currentUser(c)
		_, err := a.IPD.AddIO(c.UserContext(), adm.ID, kind, route, ml, u.FullName, u.Username)
		if err == nil {
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":io"); err != nil {
				return err
			}
			return a.wardBack(c, adm, "io", "Intake/output added.")
		}
		if !errors.Is(err, store.ErrInvalid) {
			return err
		}
		f.errs["io_kind"] = "Choose intake or output and its route."
	}
	return a.renderWardView(c, adm, f)
}

// wardFlags saves the fall and isolation risk flags.
func (a *App) wardFlags(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var flags []string
	for _, v := range c.Request().PostArgs().PeekMulti("flags") {
		flags = append(flags, string(v))
	}
	if _, err := a.IPD.SetFlags(c.UserContext(), adm.ID, flags, currentUser(c).Username); err != nil {
		if errors.Is(err, store.ErrInvalid) {
			return fiber.ErrUnprocessableEntity
		}
		return err
	}
	if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":flags"); err != nil {
		return err
	}
	return a.wardBack(c, adm, "admission", "Risk flags saved.")
}

type doseInput struct {
	Order     string `form:"order" validate:"required,max=40"`
	Slot      string `form:"slot" validate:"required,max=80"`
	Status    string `form:"status" validate:"required,oneof=given held refused done not_done"`
	Wristband string `form:"wristband" validate:"max=20,printable"`
	Barcode   string `form:"barcode" validate:"max=64,printable"`
	Reason    string `form:"dose_reason" validate:"max=200,printable"`
}

// wardDose records a dose on the MAR (or a care task) after the wristband and the
// dispensed item's barcode confirm the patient and the drug.
func (a *App) wardDose(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in doseInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	if errs := fieldErrors(a.validate.Struct(in)); len(errs) > 0 {
		return a.renderWardView(c, adm, wardForm{errs: map[string]string{"dose": "Choose given, held or refused and try again."}})
	}
	u := currentUser(c)
	di := ipd.DoseInput{Status: in.Status, Reason: in.Reason, Wristband: in.Wristband, Barcode: in.Barcode, ByName: u.FullName}
	record := a.IPD.RecordDose
	if in.Status == ipd.TaskDone || in.Status == ipd.TaskNotDone {
		record = a.IPD.RecordTask
	}
	d, err := record(c.UserContext(), adm.ID, in.Order, in.Slot, di, u.Username)
	msg := ""
	switch {
	case err == nil:
		if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+strings.ReplaceAll(d.ID, "@", ":")); err != nil {
			return err
		}
		return a.wardBack(c, adm, "mar", ipd.DoseLabels[d.Status]+" recorded.")
	case errors.Is(err, ipd.ErrDoseRecorded):
		msg = "This dose was already recorded; nothing was changed."
	case errors.Is(err, ipd.ErrWrongPatient):
		msg = "Wrong patient: the wristband (or the dispensed item) is not this patient's. Nothing was recorded."
	case errors.Is(err, ipd.ErrNotDispensed):
		msg = "No dispensed item carries this barcode: the pharmacy has not supplied it yet, or it was mistyped. Nothing was recorded."
	case errors.Is(err, ipd.ErrWrongDrug):
		msg = "The scanned item is not the drug of this order. Nothing was recorded."
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		msg = "Not recorded: " + strings.TrimPrefix(err.Error(), "store: not allowed in the current state: ") + "."
	default:
		return err
	}
	return a.renderWardView(c, adm, wardForm{errs: map[string]string{"dose": msg}})
}
