package handlers

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/opd"
	"hms/views"
	"hms/views/components"
)

// vitalsInput is the triage form; numbers stay text until checked, so a refused form
// comes back as typed.
type vitalsInput struct {
	TempC     string `form:"temp_c" validate:"max=8"`
	Pulse     string `form:"pulse" validate:"max=8"`
	Systolic  string `form:"systolic" validate:"max=8"`
	Diastolic string `form:"diastolic" validate:"max=8"`
	RespRate  string `form:"resp_rate" validate:"max=8"`
	SpO2      string `form:"spo2" validate:"max=8"`
	WeightKg  string `form:"weight_kg" validate:"max=8"`
	HeightCm  string `form:"height_cm" validate:"max=8"`
	Pain      string `form:"pain" validate:"max=8"`
}

// vitalsFields are the form's fields in order (BMI is computed, not entered).
var vitalsFields = []string{opd.FieldTemp, opd.FieldPulse, opd.FieldSystolic, opd.FieldDiastolic, opd.FieldRespRate,
	opd.FieldSpO2, opd.FieldWeight, opd.FieldHeight, opd.FieldPain}

// vitalsForm shows the triage form of a visit, with the last vitals recorded.
func (a *App) vitalsForm(c *fiber.Ctx) error {
	v, err := a.visitByParam(c)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, v.PatientID, "opd:"+v.ID+":vitals"); err != nil {
		return err
	}
	return a.renderVitals(c, v, map[string]string{}, map[string]string{}, "")
}

func (a *App) renderVitals(c *fiber.Ctx, v opd.Visit, vals, errs map[string]string, formErr string) error {
	p, err := a.Patients.ByID(c.UserContext(), v.PatientID)
	if err != nil {
		return err
	}
	b, err := a.banner(c, p)
	if err != nil {
		return err
	}
	vm := views.VitalsFormVM{CSRF: a.csrfToken(c), VisitID: v.ID, Token: strconv.FormatInt(v.Token, 10), Doctor: v.Doctor,
		DoctorName: v.DoctorName, Banner: b, FormError: formErr}
	for _, f := range vitalsFields {
		l := opd.LimitOf(f)
		label := l.Label
		if l.Unit != "" {
			label += " (" + l.Unit + ")"
		}
		vm.Fields = append(vm.Fields, components.Field{Name: f, Label: label, Type: "text", Inputmode: "decimal", MaxLength: 8,
			Value: vals[f], Error: errs[f], Hint: "Plausible: " + num(l.Min) + "–" + num(l.Max)})
	}
	if last, ok := v.LatestVitals(); ok {
		vm.Previous = vitalsReadings(last)
	}
	if len(errs) > 0 || formErr != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.page(c, "Vitals · token "+vm.Token, views.VitalsForm(vm))
}

// vitalsReadings lists a record's values in form order (BMI last) with their units,
// flagging those outside the normal range; triage and the consultation both show them.
func vitalsReadings(r opd.VitalsRecord) []views.VitalsReading {
	var out []views.VitalsReading
	for _, l := range opd.Limits {
		x := r.Value(l.Field)
		if l.Field == opd.FieldBMI {
			x = r.BMI
		}
		if x == nil {
			continue
		}
		text := num(math.Round(*x*10) / 10)
		if l.Unit != "" {
			text += " " + l.Unit
		}
		if l.Field == opd.FieldPain {
			text += " / 10"
		}
		out = append(out, views.VitalsReading{Label: l.Label, Value: text, Abnormal: r.Abnormal(l.Field)})
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// readVitals reads a vitals form (OPD triage and the ward chart): the entries as typed,
// the numbers, errors by field, and a problem of the whole set (e.g. diastolic above
// systolic); plausibility is checked only once every field is a number.
func (a *App) readVitals(c *fiber.Ctx) (vals map[string]string, vs opd.Vitals, errs map[string]string, formErr string, err error) {
	var in vitalsInput
	if err := parseForm(c, &in); err != nil {
		return nil, vs, nil, "", err
	}
	vals = values(in)
	errs = fieldErrors(a.validate.Struct(in))
	for _, f := range vitalsFields {
		s := strings.TrimSpace(strings.ReplaceAll(vals[f], ",", "."))
		if s == "" || errs[f] != "" {
			continue
		}
		x, perr := strconv.ParseFloat(s, 64)
		if perr != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			errs[f] = "Enter a number."
			continue
		}
		vs.Set(f, &x)
	}
	if len(errs) == 0 {
		for _, p := range vs.Problems() {
			if p.Field == "" {
				formErr = p.Message + "."
			} else if errs[p.Field] == "" {
				errs[p.Field] = p.Message + "."
			}
		}
	}
	return vals, vs, errs, formErr, nil
}

// vitalsRecord saves triage vitals; implausible values are refused with the limit stated.
func (a *App) vitalsRecord(c *fiber.Ctx) error {
	v, err := a.visitByParam(c)
	if err != nil {
		return err
	}
	vals, vs, errs, formErr, err := a.readVitals(c)
	if err != nil {
		return err
	}
	if len(errs) == 0 && formErr == "" {
		_, err = a.OPD.RecordVitals(c.UserContext(), v.ID, vs, currentUser(c).Username)
		var verr *opd.VitalsError
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, v.PatientID, "opd:"+v.ID+":vitals"); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Vitals of token "+strconv.FormatInt(v.Token, 10)+" recorded: ready for the doctor.")
			return redirect(c, "/opd/queues/"+v.Doctor)
		case errors.As(err, &verr) && verr.Field != "":
			errs[verr.Field] = verr.Message + "."
		case errors.As(err, &verr):
			formErr = verr.Message + "."
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			formErr = "This visit is no longer waiting (it was completed, skipped or cancelled): vitals were not recorded."
		default:
			return err
		}
	}
	return a.renderVitals(c, v, vals, errs, formErr)
}
