package handlers

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
	"hms/views"
)

// labCodeRE is what a lab test code looks like.
var labCodeRE = regexp.MustCompile(`^[A-Z0-9-]{1,16}$`)

type labTestForm struct {
	Version      string `form:"version"`
	Name         string `form:"name" validate:"required,max=120,printable"`
	LOINC        string `form:"loinc" validate:"max=16,printable"`
	Unit         string `form:"unit" validate:"max=20,printable"`
	TAT          string `form:"tat" validate:"required,numeric,max=4"`
	CriticalLow  string `form:"critical_low" validate:"max=12"`
	CriticalHigh string `form:"critical_high" validate:"max=12"`
	Ranges       string `form:"ranges" validate:"max=2000"`
	Codes        string `form:"codes" validate:"max=300,printable"`
	Components   string `form:"components" validate:"max=300,printable"`
}

// labTestEdit shows a test's edit form (pathologist, administrator).
func (a *App) labTestEdit(c *fiber.Ctx) error {
	t, err := a.labTestParam(c)
	if err != nil {
		return err
	}
	f := labTestForm{Version: strconv.FormatInt(t.Version, 10), Name: t.Name, LOINC: t.LOINC, Unit: t.Unit,
		TAT: strconv.Itoa(t.TATHours), Ranges: formatRangeLines(t.Ranges), Codes: strings.Join(t.Codes, ", "),
		Components: strings.Join(t.Components, ", ")}
	if t.CriticalLow != nil {
		f.CriticalLow = labNum(*t.CriticalLow)
	}
	if t.CriticalHigh != nil {
		f.CriticalHigh = labNum(*t.CriticalHigh)
	}
	return a.renderLabTestForm(c, t, f, nil)
}

func (a *App) labTestParam(c *fiber.Ctx) (catalog.LabTest, error) {
	code := c.Params("code")
	if !labCodeRE.MatchString(code) {
		return catalog.LabTest{}, fiber.ErrNotFound
	}
	t, err := a.Catalog.LabTest(c.UserContext(), code)
	if errors.Is(err, store.ErrNotFound) {
		return t, fiber.ErrNotFound
	}
	return t, err
}

func (a *App) renderLabTestForm(c *fiber.Ctx, t catalog.LabTest, f labTestForm, errs map[string]string) error {
	vm := views.LabTestFormVM{CSRF: a.csrfToken(c), Code: t.Code, Panel: t.IsPanel(), Version: f.Version, Name: f.Name, LOINC: f.LOINC,
		Unit: f.Unit, TAT: f.TAT, CriticalLow: f.CriticalLow, CriticalHigh: f.CriticalHigh, Ranges: f.Ranges, Codes: f.Codes,
		Components: f.Components, Errors: errs}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.page(c, "Edit "+t.Name, views.LabTestForm(vm))
}

// labTestSave stores the edited test; ranges are one per line: "M 18-130: 13-17".
func (a *App) labTestSave(c *fiber.Ctx) error {
	t, err := a.labTestParam(c)
	if err != nil {
		return err
	}
	var f labTestForm
	if err := parseForm(c, &f); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(f))
	next := t
	next.Name, next.LOINC, next.Unit = strings.TrimSpace(f.Name), strings.TrimSpace(f.LOINC), strings.TrimSpace(f.Unit)
	next.TATHours, _ = strconv.Atoi(f.TAT)
	var msg string
	if next.CriticalLow, msg = optionalNum(f.CriticalLow); msg != "" {
		errs["critical_low"] = msg
	}
	if next.CriticalHigh, msg = optionalNum(f.CriticalHigh); msg != "" {
		errs["critical_high"] = msg
	}
	if next.Ranges, msg = parseRangeLines(f.Ranges); msg != "" {
		errs["ranges"] = msg
	}
	next.Codes = splitList(f.Codes)
	if t.IsPanel() {
		next.Components = splitList(strings.ToUpper(f.Components))
		for _, code := range next.Components {
			if _, err := a.Catalog.LabTest(c.UserContext(), code); err != nil {
				errs["components"] = "No test has code " + code + "."
			}
		}
		if len(next.Components) == 0 {
			errs["components"] = "A panel needs at least one test."
		}
	}
	if len(errs) == 0 {
		version, _ := strconv.ParseInt(f.Version, 10, 64)
		_, err := a.Catalog.UpdateLabTest(c.UserContext(), next, version, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Saved "+next.Name+".")
			return redirect(c, "/lab/catalogue")
		case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrInvalid):
			errs["_form"] = strings.TrimPrefix(strings.TrimPrefix(err.Error(), store.ErrConflict.Error()+": "), store.ErrInvalid.Error()+": ")
		default:
			return err
		}
	}
	return a.renderLabTestForm(c, t, f, errs)
}

func optionalNum(s string) (*float64, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return nil, "Enter a number, or leave it empty for no limit."
	}
	return &v, ""
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// rangeLineRE is one reference range line: "M 18-130: 13-17", "any 1-12: 11.5-15.5".
var rangeLineRE = regexp.MustCompile(`^(?i)(M|F|any)\s+(\d{1,3})\s*-\s*(\d{1,3})\s*:\s*([0-9.]+)\s*-\s*([0-9.]+)$`)

func parseRangeLines(text string) ([]catalog.RefRange, string) {
	var out []catalog.RefRange
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		m := rangeLineRE.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Sprintf("Line %d: write sex (M, F or any), age band in years and the range, e.g. “M 18-130: 13-17”.", i+1)
		}
		r := catalog.RefRange{Sex: strings.ToUpper(m[1])}
		if r.Sex == "ANY" {
			r.Sex = ""
		}
		r.AgeFrom, _ = strconv.Atoi(m[2])
		r.AgeTo, _ = strconv.Atoi(m[3])
		var err1, err2 error
		r.Low, err1 = strconv.ParseFloat(m[4], 64)
		r.High, err2 = strconv.ParseFloat(m[5], 64)
		if err1 != nil || err2 != nil || r.Low > r.High || r.AgeFrom >= r.AgeTo {
			return nil, fmt.Sprintf("Line %d: the age band and the range must each go from low to high.", i+1)
		}
		out = append(out, r)
	}
	return out, ""
}

func formatRangeLines(rs []catalog.RefRange) string {
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		sex := r.Sex
		if sex == "" {
			sex = "any"
		}
		lines = append(lines, fmt.Sprintf("%s %d-%d: %s-%s", sex, r.AgeFrom, r.AgeTo, labNum(r.Low), labNum(r.High)))
	}
	return strings.Join(lines, "\n")
}
