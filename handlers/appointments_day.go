package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/opd"
	"hms/views"
	"hms/views/components"
)

var deskApptStatus = map[string][2]string{ // label, badge colour
	opd.ApptBooked: {"Booked", "sky"}, opd.ApptCheckedIn: {"Checked in", "green"},
	opd.ApptCancelled: {"Cancelled", "slate"}, opd.ApptNoShow: {"No-show", "amber"},
}

// appointmentsDay is the front desk's OPD day: every doctor's appointments of a date
// (today by default), per department, read from the day buckets by _id.
func (a *App) appointmentsDay(c *fiber.Ctx) error {
	loc := a.OPD.Location()
	vm := views.ApptDayVM{CSRF: a.csrfToken(c), Date: a.OPD.Today(), Dept: c.Query("dept")}
	vm.DateInput = vm.Date
	if d := c.Query("date"); d != "" {
		vm.DateInput = d
		if _, err := time.ParseInLocation(opd.DateLayout, d, loc); err != nil {
			vm.DateError = "Not a real date: use the calendar or type YYYY-MM-DD."
		} else {
			vm.Date = d
		}
	}
	day, _ := time.ParseInLocation(opd.DateLayout, vm.Date, loc)
	vm.DateLabel, vm.Today = day.Format("Monday 2 Jan 2006"), vm.Date == a.OPD.Today()
	vm.Prev, vm.Next = day.AddDate(0, 0, -1).Format(opd.DateLayout), day.AddDate(0, 0, 1).Format(opd.DateLayout)

	deps, err := a.Catalog.Departments(c.UserContext())
	if err != nil {
		return err
	}
	vm.Departments = []components.Option{{Value: "", Label: "All departments"}}
	names := map[string]string{}
	for _, d := range deps {
		if d.Clinical {
			vm.Departments = append(vm.Departments, components.Option{Value: d.Code, Label: d.Name})
			names[d.Code] = d.Name
		}
	}
	if vm.Dept != "" && names[vm.Dept] == "" {
		vm.Dept = ""
	}
	for _, d := range deps {
		if !d.Clinical || (vm.Dept != "" && d.Code != vm.Dept) {
			continue
		}
		days, err := a.OPD.DepartmentDay(c.UserContext(), vm.Date, d.Code)
		if err != nil {
			return err
		}
		for _, dd := range days {
			dv, err := a.doctorDayVM(c, dd, d.Name)
			if err != nil {
				return err
			}
			vm.Doctors = append(vm.Doctors, dv)
		}
	}
	if id := c.Query("visit"); deskVisitRE.MatchString(id) {
		if v, err := a.OPD.Visit(c.UserContext(), id); err == nil {
			vm.CheckedIn = &views.TokenVM{Token: strconv.FormatInt(v.Token, 10), VisitID: v.ID, Name: v.Name, MRN: v.MRN,
				DoctorName: v.DoctorName, Room: v.Room, Priority: opd.PriorityLabels[v.Priority]}
		}
	}
	if vm.DateError != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return a.widePage(c, "Appointments", views.AppointmentsPage(vm))
}

// doctorDayVM is one doctor's appointments with the actions allowed on each now.
func (a *App) doctorDayVM(c *fiber.Ctx, dd opd.DoctorDay, deptName string) (views.DoctorDayVM, error) {
	out := views.DoctorDayVM{Doctor: dd.Doctor, DoctorName: dd.DoctorName, Department: deptName}
	now, today := time.Now(), dd.Date == a.OPD.Today()
	counts := map[string]int{}
	var tokens map[string]int64
	for _, ap := range dd.Appointments {
		counts[ap.Status]++
		if ap.Status == opd.ApptCheckedIn && tokens == nil {
			q, err := a.OPD.Queue(c.UserContext(), dd.Date, dd.Doctor) // one read for the doctor's tokens
			if err != nil {
				return out, err
			}
			tokens = map[string]int64{}
			for _, e := range q.Entries {
				tokens[e.VisitID] = e.Token
			}
		}
	}
	for _, ap := range dd.Appointments {
		if out.Room == "" {
			out.Room = ap.Room
		}
		st := deskApptStatus[ap.Status]
		booked, started := ap.Status == opd.ApptBooked, !now.Before(ap.Start)
		r := views.ApptRow{ID: ap.ID, Time: a.deskClock(ap.Start), PatientID: ap.PatientID, MRN: ap.MRN, Name: ap.Name,
			AgeSex: ap.AgeSex, Phone: phoneText(ap.Phone), Reason: ap.Reason, StatusLabel: st[0], StatusColour: st[1],
			CanCheckIn: booked && today, CanReschedule: booked, CanCancel: booked, CanNoShow: booked && started}
		if t, ok := tokens[ap.VisitID]; ok && ap.VisitID != "" {
			r.Token = strconv.FormatInt(t, 10)
		}
		if r.CanNoShow {
			out.NoShowsDue++
		}
		out.Rows = append(out.Rows, r)
	}
	parts := []string{deskPlural(len(dd.Appointments), "appointment")}
	for _, s := range []string{opd.ApptBooked, opd.ApptCheckedIn, opd.ApptCancelled, opd.ApptNoShow} {
		if n := counts[s]; n > 0 && n < len(dd.Appointments) {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(deskApptStatus[s][0])))
		}
	}
	out.Summary = strings.Join(parts, " · ")
	return out, nil
}

func deskPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
