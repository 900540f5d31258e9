package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
)

// Auditor is the audit trail as the handlers use it; *audit.Log is one.
type Auditor interface {
	Append(ctx context.Context, e audit.Entry) (audit.Event, error)
	ByPatient(ctx context.Context, patientID string, months int) (audit.PatientTrail, error)
	Search(ctx context.Context, f audit.Filter, limit int) (audit.Result, error)
	Verify(ctx context.Context, from, to int64) (audit.Report, error)
	Get(ctx context.Context, seq int64) (audit.Event, error)
}

// errAuditDown refuses a patient page whose reading could not be recorded (HIPAA
// 164.312(b): no access without its audit event).
var errAuditDown = fiber.NewError(fiber.StatusServiceUnavailable,
	"The audit trail cannot be written, so patient records cannot be opened or changed. Nothing was shown or saved. Call IT: the server log says why.")

// audit records one event of the signed-in user (or of whoever tried, for logins).
// A PHI page must fail when it returns an error.
func (a *App) audit(c *fiber.Ctx, action, patientID, object, outcome string) error {
	if a.Audit == nil {
		return nil
	}
	e := audit.Entry{Action: action, PatientID: patientID, Object: object, Outcome: outcome, RequestID: requestID(c), IP: c.IP()}
	if u := currentUser(c); u != nil {
		e.User, e.Role = u.Username, actingRole(u.Roles)
	}
	return a.record(c, e)
}

func (a *App) record(c *fiber.Ctx, e audit.Entry) error {
	if _, err := a.Audit.Append(c.UserContext(), e); err != nil {
		a.log.Error("audit trail unavailable", "request_id", requestID(c), "action", e.Action, "err", err.Error())
		return errAuditDown
	}
	return nil
}

// auditRead records that the user opened part of a patient's record. Background
// refreshes of what the user already has open record nothing (one event per page opened).
func (a *App) auditRead(c *fiber.Ctx, patientID, object string) error {
	if c.Get(backgroundHeader) == "1" {
		return nil
	}
	return a.audit(c, audit.ActionPatientRead, patientID, object, audit.OK)
}

// auditChange records a change to a patient's record.
func (a *App) auditChange(c *fiber.Ctx, action, patientID, object string) error {
	return a.audit(c, action, patientID, object, audit.OK)
}

// actingRole is the role an event is recorded under: the user's main role, in the order
// roles choose a home page (a senior doctor acts as one, not as a plain doctor).
func actingRole(roles []string) string {
	for _, h := range roleHomes {
		for _, r := range roles {
			if Role(r) == h.role {
				return r
			}
		}
	}
	if len(roles) > 0 {
		return roles[0]
	}
	return ""
}
