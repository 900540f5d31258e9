package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hms/store"
)

// Outcomes of an audited action.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Actions the handlers log; any lower-case dotted name is accepted.
const (
	ActionPatientRead     = "patient.read"
	ActionPatientUpdate   = "patient.update"
	ActionPatientCreate   = "patient.create"
	ActionPatientExport   = "patient.export"
	ActionPatientPrint    = "patient.print"
	ActionLoginOK         = "login.ok"
	ActionLoginFail       = "login.fail"
	ActionLogout          = "logout"
	ActionAccessDenied    = "access.denied"
	ActionAdminUserCreate = "admin.user.create"
	ActionAuditExport     = "audit.export"
)

// Entry is what a caller records: ids and names only, never the values a page shows.
type Entry struct {
	User      string // username (for login.fail: what was typed, escaped)
	Role      string // the role the user acted in
	Action    string // e.g. "patient.read"
	PatientID string // the patient whose record was touched, if any
	Object    string // which part, e.g. "chart:overview", "history", "lab:V12-L1"
	Outcome   string // OK, Denied or Failed
	RequestID string
	IP        string
}

// Event is one link of the chain.
type Event struct {
	Seq       int64     // place in the chain, from 1; stored as the _id
	At        time.Time // UTC, millisecond precision (what BSON keeps)
	User      string
	Role      string
	Action    string
	PatientID string
	Object    string
	Outcome   string
	RequestID string
	IP        string
	Prev      string // Hash of event Seq-1 (Genesis for the first)
	Hash      string // hex SHA-256 over every field above, see ComputeHash
}

// Genesis is the Prev of event 1.
var Genesis = strings.Repeat("0", 64)

const timeLayout = "2006-01-02T15:04:05.000Z"

// ComputeHash returns the hash the event should carry: SHA-256 over a versioned,
// length-prefixed encoding of every field but Hash, so no two events encode alike.
func (e Event) ComputeHash() string {
	h := sha256.New()
	_, _ = io.WriteString(h, "hms-audit-v1\n")
	for _, s := range []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(timeLayout),
		e.User, e.Role, e.Action, e.PatientID, e.Object, e.Outcome, e.RequestID, e.IP, e.Prev} {
		field(h, s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func field(h hash.Hash, s string) {
	_, _ = io.WriteString(h, strconv.Itoa(len(s)))
	_, _ = io.WriteString(h, ":")
	_, _ = io.WriteString(h, s)
	_, _ = io.WriteString(h, "\n")
}

// eventDoc is an event as stored in the audit collection.
type eventDoc struct {
	ID        string    `bson:"_id"`
	At        time.Time `bson:"at"`
	User      string    `bson:"user"`
	Role      string    `bson:"role"`
	Action    string    `bson:"action"`
	PatientID string    `bson:"patient_id"`
	Object    string    `bson:"object"`
	Outcome   string    `bson:"outcome"`
	RequestID string    `bson:"request_id"`
	IP        string    `bson:"ip"`
	Prev      string    `bson:"prev"`
	Hash      string    `bson:"hash"`
}

// key is the _id of event seq: fixed width, so string order is number order.
func key(seq int64) string { return fmt.Sprintf("%012d", seq) }

func (e Event) doc() eventDoc {
	return eventDoc{ID: key(e.Seq), At: e.At, User: e.User, Role: e.Role, Action: e.Action,
		PatientID: e.PatientID, Object: e.Object, Outcome: e.Outcome, RequestID: e.RequestID,
		IP: e.IP, Prev: e.Prev, Hash: e.Hash}
}

func (d eventDoc) event() (Event, error) {
	seq, err := strconv.ParseInt(d.ID, 10, 64)
	if err != nil || key(seq) != d.ID {
		return Event{}, fmt.Errorf("audit: event with malformed _id %q", d.ID)
	}
	return Event{Seq: seq, At: d.At.UTC(), User: d.User, Role: d.Role, Action: d.Action,
		PatientID: d.PatientID, Object: d.Object, Outcome: d.Outcome, RequestID: d.RequestID,
		IP: d.IP, Prev: d.Prev, Hash: d.Hash}, nil
}

var (
	actionRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+){0,4}$`)
	patientRE = regexp.MustCompile(`^[A-Za-z0-9_-]{0,64}$`)
	objectRE  = regexp.MustCompile(`^[A-Za-z0-9_.:/#-]{0,96}$`)
	roleRE    = regexp.MustCompile(`^[A-Za-z0-9_.-]{0,32}$`)
)

// check validates what the code chooses (action, outcome, patient id, object, role) and
// escapes what a client can choose (user name typed at login, request id and forwarded
// address), so a value never breaks a log line or smuggles text that looks like PHI.
func (in Entry) check() (Entry, error) {
	switch {
	case len(in.Action) > 64 || !actionRE.MatchString(in.Action):
		return in, fmt.Errorf("%w: audit action %q", store.ErrInvalid, in.Action)
	case in.Outcome != OK && in.Outcome != Denied && in.Outcome != Failed:
		return in, fmt.Errorf("%w: audit outcome %q", store.ErrInvalid, in.Outcome)
	case !patientRE.MatchString(in.PatientID):
		return in, fmt.Errorf("%w: audit patient id", store.ErrInvalid)
	case !objectRE.MatchString(in.Object):
		return in, fmt.Errorf("%w: audit object %q", store.ErrInvalid, in.Object)
	case !roleRE.MatchString(in.Role):
		return in, fmt.Errorf("%w: audit role", store.ErrInvalid)
	}
	in.User = escape(in.User, 64)
	in.RequestID = escape(in.RequestID, 64)
	if a, err := netip.ParseAddr(in.IP); err == nil {
		in.IP = a.Unmap().String()
	} else {
		in.IP = escape(in.IP, 64)
	}
	return in, nil
}

// escape keeps s when it is short printable ASCII without quotes or backslashes, and
// otherwise stores it Go-quoted (control characters and non-ASCII as escapes), cut to
// max runes first.
func escape(s string, max int) string {
	plain := len(s) <= max
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		return s
	}
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return strconv.QuoteToASCII(s)
}
