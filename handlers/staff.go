package handlers

import (
	"cmp"
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/identity"
	"hms/store/opd"
	"hms/views"
	"hms/views/components"
)

var staffKinds = map[string]string{opd.KindDoctor: "Doctor", opd.KindNurse: "Nurse", opd.KindOther: "Other staff"}

// staffList is the staff directory; choosing a user not in it opens their new entry.
func (a *App) staffList(c *fiber.Ctx) error {
	if u := c.Query("username"); u != "" && identity.ValidUsername(u) {
		return redirect(c, "/admin/staff/"+u)
	}
	ctx := c.UserContext()
	profiles, err := a.OPD.Profiles(ctx)
	if err != nil {
		return err
	}
	users, err := a.Users.List(ctx)
	if err != nil {
		return err
	}
	names, err := a.deskDeptNames(c)
	if err != nil {
		return err
	}
	vm := views.StaffListVM{Table: components.Table{Caption: "Staff", TestID: "staff",
		Heads: []string{"Name", "Kind", "Department", "Specialty", "Licence", "Consultation", "Room", "Ward", "Status"},
		Empty: "No staff in the directory yet."}}
	listed := map[string]bool{}
	for _, p := range profiles {
		listed[p.Username] = true
		status, colour := "Active", "green"
		if !p.Active {
			status, colour = "Inactive", "slate"
		}
		vm.Table.Rows = append(vm.Table.Rows, []components.Cell{{Text: p.FullName, Href: "/admin/staff/" + p.Username},
			{Text: staffKinds[p.Kind]}, {Text: cmp.Or(names[p.Department], p.Department)}, {Text: p.Specialty},
			{Text: p.Licence, Mono: true}, {Text: p.ConsultService, Mono: true}, {Text: p.Room}, {Text: p.Ward},
			{Text: status, Badge: colour}})
	}
	vm.Missing = []components.Option{{Value: "", Label: "Choose a user…"}}
	for _, u := range users {
		if !listed[u.Username] && !u.Disabled && !u.HasRole(string(RolePatient)) && !u.HasRole(string(RoleDisplay)) {
			vm.Missing = append(vm.Missing, components.Option{Value: u.Username, Label: u.FullName + " (" + u.Username + ")"})
		}
	}
	return a.page(c, "Staff directory", views.StaffListPage(vm))
}

// staffUser loads the user of :username and their directory entry (exists false when none yet).
func (a *App) staffUser(c *fiber.Ctx) (identity.User, opd.Profile, bool, error) {
	name := c.Params("username")
	if !identity.ValidUsername(name) {
		return identity.User{}, opd.Profile{}, false, fiber.ErrNotFound
	}
	u, err := a.Users.ByUsername(c.UserContext(), name)
	if err != nil {
		return u, opd.Profile{}, false, err
	}
	p, err := a.OPD.Profile(c.UserContext(), name)
	if errors.Is(err, store.ErrNotFound) {
		return u, p, false, nil
	}
	return u, p, err == nil, err
}

// staffShow shows a directory entry; for a doctor also the OPD schedule.
func (a *App) staffShow(c *fiber.Ctx) error {
	u, p, exists, err := a.staffUser(c)
	if err != nil {
		return err
	}
	vals := profileValues(p)
	if !exists {
		vals = map[string]string{"kind": opd.KindOther, "department": u.Department, "active": "1"}
		switch {
		case u.HasRole(string(RoleDoctor)) || u.HasRole(string(RoleSeniorDoctor)):
			vals["kind"] = opd.KindDoctor
		case u.HasRole(string(RoleNurse)) || u.HasRole(string(RoleChargeNurse)):
			vals["kind"] = opd.KindNurse
		}
	}
	vm, err := a.staffVM(c, u, p, exists, vals, map[string]string{})
	if err != nil {
		return err
	}
	return a.widePage(c, "Staff · "+u.FullName, views.StaffPage(vm))
}

// staffVM builds the staff page around the profile form's values and errors.
func (a *App) staffVM(c *fiber.Ctx, u identity.User, p opd.Profile, exists bool, vals, errs map[string]string) (views.StaffVM, error) {
	vm := views.StaffVM{CSRF: a.csrfToken(c), Username: u.Username, FullName: u.FullName, Exists: exists,
		IsDoctor: exists && p.IsDoctor(), Version: vals["version"], Values: vals, Errors: errs,
		ExValues: map[string]string{"ex_kind": "leave", "ex_slot": "15", "ex_room": p.Room}, ExErrors: map[string]string{}}
	opts, err := a.staffOptions(c)
	if err != nil {
		return vm, err
	}
	vm.Options = opts
	vm.Sessions = views.OPDSessionsVM{CSRF: vm.CSRF, Username: u.Username, Version: strconv.FormatInt(p.Version, 10)}
	for _, s := range p.Sessions {
		vm.Sessions.Rows = append(vm.Sessions.Rows, views.SessionRowVM{Weekday: strconv.Itoa(int(s.Weekday)), Start: s.Start,
			End: s.End, SlotMinutes: strconv.Itoa(s.SlotMinutes), Room: s.Room})
	}
	today := a.OPD.Today()
	for _, date := range slices.Sorted(maps.Keys(p.Exceptions)) {
		if date < today {
			continue
		}
		e := p.Exceptions[date]
		what := ""
		if e.Leave {
			what = "Leave"
		}
		for _, x := range e.Extra {
			what = joinNonEmpty(what, "extra session "+x.Start+"–"+x.End+" ("+strconv.Itoa(x.SlotMinutes)+" min)")
		}
		vm.Exceptions = append(vm.Exceptions, views.ExceptionRow{Date: date, DateLabel: a.deskDayLabel(date), What: what,
			Reason: e.Reason, By: e.By})
	}
	return vm, nil
}
