package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/audit"
	"hms/store/ipd"
	"hms/views"
	"hms/views/components"
)

// summarySeals are the signature badges of a signed discharge summary and its addenda.
func (a *App) summarySeals(adm ipd.Admission) (components.Seal, []views.ConsultAddendum) {
	loc := a.cfg.Location
	sealed := a.IPD.VerifySummary(adm)
	var rows []views.ConsultAddendum
	for i, x := range adm.Summary.Addenda {
		rows = append(rows, views.ConsultAddendum{Text: x.Text, By: x.ByName, At: views.DateTime(x.At, loc),
			Seal: seal(sealed.Addenda[i], loc)})
	}
	return seal(sealed.Summary, loc), rows
}

type summaryAddendumInput struct {
	Addendum string `form:"addendum" validate:"required,max=2000,printable"`
}

// wardSummaryAddendum adds a signed correction to a signed discharge summary (the
// summary itself stays as signed).
func (a *App) wardSummaryAddendum(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	var in summaryAddendumInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	f := wardForm{errs: fieldErrors(a.validate.Struct(in)), vals: values(in)}
	if len(f.errs) == 0 && strings.TrimSpace(in.Addendum) == "" {
		f.errs["addendum"] = "Required."
	}
	if len(f.errs) == 0 {
		_, err := a.IPD.AddSummaryAddendum(c.UserContext(), adm.ID, in.Addendum, signerOf(c))
		switch {
		case err == nil:
			if err := a.auditChange(c, audit.ActionPatientUpdate, adm.PatientID, "ipd:"+adm.ID+":summary-addendum"); err != nil {
				return err
			}
			return a.wardBack(c, adm, "discharge", "Addendum signed and added to the discharge summary.")
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			f.errs["summary_addendum"] = storeReason(err) + "."
		default:
			return err
		}
	}
	return a.renderWardView(c, adm, f)
}
