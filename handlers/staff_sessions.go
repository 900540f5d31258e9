package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// maxSessionRows bounds the weekly sessions form (four sessions a day).
const maxSessionRows = 28

// sessionsInput is the weekly sessions form's buttons and version; the rows are
// s<i>_weekday, s<i>_start … read one by one into typed rows.
type sessionsInput struct {
	Version string `form:"version" validate:"max=20"`
	Rows    string `form:"rows" validate:"max=3"`
	Add     string `form:"add" validate:"max=1"`
	Remove  string `form:"remove" validate:"max=3"`
	Save    string `form:"save" validate:"max=1"`
}

// staffSessions adds or removes a row of the weekly sessions (re-rendered, not saved),
// or saves them all: the store refuses overlaps and an edit made meanwhile.
func (a *App) staffSessions(c *fiber.Ctx) error {
	u, p, exists, err := a.staffUser(c)
	if err != nil {
		return err
	}
	if !exists || !p.IsDoctor() {
		return fiber.ErrNotFound
	}
	var in sessionsInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	n, _ := strconv.Atoi(in.Rows)
	n = max(0, min(n, maxSessionRows))
	vm := views.OPDSessionsVM{CSRF: a.csrfToken(c), Username: u.Username, Version: in.Version}
	for i := range n {
		f := func(name string) string { return strings.TrimSpace(c.FormValue("s" + strconv.Itoa(i) + "_" + name)) }
		vm.Rows = append(vm.Rows, views.SessionRowVM{Weekday: f("weekday"), Start: f("start"), End: f("end"),
			SlotMinutes: f("slot"), Room: f("room"), Errors: map[string]string{}})
	}
	status := fiber.StatusOK
	switch {
	case in.Add != "" && len(vm.Rows) < maxSessionRows:
		row := views.SessionRowVM{Weekday: "1", Start: "09:00", End: "13:00", SlotMinutes: "15", Room: p.Room}
		if k := len(vm.Rows); k > 0 {
			last := vm.Rows[k-1]
			wd, _ := strconv.Atoi(last.Weekday)
			row.Weekday, row.Start, row.End, row.SlotMinutes = strconv.Itoa((wd+1)%7), last.Start, last.End, last.SlotMinutes
		}
		vm.Rows, vm.Dirty = append(vm.Rows, row), true
	case in.Remove != "":
		if i, err := strconv.Atoi(in.Remove); err == nil && i >= 0 && i < len(vm.Rows) {
			vm.Rows, vm.Dirty = append(vm.Rows[:i:i], vm.Rows[i+1:]...), true
		}
	default:
		version, _ := strconv.ParseInt(in.Version, 10, 64)
		sessions, bad := []opd.Session{}, false
		for i := range vm.Rows {
			r := &vm.Rows[i]
			sessions = append(sessions, sessionRow(r.Errors, r.Weekday, r.Start, r.End, r.SlotMinutes, r.Room, ""))
			bad = bad || len(r.Errors) > 0
		}
		if bad {
			vm.Error, status = "Correct the marked sessions; nothing was saved.", fiber.StatusUnprocessableEntity
			break
		}
		_, err := a.OPD.SetSessions(c.UserContext(), u.Username, version, sessions, currentUser(c).Username)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Weekly sessions of "+u.FullName+" saved ("+deskPlural(len(sessions), "session")+").")
			return redirect(c, "/admin/staff/"+u.Username)
		case errors.Is(err, store.ErrConflict):
			vm.Error = "Someone else changed this doctor's profile or sessions after you opened the page, so nothing was saved. Your rows are kept below; reload the page to see the current sessions."
		case errors.Is(err, store.ErrInvalid):
			vm.Error = "Not saved: " + deskMessage(err)
		default:
			return err
		}
		vm.Dirty, status = true, fiber.StatusUnprocessableEntity
	}
	c.Status(status)
	if isPartial(c) {
		return render(c, views.OPDSessionsCard(vm))
	}
	page, err := a.staffVM(c, u, p, exists, profileValues(p), map[string]string{})
	if err != nil {
		return err
	}
	page.Sessions = vm
	return a.widePage(c, "Staff · "+u.FullName, views.StaffPage(page))
}

// sessionRow reads one session as typed, adding a message per bad field to errs.
// weekday "" is allowed only for an extra session (wdDefault is used then).
func sessionRow(errs map[string]string, weekday, start, end, slot, room, wdDefault string) opd.Session {
	var s opd.Session
	if weekday == "" {
		weekday = wdDefault
	}
	wd, err := strconv.Atoi(weekday)
	if err != nil || wd < 0 || wd > 6 {
		errs["weekday"] = "Choose a day."
	}
	s.Weekday = time.Weekday(wd)
	for _, t := range []struct {
		name string
		dst  *string
		in   string
	}{{"start", &s.Start, start}, {"end", &s.End, end}} {
		v, err := time.Parse("15:04", t.in)
		if err != nil {
			errs[t.name] = "Enter a time as HH:MM, for example 09:00."
			continue
		}
		*t.dst = v.Format("15:04")
	}
	if errs["start"] == "" && errs["end"] == "" && s.End <= s.Start {
		errs["end"] = "Must be after the start."
	}
	m, err := strconv.Atoi(slot)
	if err != nil || m < 5 || m > 120 {
		errs["slot"] = "5 to 120 minutes."
	}
	s.SlotMinutes = m
	if len(room) > 20 || !printable(room) {
		errs["room"] = "At most 20 plain characters."
	}
	s.Room = room
	return s
}

// validDate reports whether s is a real "2006-01-02" date.
func validDate(s string) bool {
	_, err := time.Parse(opd.DateLayout, s)
	return err == nil
}
