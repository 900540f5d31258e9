package handlers

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
	"hms/store/retention"
	"hms/views"
)

// Audit actions of the retention page.
const (
	ActionRetentionSettings = "admin.retention.settings"
	ActionRetentionPurge    = "admin.retention.purge"
)

type retentionInput struct {
	AuditYears       string `form:"audit_years"`
	SessionDays      string `form:"session_days"`
	LoginAttemptDays string `form:"login_attempt_days"`
	QueueDays        string `form:"queue_days"`
}

func (a *App) retentionVM(c *fiber.Ctx, set retention.Settings) (views.RetentionVM, error) {
	vm := views.RetentionVM{CSRF: a.csrfToken(c), AuditYears: strconv.Itoa(set.AuditYears), SessionDays: strconv.Itoa(set.SessionDays),
		LoginDays: strconv.Itoa(set.LoginAttemptDays), QueueDays: strconv.Itoa(set.QueueDays), BackupKeep: strconv.Itoa(a.cfg.BackupKeep)}
	if a.cfg.BackupKeep == 0 {
		vm.BackupKeep = "7"
	}
	if set.UpdatedBy != "" {
		vm.Updated = "Last changed by " + set.UpdatedBy + ", " + views.DateTime(set.UpdatedAt, a.cfg.Location) + "."
	}
	last, ran, err := retention.New(a.DB).LastRun(c.UserContext())
	if err != nil {
		return vm, err
	}
	if ran {
		vm.LastRun = views.DateTime(last.At, a.cfg.Location) + " by " + last.By
	}
	return vm, nil
}

// retentionPage shows the retention settings and the purge.
func (a *App) retentionPage(c *fiber.Ctx) error {
	set, err := retention.New(a.DB).Settings(c.UserContext())
	if err != nil {
		return err
	}
	vm, err := a.retentionVM(c, set)
	if err != nil {
		return err
	}
	return a.page(c, "Data retention", views.RetentionPage(vm))
}

// retentionSave stores new settings; an audit period under six years is refused.
func (a *App) retentionSave(c *fiber.Ctx) error {
	var in retentionInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := map[string]string{}
	num := func(field, v string) int {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[field] = "Enter a whole number."
		}
		return n
	}
	set := retention.Settings{AuditYears: num("audit_years", in.AuditYears), SessionDays: num("session_days", in.SessionDays),
		LoginAttemptDays: num("login_attempt_days", in.LoginAttemptDays), QueueDays: num("queue_days", in.QueueDays)}
	if len(errs) == 0 {
		_, err := retention.New(a.DB).Save(c.UserContext(), set, currentUser(c).Username)
		var fe retention.FieldErrors
		switch {
		case err == nil:
			if err := a.audit(c, ActionRetentionSettings, "", "retention", audit.OK); err != nil {
				return err
			}
			a.setFlash(c, "ok", "Retention settings saved.")
			return redirect(c, "/admin/retention")
		case errors.As(err, &fe):
			for k, v := range fe {
				errs[k] = v
			}
		default:
			return err
		}
	}
	vm, err := a.retentionVM(c, retention.Defaults)
	if err != nil {
		return err
	}
	vm.AuditYears, vm.SessionDays, vm.LoginDays, vm.QueueDays, vm.Errors = in.AuditYears, in.SessionDays, in.LoginAttemptDays, in.QueueDays, errs
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "Data retention", views.RetentionPage(vm))
}

// retentionDryRun reports what the purge would delete; retentionPurge deletes it.
func (a *App) retentionDryRun(c *fiber.Ctx) error { return a.runPurge(c, true) }

func (a *App) retentionPurge(c *fiber.Ctx) error { return a.runPurge(c, false) }

func (a *App) runPurge(c *fiber.Ctx, dry bool) error {
	rs := retention.New(a.DB)
	rep, err := rs.Purge(c.UserContext(), dry, currentUser(c).Username)
	if err != nil {
		return err
	}
	if !dry {
		if err := a.audit(c, ActionRetentionPurge, "", "retention", audit.OK); err != nil {
			return err
		}
	}
	set, err := rs.Settings(c.UserContext())
	if err != nil {
		return err
	}
	vm, err := a.retentionVM(c, set)
	if err != nil {
		return err
	}
	r := views.PurgeReportVM{DryRun: rep.DryRun}
	for _, cl := range rep.Classes {
		row := views.PurgeRow{Class: cl.Class, Keep: cl.Keep, Cutoff: cl.Cutoff.In(a.cfg.Location).Format(time.DateOnly),
			Count: strconv.FormatInt(cl.Count, 10), Oldest: "—", Deleted: strconv.FormatInt(cl.Deleted, 10), Note: cl.Note}
		if !cl.Oldest.IsZero() {
			row.Oldest = cl.Oldest.In(a.cfg.Location).Format(time.DateOnly)
		}
		if cl.Note != "" {
			row.Count = "—"
		}
		r.Any = r.Any || cl.Count > 0
		r.Rows = append(r.Rows, row)
	}
	vm.Report = &r
	return a.page(c, "Data retention", views.RetentionPage(vm))
}
