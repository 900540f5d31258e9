package handlers

import (
	"cmp"
	"errors"
	"regexp"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
	"hms/views/components"
)

// deskBookingDays is how far ahead the desk books: today and the next 14 days.
const deskBookingDays = 14

var (
	deskApptRE  = regexp.MustCompile(`^A\d{7}$`)
	deskVisitRE = regexp.MustCompile(`^V\d{7}$`)
)

// apptByParam loads the appointment named by :id (404 when it cannot exist or does not).
func (a *App) apptByParam(c *fiber.Ctx) (opd.Appointment, error) {
	id := c.Params("id")
	if !deskApptRE.MatchString(id) {
		return opd.Appointment{}, fiber.ErrNotFound
	}
	return a.OPD.Appointment(c.UserContext(), id)
}

// deskDoctorChoices lists the active doctors as select options, grouped by department
// (department name first) with specialty and the consultation fee in force today.
func (a *App) deskDoctorChoices(c *fiber.Ctx) ([]components.Option, error) {
	ctx := c.UserContext()
	docs, err := a.OPD.Doctors(ctx, "")
	if err != nil {
		return nil, err
	}
	names, err := a.deskDeptNames(c)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(docs, func(x, y opd.Profile) int {
		return cmp.Or(cmp.Compare(names[x.Department], names[y.Department]), cmp.Compare(x.FullName, y.FullName))
	})
	fees := map[string]string{}
	out := []components.Option{{Value: "", Label: "Choose a doctor…"}}
	for _, d := range docs {
		fee, seen := fees[d.ConsultService]
		if !seen {
			fee = "no fee on the price list"
			if svc, err := a.Catalog.Service(ctx, d.ConsultService); err == nil {
				if amt, ok := svc.PriceAt(time.Now()); ok {
					fee = views.Money(amt)
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			fees[d.ConsultService] = fee
		}
		label := cmp.Or(names[d.Department], d.Department) + " — " + d.FullName
		if d.Specialty != "" {
			label += " (" + d.Specialty + ")"
		}
		out = append(out, components.Option{Value: d.Username, Label: label + " · " + fee})
	}
	return out, nil
}

// deskDeptNames maps department codes to names.
func (a *App) deskDeptNames(c *fiber.Ctx) (map[string]string, error) {
	deps, err := a.Catalog.Departments(c.UserContext())
	out := map[string]string{}
	for _, d := range deps {
		out[d.Code] = d.Name
	}
	return out, err
}

// deskDoctor returns the profile of an active doctor, or false when username is not one.
func (a *App) deskDoctor(c *fiber.Ctx, username string) (opd.Profile, bool, error) {
	if username == "" || len(username) > 60 {
		return opd.Profile{}, false, nil
	}
	p, err := a.OPD.Profile(c.UserContext(), username)
	if errors.Is(err, store.ErrNotFound) {
		return p, false, nil
	}
	return p, err == nil && p.IsDoctor() && p.Active, err
}

// deskDates are today and the next deskBookingDays days in the hospital's zone.
func (a *App) deskDates() []components.Option {
	loc := a.OPD.Location()
	now := time.Now().In(loc)
	y, m, d := now.Date()
	var out []components.Option
	for i := 0; i <= deskBookingDays; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, loc)
		label := day.Format("Mon 2 Jan 2006")
		switch i {
		case 0:
			label = "Today · " + label
		case 1:
			label = "Tomorrow · " + label
		}
		out = append(out, components.Option{Value: day.Format(opd.DateLayout), Label: label})
	}
	return out
}

func deskHasOption(opts []components.Option, v string) bool {
	return v != "" && slices.ContainsFunc(opts, func(o components.Option) bool { return o.Value == v })
}

// deskDayLabel writes a "2006-01-02" date as people read it: Friday 27 Nov 2026.
func (a *App) deskDayLabel(date string) string {
	t, err := time.ParseInLocation(opd.DateLayout, date, a.OPD.Location())
	if err != nil {
		return date
	}
	return t.Format("Monday 2 Jan 2006")
}

// deskClock is the time of t in the hospital's zone, "09:15".
func (a *App) deskClock(t time.Time) string { return t.In(a.OPD.Location()).Format("15:04") }
