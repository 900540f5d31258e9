package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// consultICD10 answers the diagnosis search box with matching codes as buttons.
func (a *App) consultICD10(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	q := c.Query("q")
	if len(q) > 60 || !printable(q) {
		q = ""
	}
	var hits []views.ConsultDiagnosis
	for _, h := range opd.SearchICD10(q, 12) {
		hits = append(hits, views.ConsultDiagnosis{Code: h.Code, Title: h.Title})
	}
	return render(c, views.ICD10Results(v.ID, a.csrfToken(c), q, hits))
}

type consultDiagnosisInput struct {
	Code string `form:"code" validate:"max=10,printable"`
	Text string `form:"diagnosis_text" validate:"max=200,printable"`
}

// consultDiagnosisAdd adds an ICD-10 code picked from the search, or a diagnosis in the doctor's words.
func (a *App) consultDiagnosisAdd(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	var in consultDiagnosisInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 && cxBlank(in.Code) && cxBlank(in.Text) {
		errs["diagnosis_text"] = "Pick a code from the search, or write the diagnosis."
	}
	if len(errs) == 0 {
		_, err = a.OPD.AddDiagnosis(c.UserContext(), v.ID, in.Code, in.Text, false, currentUser(c).Username)
		switch {
		case err == nil:
			return redirect(c, consultHref(v.ID, "diagnoses"))
		case errors.Is(err, store.ErrNotFound):
			errs["_form"] = "There is no ICD-10 code " + in.Code + " in the list."
		case errors.Is(err, store.ErrDuplicate), errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			errs["_form"] = consultStoreMessage(err)
		default:
			return err
		}
	}
	if _, bad := errs["code"]; bad {
		errs["_form"] = "That is not an ICD-10 code."
	}
	return a.renderConsult(c, v, "diagnosis", values(in), errs)
}

// consultDiagnosisRemove takes a diagnosis off the visit.
func (a *App) consultDiagnosisRemove(c *fiber.Ctx) error {
	v, err := a.consultVisit(c)
	if err != nil {
		return err
	}
	line, err := consultLine(c)
	if err != nil {
		return err
	}
	_, err = a.OPD.RemoveDiagnosis(c.UserContext(), v.ID, line, currentUser(c).Username)
	switch {
	case err == nil, errors.Is(err, store.ErrNotFound): // already gone: the screen shows it
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
		a.setFlash(c, "error", consultStoreMessage(err))
	default:
		return err
	}
	return redirect(c, consultHref(v.ID, "diagnoses"))
}
