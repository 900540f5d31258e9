package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hms/store/catalog"
	"hms/store/opd"
	"hms/views/components"
)

// staffOptions are the choices of the profile form's selects.
func (a *App) staffOptions(c *fiber.Ctx) (map[string][]components.Option, error) {
	ctx := c.UserContext()
	deps, err := a.Catalog.Departments(ctx)
	if err != nil {
		return nil, err
	}
	services, err := a.Catalog.Services(ctx)
	if err != nil {
		return nil, err
	}
	wards, err := a.Catalog.Wards(ctx)
	if err != nil {
		return nil, err
	}
	o := map[string][]components.Option{
		"kind":            {{Value: opd.KindDoctor, Label: "Doctor"}, {Value: opd.KindNurse, Label: "Nurse"}, {Value: opd.KindOther, Label: "Other staff"}},
		"department":      {{Value: "", Label: "Choose…"}},
		"consult_service": {{Value: "", Label: "The department's (CONS-<department>)"}},
		"ward":            {{Value: "", Label: "None"}},
		"active":          {{Value: "1", Label: "Active"}, {Value: "0", Label: "Inactive (left, or not seeing patients)"}},
	}
	for _, d := range deps {
		o["department"] = append(o["department"], components.Option{Value: d.Code, Label: d.Name})
	}
	for _, s := range services {
		if s.Category == catalog.CatConsultation && s.Active {
			o["consult_service"] = append(o["consult_service"], components.Option{Value: s.Code, Label: s.Code + " — " + s.Name})
		}
	}
	for _, w := range wards {
		o["ward"] = append(o["ward"], components.Option{Value: w.Code, Label: w.Code + " — " + w.Name})
	}
	return o, nil
}

func profileValues(p opd.Profile) map[string]string {
	active := "0"
	if p.Active {
		active = "1"
	}
	return map[string]string{"version": strconv.FormatInt(p.Version, 10), "kind": p.Kind, "department": p.Department,
		"specialty": p.Specialty, "licence": p.Licence, "consult_service": p.ConsultService, "room": p.Room, "ward": p.Ward, "active": active}
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
