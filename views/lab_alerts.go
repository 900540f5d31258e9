package views

import "encoding/json"

// LabAlertsVM is a clinician's open critical results.
type LabAlertsVM struct {
	CSRF                 string
	Rows                 []LabAlertRow
	Version, PollHeaders string
}

// PollVals sends the shown version with each poll.
func (vm LabAlertsVM) PollVals() string {
	b, _ := json.Marshal(map[string]string{"v": vm.Version})
	return string(b)
}
