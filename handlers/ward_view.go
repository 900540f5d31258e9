package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/views"
	"hms/views/components"
)

// admissionIDRE is what an admission id looks like; anything else never reaches the store.
var admissionIDRE = regexp.MustCompile(`^IP[0-9]{7}$`)

// admissionByParam loads the admission named in the path.
func (a *App) admissionByParam(c *fiber.Ctx) (ipd.Admission, error) {
	id := c.Params("id")
	if !admissionIDRE.MatchString(id) {
		return ipd.Admission{}, fiber.ErrNotFound
	}
	adm, err := a.IPD.Admission(c.UserContext(), id)
	if err != nil {
		return adm, notFound(err)
	}
	return adm, nil
}

// notFound turns a missing record into a 404.
func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	return err
}

// wardForm is what a refused form brings back to the ward view: messages by field or
// form, and the values entered.
type wardForm struct {
	errs, vals map[string]string
}

// wardView shows a patient's ward view.
func (a *App) wardView(c *fiber.Ctx) error {
	adm, err := a.admissionByParam(c)
	if err != nil {
		return err
	}
	if err := a.auditRead(c, adm.PatientID, "ipd:"+adm.ID); err != nil {
		return err
	}
	return a.renderWardView(c, adm, wardForm{})
}

// wardBack returns to the ward view after a change, at the section changed.
func (a *App) wardBack(c *fiber.Ctx, adm ipd.Admission, section, flash string) error {
	if flash != "" {
		a.setFlash(c, "ok", flash)
	}
	return redirect(c, "/ward/adm/"+adm.ID+"#"+section)
}

func (a *App) renderWardView(c *fiber.Ctx, adm ipd.Admission, f wardForm) error {
	ctx := c.UserContext()
	loc := a.cfg.Location
	now := a.IPD.Now()
	if f.errs == nil {
		f.errs = map[string]string{}
	}
	if f.vals == nil {
		f.vals = map[string]string{}
	}
	p, err := a.Patients.ByID(ctx, adm.PatientID)
	if err != nil {
		return err
	}
	b, err := a.banner(c, p)
	if err != nil {
		return err
	}
	ward, err := a.Catalog.Ward(ctx, adm.Ward)
	if err != nil {
		return err
	}
	u := currentUser(c)
	vm := views.WardPatientVM{Banner: b, CSRF: a.csrfToken(c), ID: adm.ID, Ward: adm.Ward, WardName: ward.Name, Bed: adm.BedCode,
		Status: adm.Status, StatusLabel: ipd.StateLabels[adm.Status], Doctor: adm.DoctorName, Department: adm.Department,
		Diagnosis: adm.Diagnosis, Reason: adm.Reason, Admitted: views.DateTime(adm.AdmittedAt, loc), Source: adm.Source,
		Expected: adm.ExpectedDischarge, Days: itoa(adm.DaysIn(now, loc)), Active: adm.Active(),
		DischargeOrdered: adm.Status == ipd.StateDischargeOrdered, Discharged: adm.Status == ipd.StateDischarged,
		CanOrder: can(u.Roles, PermWardOrders), CanNurse: can(u.Roles, PermNursing), CanTransfer: can(u.Roles, PermAdmit),
		Errors: f.errs, Date: now.In(loc).Format("Mon 2 Jan 2006"), Unacked: adm.Unacked}
	for _, fl := range adm.Flags {
		vm.Fall = vm.Fall || fl == ipd.FlagFall
		vm.Isolation = vm.Isolation || fl == ipd.FlagIsolation
	}
	if err := a.fillOrders(c, &vm, adm, f); err != nil {
		return err
	}
	if err := a.fillSchedule(c, &vm, adm, now); err != nil {
		return err
	}
	if err := a.fillChart(c, &vm, adm, f, now); err != nil {
		return err
	}
	if err := a.fillMoves(c, &vm, adm, f); err != nil {
		return err
	}
	if len(f.errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.page(c, adm.Name+" · bed "+adm.BedCode, views.WardPatient(vm))
}

func itoa(n int) string { return views.Itoa(n) }

// fillSchedule lays out today's MAR and care tasks.
func (a *App) fillSchedule(c *fiber.Ctx, vm *views.WardPatientVM, adm ipd.Admission, now time.Time) error {
	rows, err := a.IPD.Schedule(c.UserContext(), adm.ID, a.IPD.DateOf(now))
	if err != nil {
		return err
	}
	loc := a.cfg.Location
	for _, r := range rows {
		row := views.MARRow{OrderID: r.Order.ID, Summary: r.Order.Summary, Frequency: r.Order.Frequency,
			Task: r.Order.Kind == ipd.KindNursing, PRN: r.Order.PRN, Active: r.Order.Status == ipd.OrderActive, PRNToken: token()}
		if r.Order.Status == ipd.OrderOrdered {
			row.Summary += " (not yet acknowledged)"
		}
		for _, s := range r.Slots {
			slot := views.MARSlot{Key: s.Key, Time: s.At.In(loc).Format("15:04")}
			if s.Dose != nil {
				slot.Recorded, slot.Status, slot.StatusLabel = true, s.Dose.Status, ipd.DoseLabels[s.Dose.Status]
				slot.By, slot.Reason = s.Dose.ByName+" "+s.Dose.At.In(loc).Format("15:04"), s.Dose.Reason
			} else {
				slot.Overdue = s.At.Before(now.Add(-time.Hour))
				slot.Due = !slot.Overdue && s.At.Before(now.Add(30*time.Minute))
			}
			row.Slots = append(row.Slots, slot)
		}
		for _, d := range r.PRN {
			row.PRNDoses = append(row.PRNDoses, views.MARSlot{Time: d.At.In(loc).Format("15:04"), StatusLabel: ipd.DoseLabels[d.Status],
				By: d.ByName, Reason: d.Reason})
		}
		if row.Task {
			vm.Tasks = append(vm.Tasks, row)
		} else {
			vm.MAR = append(vm.MAR, row)
		}
	}
	return nil
}

// token is a one-time form token: a double-submitted as-needed dose is recorded once.
func token() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// field builds a form field keeping the entered value and its error.
func field(f wardForm, name, label, typ string, opts ...components.Option) components.Field {
	return components.Field{Name: name, Label: label, Type: typ, Value: f.vals[name], Error: f.errs[name], Options: opts}
}

// options turns value/label pairs into select options.
func options(pairs ...string) []components.Option {
	var out []components.Option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, components.Option{Value: pairs[i], Label: pairs[i+1]})
	}
	return out
}

// bedOptions lists free beds as "W1 · bed 3 (General ward bed)", leaving out the wards
// whose sex restriction does not suit the patient (sex "" when not known yet).
func bedOptions(beds []ipd.Bed, names map[string]string, wards map[string]catalog.Ward, sex string) []components.Option {
	out := []components.Option{{Value: "", Label: "Choose a bed"}}
	for _, b := range beds {
		if w := wards[b.Ward]; sex != "" && w.Sex != "" && w.Sex != sex {
			continue
		}
		label := wards[b.Ward].Name + " · bed " + b.Code
		if n := names[b.BedType]; n != "" {
			label += " (" + n + ")"
		}
		if len(b.Features) > 0 {
			label += " · " + strings.Join(b.Features, ", ")
		}
		if w := wards[b.Ward]; w.Sex != "" {
			label += " · " + wardSexLabel(w.Sex)
		}
		out = append(out, components.Option{Value: b.ID, Label: label})
	}
	return out
}
