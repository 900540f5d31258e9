package portal

import (
	"context"
	"time"

	"hms/store/audit"
)

// AccessMonths is how far back the patient's access log reaches (UTC calendar months).
const AccessMonths = 6

// Access is one line of "who looked at my record": the staff member's role, never
// their name or user id (the patient asks the hospital for more).
type Access struct {
	At     time.Time `json:"at"`
	Role   string    `json:"role"`   // a role key such as "doctor"; "patient" is the patient themself
	Action string    `json:"action"` // the audit action: patient.read, patient.update, appointment.cancel …
	Denied bool      `json:"denied,omitempty"`
}

// AccessLog lists who touched the patient's record in the last AccessMonths, newest first,
// with the count of events past a month's cap that the trail holds but does not list.
func (s *Store) AccessLog(ctx context.Context, patientID string) ([]Access, int64, error) {
	if patientID == "" || s.o.Trail == nil {
		return nil, 0, nil
	}
	tr, err := s.o.Trail.ByPatient(ctx, patientID, AccessMonths)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Access, 0, len(tr.Accesses))
	for _, a := range tr.Accesses {
		out = append(out, Access{At: a.At, Role: a.Role, Action: a.Action, Denied: a.Outcome == audit.Denied})
	}
	return out, tr.Unlisted, nil
}
