package handlers

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/catalog"
	"hms/store/patients"
	"hms/views/components"
)

// patientInput is the registration and edit form. Every field is a string as typed, so
// a refused form comes back exactly as the user left it.
type patientInput struct {
	Token      string `form:"token" validate:"max=64"`
	Version    string `form:"version" validate:"max=20"`
	Given      string `form:"given" validate:"required,max=60,printable"`
	Middle     string `form:"middle" validate:"max=60,printable"`
	Family     string `form:"family" validate:"max=60,printable"`
	Sex        string `form:"sex" validate:"required,oneof=F M O U"`
	DOB        string `form:"dob" validate:"max=10"`
	AgeYears   string `form:"age_years" validate:"max=3"`
	Phone      string `form:"phone" validate:"max=20"`
	Address    string `form:"address" validate:"max=200,printable"`
	City       string `form:"city" validate:"max=60,printable"`
	PIN        string `form:"pin" validate:"omitempty,numeric,len=6"`
	IDKind     string `form:"id_kind" validate:"max=20"`
	IDNumber   string `form:"id_number" validate:"max=24,printable"`
	EmergName  string `form:"emerg_name" validate:"max=100,printable"`
	EmergRel   string `form:"emerg_relation" validate:"max=40,printable"`
	EmergPhone string `form:"emerg_phone" validate:"max=20"`
	BloodGroup string `form:"blood_group" validate:"max=3"`
	Language   string `form:"language" validate:"max=30,printable"`
	ConfirmNew string `form:"confirm_new"`

	AllergyStatus string `form:"allergy_status" validate:"max=10"`
	A1Substance   string `form:"a1_substance" validate:"max=80,printable"`
	A1Reaction    string `form:"a1_reaction" validate:"max=80,printable"`
	A1Severity    string `form:"a1_severity" validate:"max=20"`
	A2Substance   string `form:"a2_substance" validate:"max=80,printable"`
	A2Reaction    string `form:"a2_reaction" validate:"max=80,printable"`
	A2Severity    string `form:"a2_severity" validate:"max=20"`
	A3Substance   string `form:"a3_substance" validate:"max=80,printable"`
	A3Reaction    string `form:"a3_reaction" validate:"max=80,printable"`
	A3Severity    string `form:"a3_severity" validate:"max=20"`

	policyInput
}

// policyInput is an insurance policy, at registration or from the chart.
type policyInput struct {
	PayerPlan    string `form:"payer_plan" validate:"max=40"`
	MemberNumber string `form:"member_number" validate:"max=40,printable"`
	Group        string `form:"group" validate:"max=40,printable"`
	ValidFrom    string `form:"valid_from" validate:"max=10"`
	ValidTo      string `form:"valid_to" validate:"max=10"`
	Rank         string `form:"rank" validate:"max=10"`
}

// values returns the form's entries by field name, to put back into a refused form.
func values(in any) map[string]string {
	out := map[string]string{}
	collect(reflect.ValueOf(in), out)
	return out
}

func collect(v reflect.Value, out map[string]string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			collect(v.Field(i), out)
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("form"), ","); name != "" && name != "confirm_new" && f.Type.Kind() == reflect.String {
			out[name] = v.Field(i).String()
		}
	}
}

// demographics checks what validator tags cannot (real dates, phone numbers, choices)
// and turns the form into the store's Demographics, adding messages to errs.
func (a *App) demographics(in patientInput, errs map[string]string) patients.Demographics {
	d := patients.Demographics{Given: in.Given, Middle: in.Middle, Family: in.Family, Sex: in.Sex,
		Address: strings.TrimSpace(in.Address), City: strings.TrimSpace(in.City), PIN: in.PIN, IDKind: in.IDKind,
		EmergName: strings.TrimSpace(in.EmergName), EmergRel: strings.TrimSpace(in.EmergRel),
		BloodGroup: in.BloodGroup, Language: strings.TrimSpace(in.Language)}
	if errs["given"] == "" && patients.CleanName(in.Given) == "" {
		errs["given"] = "Required."
	}
	d.DOB, d.DOBEstimated = a.dateOfBirth(in.DOB, in.AgeYears, errs)
	d.Phone = phoneField("phone", in.Phone, errs)
	d.EmergPhone = phoneField("emerg_phone", in.EmergPhone, errs)
	if in.BloodGroup != "" && !slices.Contains(patients.BloodGroups, in.BloodGroup) {
		errs["blood_group"] = "Choose one of the listed options."
	}
	if in.IDKind != "" && !slices.Contains(patients.IDKinds, in.IDKind) {
		errs["id_kind"] = "Choose one of the listed options."
	}
	if strings.TrimSpace(in.IDNumber) != "" && in.IDKind == "" && errs["id_kind"] == "" {
		errs["id_kind"] = "Say which document this number is from."
	}
	if id := patients.NormalizeID(in.IDNumber); id != "" && (len(id) < 4 || !alnum(id)) && errs["id_number"] == "" {
		errs["id_number"] = "Use letters and digits only (spaces and dashes are fine), at least 4."
	}
	return d
}

// dateOfBirth reads a date of birth, or an age in years as an estimated one.
func (a *App) dateOfBirth(dob, ageYears string, errs map[string]string) (time.Time, bool) {
	now := today(a.cfg.Location)
	if errs["dob"] != "" {
		return time.Time{}, false
	}
	if strings.TrimSpace(dob) != "" {
		t, err := time.Parse("2006-01-02", strings.TrimSpace(dob))
		switch {
		case err != nil:
			errs["dob"] = "Not a real date: use the calendar or type YYYY-MM-DD (for example 1984-02-29)."
		case t.After(now):
			errs["dob"] = "A date of birth cannot be in the future."
		case t.Before(now.AddDate(-130, 0, 0)):
			errs["dob"] = "That is more than 130 years ago: check the year."
		default:
			return t, false
		}
		return time.Time{}, false
	}
	if strings.TrimSpace(ageYears) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(ageYears))
		if err != nil || n < 0 || n > 130 {
			errs["age_years"] = "Enter the age as a whole number of years, 0 to 130."
			return time.Time{}, false
		}
		return now.AddDate(-n, 0, 0), true
	}
	errs["dob"] = "Enter the date of birth, or the age in years below."
	return time.Time{}, false
}

// phoneField normalises a phone number typed into field, or explains why it is not one.
func phoneField(field, s string, errs map[string]string) string {
	if strings.TrimSpace(s) == "" || errs[field] != "" {
		return ""
	}
	n := patients.NormalizePhone(s)
	if n == "" {
		errs[field] = "Not a phone number: enter 10 digits, for example 98450 12345 (+91 or a leading 0 is fine)."
	}
	return n
}

// allergies reads the allergies the patient reports at registration.
func allergiesOf(in patientInput, errs map[string]string) patients.Allergies {
	rows := [][4]string{{"a1", in.A1Substance, in.A1Reaction, in.A1Severity}, {"a2", in.A2Substance, in.A2Reaction, in.A2Severity},
		{"a3", in.A3Substance, in.A3Reaction, in.A3Severity}}
	al := patients.Allergies{Status: in.AllergyStatus, Items: []patients.Allergy{}}
	for _, r := range rows {
		if strings.TrimSpace(r[1]) == "" {
			if strings.TrimSpace(r[2]) != "" || r[3] != "" {
				errs[r[0]+"_substance"] = "Name the substance, or clear this row."
			}
			continue
		}
		if !slices.Contains(patients.Severities, r[3]) {
			errs[r[0]+"_severity"] = "Choose how severe the reaction is."
		}
		al.Items = append(al.Items, patients.Allergy{Substance: strings.TrimSpace(r[1]), Reaction: strings.TrimSpace(r[2]), Severity: r[3]})
	}
	switch {
	case !slices.Contains([]string{patients.AllergiesUnknown, patients.AllergiesNone, patients.AllergiesListed}, in.AllergyStatus):
		errs["allergy_status"] = "Choose one: not asked yet, no known allergies, or has allergies."
	case in.AllergyStatus == patients.AllergiesListed && len(al.Items) == 0:
		errs["a1_substance"] = "Name at least one allergy, or choose another answer above."
	case in.AllergyStatus != patients.AllergiesListed && len(al.Items) > 0:
		errs["allergy_status"] = "You listed allergies: choose “Has allergies”."
	}
	return al
}

// policy reads an insurance policy; an empty payer means none was entered.
func (a *App) policy(c *fiber.Ctx, in policyInput, required bool, errs map[string]string) (*patients.Policy, error) {
	if in.PayerPlan == "" {
		switch {
		case required:
			errs["payer_plan"] = "Choose the payer and plan."
		case strings.TrimSpace(in.MemberNumber) != "":
			errs["payer_plan"] = "Choose the payer and plan of this member number."
		}
		return nil, nil
	}
	payerCode, planCode, _ := strings.Cut(in.PayerPlan, "/")
	payer, err := a.Catalog.Payer(c.UserContext(), payerCode)
	plan, ok := payer.Plan(planCode)
	if err != nil || !ok {
		errs["payer_plan"] = "Choose one of the listed options."
		return nil, nil
	}
	p := &patients.Policy{PayerCode: payer.Code, PayerName: payer.Name, PlanCode: plan.Code, PlanName: plan.Name,
		MemberNumber: strings.TrimSpace(in.MemberNumber), Group: strings.TrimSpace(in.Group), Rank: in.Rank}
	if p.MemberNumber == "" && errs["member_number"] == "" {
		errs["member_number"] = "Required."
	}
	if p.Rank == "" {
		p.Rank = "primary"
	}
	if !slices.Contains(patients.Ranks, p.Rank) {
		errs["rank"] = "Choose one of the listed options."
	}
	var perr error
	if p.ValidFrom, perr = time.Parse("2006-01-02", in.ValidFrom); perr != nil {
		errs["valid_from"] = "Enter the date the policy starts (YYYY-MM-DD)."
	}
	if in.ValidTo != "" {
		if p.ValidTo, perr = time.Parse("2006-01-02", in.ValidTo); perr != nil {
			errs["valid_to"] = "Not a real date (YYYY-MM-DD)."
		} else if p.ValidTo.Before(p.ValidFrom) {
			errs["valid_to"] = "The end date is before the start date."
		}
	}
	return p, nil
}

// formOptions are the choices of the patient form's selects.
func (a *App) formOptions(c *fiber.Ctx) (map[string][]components.Option, error) {
	plans, err := a.payerPlans(c)
	if err != nil {
		return nil, err
	}
	sexes := []components.Option{{Value: "", Label: "Choose…"}}
	for _, s := range patients.Sexes {
		sexes = append(sexes, components.Option{Value: s, Label: patients.SexLabels[s]})
	}
	return map[string][]components.Option{
		"sex":            sexes,
		"blood_group":    plainOptions(patients.BloodGroups, "Not known"),
		"id_kind":        plainOptions(append([]string{""}, patients.IDKinds...), "None"),
		"language":       plainOptions(append([]string{""}, patients.Languages...), "Not asked"),
		"severity":       plainOptions(append([]string{""}, patients.Severities...), "Choose…"),
		"rank":           {{Value: "primary", Label: "Primary"}, {Value: "secondary", Label: "Secondary"}},
		"payer_plan":     plans,
		"allergy_status": {{Value: "unknown", Label: "Not asked yet"}, {Value: "nka", Label: "No known allergies"}, {Value: "listed", Label: "Has allergies"}},
	}, nil
}

// payerPlans lists every payer's plans as one select ("STAR/FHO").
func (a *App) payerPlans(c *fiber.Ctx) ([]components.Option, error) {
	payers, err := a.Catalog.Payers(c.UserContext())
	if err != nil {
		return nil, err
	}
	out := []components.Option{{Value: "", Label: "No insurance (self-pay)"}}
	for _, p := range payers {
		if !p.Active {
			continue
		}
		for _, pl := range p.Plans {
			out = append(out, components.Option{Value: p.Code + "/" + pl.Code, Label: planLabel(p, pl)})
		}
	}
	return out, nil
}

func planLabel(p catalog.Payer, pl catalog.Plan) string {
	s := p.Name + " — " + pl.Name
	if pl.CopayPct > 0 {
		s += " (" + strconv.Itoa(pl.CopayPct) + "% co-pay)"
	}
	return s
}

func plainOptions(vals []string, emptyLabel string) []components.Option {
	out := make([]components.Option, 0, len(vals))
	for _, v := range vals {
		label := v
		if v == "" {
			label = emptyLabel
		}
		out = append(out, components.Option{Value: v, Label: label})
	}
	return out
}

func alnum(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
