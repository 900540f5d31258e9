package audit

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVHeader is the first row CSV writes.
var CSVHeader = []string{"seq", "at_utc", "user", "role", "action", "patient_id", "object",
	"outcome", "request_id", "ip", "prev", "hash"}

// CSV writes events as CSV for a spreadsheet. A cell that a spreadsheet would read as a
// formula (starting with =, +, -, @, tab, CR or LF) gets a leading single quote, so a
// user name such as =HYPERLINK("http://x","y") stays text (OWASP CSV injection).
func CSV(w io.Writer, events []Event) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	row := make([]string, len(CSVHeader))
	for _, e := range events {
		for i, v := range []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(timeLayout),
			e.User, e.Role, e.Action, e.PatientID, e.Object, e.Outcome, e.RequestID, e.IP, e.Prev, e.Hash} {
			row[i] = SafeCell(v)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell returns v, prefixed with a single quote when a spreadsheet would take it for
// a formula.
func SafeCell(v string) string {
	if v != "" {
		switch v[0] {
		case '=', '+', '-', '@', '\t', '\r', '\n':
			return "'" + v
		}
	}
	return v
}
