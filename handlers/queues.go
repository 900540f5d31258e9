package handlers

import (
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/opd"
	"hms/views"
)

// queueStateColours colour the queue's state badges.
var queueStateColours = map[string]string{opd.StateWaiting: "sky", opd.StateVitalsDone: "green",
	opd.StateWithDoctor: "amber", opd.StateCompleted: "slate", opd.StateSkipped: "slate", opd.StateCancelled: "slate"}

// queuesHome lists today's queue of every OPD doctor.
func (a *App) queuesHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	doctors, err := a.OPD.Doctors(ctx, "")
	if err != nil {
		return err
	}
	today := a.OPD.Today()
	vm := views.QueuesVM{Date: views.Date(time.Now(), a.cfg.Location)}
	for _, d := range doctors {
		q, err := a.OPD.Queue(ctx, today, d.Username)
		if err != nil {
			return err
		}
		s := views.QueueSummary{Doctor: d.Username, DoctorName: d.FullName, Department: d.Department, Room: d.Room}
		for _, e := range q.Entries {
			switch {
			case e.Waiting():
				s.Waiting++
			case e.State == opd.StateWithDoctor:
				s.WithDoctor++
				s.NowServing = strconv.FormatInt(e.Token, 10)
			case e.State == opd.StateCompleted:
				s.Done++
			}
		}
		vm.Doctors = append(vm.Doctors, s)
	}
	return a.page(c, "OPD queues", views.QueuesPage(vm))
}

// queueBoard shows one doctor's queue today. It polls itself; a poll that finds the
// board as shown gets 204 and htmx leaves it alone.
func (a *App) queueBoard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := a.OPD.Profile(ctx, c.Params("doctor"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.IsDoctor()) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	q, err := a.OPD.Queue(ctx, a.OPD.Today(), p.Username)
	if err != nil {
		return err
	}
	vm := views.QueueBoardVM{CSRF: a.csrfToken(c), Date: views.Date(time.Now(), a.cfg.Location), Doctor: p.Username,
		DoctorName: p.FullName, Department: p.Department, Room: p.Room, AvgConsult: minutes(q.AvgConsult),
		CanTriage: can(currentUser(c).Roles, PermTriage), PollHeaders: pollHeaders()}
	for _, e := range q.Entries {
		vm.Rows = append(vm.Rows, a.queueRow(e))
		switch {
		case e.Waiting():
			vm.Waiting++
		case e.State == opd.StateWithDoctor:
			vm.WithDoctor++
		case e.State == opd.StateCompleted:
			vm.Done++
		}
	}
	vm.Version = fingerprint(vm.Rows, vm.AvgConsult)
	if isPartial(c) && c.Query("v") == vm.Version {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return a.widePage(c, "Queue · "+p.FullName, views.QueueBoard(vm))
}

func (a *App) queueRow(e opd.QueueEntry) views.TriageRow {
	r := views.TriageRow{VisitID: e.VisitID, PatientID: e.PatientID, Token: strconv.FormatInt(e.Token, 10), MRN: e.MRN,
		Name: e.Name, AgeSex: e.AgeSex, State: e.State, StateLabel: opd.StateLabels[e.State], StateColour: queueStateColours[e.State],
		VitalsTaken: e.VitalsTaken, Abnormal: e.Abnormal, Waiting: e.Waiting(), Skipped: e.State == opd.StateSkipped,
		CheckedIn: e.CheckedInAt.In(a.cfg.Location).Format("15:04")}
	if e.Priority != "" {
		r.Priority = opd.PriorityLabels[e.Priority]
		if e.PriorityReason != "" {
			r.Priority += ": " + e.PriorityReason
		}
	}
	switch {
	case e.Waiting() && e.Ahead == 0:
		r.EstWait = "next in line"
	case e.Waiting():
		r.EstWait = "about " + minutes(e.EstWait)
	}
	return r
}

// minutes shows a duration as whole minutes people read: "0 min", "12 min".
func minutes(d time.Duration) string {
	return strconv.Itoa(int(d.Round(time.Minute).Minutes())) + " min"
}

// visitIDRE is what a visit id looks like ("V0000123"); anything else cannot exist.
var visitIDRE = regexp.MustCompile(`^V[0-9]{1,12}$`)

// visitByParam loads the visit named by :id (404 when malformed or unknown).
func (a *App) visitByParam(c *fiber.Ctx) (opd.Visit, error) {
	id := c.Params("id")
	if !visitIDRE.MatchString(id) {
		return opd.Visit{}, fiber.ErrNotFound
	}
	return a.OPD.Visit(c.UserContext(), id)
}

// queueMove applies a skip or recall from the queue board and goes back to it.
func (a *App) queueMove(move func(*App, *fiber.Ctx, string) (opd.Visit, error), done string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := a.visitByParam(c)
		if err != nil {
			return err
		}
		_, err = move(a, c, v.ID)
		switch {
		case err == nil:
			a.setFlash(c, "ok", "Token "+strconv.FormatInt(v.Token, 10)+" "+done+".")
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrConflict):
			a.setFlash(c, "error", "Token "+strconv.FormatInt(v.Token, 10)+" has moved on in the queue meanwhile; nothing was changed.")
		default:
			return err
		}
		return redirect(c, "/opd/queues/"+v.Doctor)
	}
}

func skipVisit(a *App, c *fiber.Ctx, id string) (opd.Visit, error) {
	return a.OPD.Skip(c.UserContext(), id, currentUser(c).Username)
}

func recallVisit(a *App, c *fiber.Ctx, id string) (opd.Visit, error) {
	return a.OPD.Recall(c.UserContext(), id, currentUser(c).Username)
}
