package views

import (
	"strconv"

	"hms/views/components"
)

// AuditRow is one event in the audit viewer. Patient is empty for events that touch no
// patient; PatientHref opens that patient's access log.
type AuditRow struct {
	Seq, At, User, Role, Action, Object, Outcome, IP, RequestID string
	Patient, PatientHref                                        string
}

// AuditVM is the audit viewer: the filter form with what was typed, and the events found.
type AuditVM struct {
	Form     map[string]string // entries, kept when refused
	Errors   map[string]string
	Actions  []components.Option
	Outcomes []components.Option
	Rows     []AuditRow
	Searched bool // the filters were valid and the trail was searched
	More     bool // more matches may exist past the rows shown or the scanned window
	Scanned  int  // events examined
	Limit    int  // rows shown at most
	ByMonth  bool // searched a patient's month documents (no window; request ids looked up per row)
}

func (vm AuditVM) table() components.Table {
	t := components.Table{Caption: "Events, newest first", TestID: "audit-events",
		Empty: "No event matches these filters.",
		Heads: []string{"#", "When", "User", "Role", "Action", "Patient", "Object", "Outcome", "IP address", "Request id"}}
	for _, r := range vm.Rows {
		t.Rows = append(t.Rows, []components.Cell{{Text: r.Seq, Right: true}, {Text: r.At}, {Text: r.User, Mono: true},
			{Text: r.Role}, {Text: r.Action, Mono: true}, {Text: r.Patient, Href: r.PatientHref}, {Text: r.Object, Mono: true},
			{Text: r.Outcome, Badge: OutcomeColour(r.Outcome)}, {Text: r.IP, Mono: true}, {Text: r.RequestID, Mono: true}})
	}
	return t
}

// OutcomeColour is the badge colour of an audit outcome.
func OutcomeColour(outcome string) string {
	switch outcome {
	case "ok":
		return "green"
	case "denied":
		return "red"
	case "failed":
		return "amber"
	}
	return "slate"
}

// AuditVerifyVM is the chain check: the last result, if one ran in this server.
type AuditVerifyVM struct {
	CSRF            string
	Ran             bool
	At, By, Took    string // when it ran (hospital zone), who ran it, how long it took
	Checked, TipSeq int64
	BreakSeq        int64 // 0: every link holds
	Problem, Detail string
	Error           string // the check could not run
	TipHash         string // write it down: a later check proves nothing before it was rewritten
}

// Broken reports whether the last check found a broken link.
func (vm AuditVerifyVM) Broken() bool { return vm.BreakSeq > 0 }

// AccessRow is one line of a patient's access log.
type AccessRow struct{ At, User, Role, Action, Object, Outcome string }

// AccessLogVM is the chart's "Access log" tab: who opened or changed the record.
type AccessLogVM struct {
	Rows      []AccessRow
	Since     string // the oldest time listed, hospital zone
	Unlisted  int64  // events in these months past the per-month list, counted only
	SearchURL string // the audit viewer filtered to this patient
	Error     string // the log could not be read
}

func (vm AccessLogVM) table() components.Table {
	t := components.Table{Caption: "Who opened or changed this record since " + vm.Since + ", newest first",
		TestID: "access-log", Empty: "Nobody has opened or changed this record in the last 3 months.",
		Heads: []string{"When", "User", "Role", "Action", "Object", "Outcome"}}
	for _, r := range vm.Rows {
		t.Rows = append(t.Rows, []components.Cell{{Text: r.At}, {Text: r.User, Mono: true}, {Text: r.Role},
			{Text: r.Action, Mono: true}, {Text: r.Object, Mono: true}, {Text: r.Outcome, Badge: OutcomeColour(r.Outcome)}})
	}
	return t
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
