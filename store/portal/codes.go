package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/guard"
	"hms/store/identity"
)

// CodeTTL is how long a printed activation code may be used.
const CodeTTL = 24 * time.Hour

// Activation outcomes, each with a message the patient can act on.
var (
	ErrNoMatch     = errors.New("store: the code, hospital number and date of birth do not match our records")
	ErrCodeUsed    = errors.New("store: this activation code has already been used")
	ErrCodeExpired = errors.New("store: this activation code has expired")
	ErrHasAccount  = errors.New("store: this record already has a portal account")
	ErrLocked      = errors.New("store: too many wrong attempts")
)

// FieldError is a choice the patient must change (username, password); the code was right
// and is still unused.
type FieldError struct{ Field, Msg string }

func (e *FieldError) Error() string { return e.Msg }

// codeDoc is a patient's one live activation code: _id code:<patient>, so issuing a new
// code replaces (revokes) the older one. Only a hash of the code is stored.
type codeDoc struct {
	ID        string    `bson:"_id"`
	PatientID string    `bson:"patient_id"`
	Hash      string    `bson:"hash"`
	IDSeen    string    `bson:"id_seen"` // the identity document the clerk checked
	IssuedAt  time.Time `bson:"issued_at"`
	IssuedBy  string    `bson:"issued_by"`
	ExpiresAt time.Time `bson:"expires_at"`
	Used      bool      `bson:"used"`
	UsedAt    time.Time `bson:"used_at,omitempty"`
	Username  string    `bson:"username,omitempty"`
}

// accountDoc links a patient to their one portal account: _id account:<patient>, so a
// second activation of the same record fails on the key.
type accountDoc struct {
	ID        string    `bson:"_id"`
	PatientID string    `bson:"patient_id"`
	Username  string    `bson:"username"`
	CreatedAt time.Time `bson:"created_at"`
}

func codeKey(patientID string) string    { return "code:" + patientID }
func accountKey(patientID string) string { return "account:" + patientID }

// codeAlphabet leaves out look-alikes (0/O, 1/I/L) so a printed code is typed right.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newCode returns 10 random characters (about 49 bits) as XXXXX-XXXXX.
func newCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, x := range b {
		if i == 5 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(x)%len(codeAlphabet)])
	}
	return sb.String(), nil
}

// normalizeCode drops spaces and dashes and upper-cases, as patients type codes loosely.
func normalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

func hashCode(code string) string {
	h := sha256.Sum256([]byte("hms-portal-code:" + normalizeCode(code)))
	return hex.EncodeToString(h[:])
}

// Issued is a new activation code: shown once, on the printed slip, never stored.
type Issued struct {
	Code      string
	ExpiresAt time.Time
}

// Account returns the portal username of a patient, or "" when they have none.
func (s *Store) Account(ctx context.Context, patientID string) (string, error) {
	var a accountDoc
	err := s.keys.R.FindOne(ctx, bson.D{{Key: "_id", Value: accountKey(patientID)}}).Decode(&a)
	if store.NoDocs(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: portal account of %s: %w", patientID, err)
	}
	return a.Username, nil
}

// IssueCode gives the patient a new single-use activation code valid for CodeTTL; any
// older code of theirs stops working. idSeen is the identity document the clerk checked.
func (s *Store) IssueCode(ctx context.Context, patientID, idSeen, by string) (Issued, error) {
	idSeen = strings.TrimSpace(idSeen)
	if idSeen == "" {
		return Issued{}, fmt.Errorf("%w: confirm which identity document you checked", store.ErrInvalid)
	}
	p, err := s.o.Patients.ByID(ctx, patientID)
	switch {
	case err != nil:
		return Issued{}, err
	case p.DuplicateOf != "":
		return Issued{}, fmt.Errorf("%w: this record is a duplicate; issue the code on the surviving record, MRN %s", store.ErrInvalid, p.DupOfMRN)
	case p.Death != nil:
		return Issued{}, fmt.Errorf("%w: the patient has died; the family asks for records at the records office", store.ErrInvalid)
	}
	if u, err := s.Account(ctx, patientID); err != nil {
		return Issued{}, err
	} else if u != "" {
		return Issued{}, ErrHasAccount
	}
	code, err := newCode()
	if err != nil {
		return Issued{}, err
	}
	now := s.o.Now().UTC()
	doc := codeDoc{ID: codeKey(patientID), PatientID: patientID, Hash: hashCode(code), IDSeen: idSeen,
		IssuedAt: now, IssuedBy: by, ExpiresAt: now.Add(CodeTTL)}
	_, err = s.keys.W.ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}, doc, options.Replace().SetUpsert(true))
	if err != nil {
		return Issued{}, fmt.Errorf("store: portal code of %s: %w", patientID, err)
	}
	return Issued{Code: code, ExpiresAt: doc.ExpiresAt}, nil
}

// Activation is what the patient types on the activation page.
type Activation struct {
	Code     string
	MRN      string
	DOB      time.Time // a date
	Username string
	Password string
	IP       string // throttled like the MRN
}

// Activate creates the patient's portal account when code, MRN and date of birth all
// match a live code. Wrong details count towards a lock of the MRN and of the address
// (MaxFailures in LockFor, as for sign-in); a used or expired code is named as such
// only to someone who typed it right with the matching MRN and date of birth.
func (s *Store) Activate(ctx context.Context, in Activation) (identity.User, error) {
	mrn := strings.ToUpper(strings.TrimSpace(in.MRN))
	keys := []string{"mrn:" + mrn, "ip:" + in.IP}
	if locked, err := s.locked(ctx, keys); err != nil || locked {
		return identity.User{}, cmpErr(err, ErrLocked)
	}
	fail := func(why error) (identity.User, error) {
		if err := s.fail(ctx, keys); err != nil {
			return identity.User{}, err
		}
		return identity.User{}, why
	}
	pid, err := s.o.Patients.IDByMRN(ctx, mrn)
	if errors.Is(err, store.ErrNotFound) {
		return fail(ErrNoMatch)
	} else if err != nil {
		return identity.User{}, err
	}
	p, err := s.o.Patients.ByID(ctx, pid)
	if err != nil {
		return identity.User{}, err
	}
	var c codeDoc
	err = s.keys.R.FindOne(ctx, bson.D{{Key: "_id", Value: codeKey(pid)}}).Decode(&c)
	if err != nil && !store.NoDocs(err) {
		return identity.User{}, fmt.Errorf("store: portal code of %s: %w", pid, err)
	}
	hash := hashCode(in.Code)
	sameCode := c.Hash != "" && subtle.ConstantTimeCompare([]byte(c.Hash), []byte(hash)) == 1
	if !sameCode || p.DOB.Format(time.DateOnly) != in.DOB.Format(time.DateOnly) {
		return fail(ErrNoMatch)
	}
	switch {
	case c.Used:
		return fail(ErrCodeUsed)
	case !s.o.Now().Before(c.ExpiresAt):
		return fail(ErrCodeExpired)
	}
	if u, err := s.Account(ctx, pid); err != nil {
		return identity.User{}, err
	} else if u != "" {
		return identity.User{}, ErrHasAccount
	}
	username := identity.NormalizeUsername(in.Username)
	if !identity.ValidUsername(username) {
		return identity.User{}, &FieldError{"username", "Use 3 to 32 letters, digits, dots, dashes or underscores, starting with a letter."}
	}
	if perr := identity.CheckPolicy(in.Password, username); perr != nil {
		return identity.User{}, &FieldError{"password", perr.Error()}
	}
	if _, err := s.o.Users.ByUsername(ctx, username); err == nil {
		return identity.User{}, &FieldError{"username", "This username is taken; choose another."}
	} else if !errors.Is(err, store.ErrNotFound) {
		return identity.User{}, err
	}
	return s.claim(ctx, p.ID, p.Name(), hash, username, in.Password, keys[0])
}

// claim spends the code (one conditional write: of two patients' browsers racing, one
// wins), links the account key and creates the user; a refused user undoes both.
func (s *Store) claim(ctx context.Context, pid, name, hash, username, password, mrnKey string) (identity.User, error) {
	now := s.o.Now().UTC()
	ok, err := guard.Update(ctx, s.db, store.CollPortalKeys, codeKey(pid),
		[]guard.Cond{guard.Eq("hash", hash), guard.Eq("used", false)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}, {Key: "used_at", Value: now}, {Key: "username", Value: username}}}}, nil)
	if err != nil {
		return identity.User{}, err
	}
	if !ok {
		return identity.User{}, ErrCodeUsed
	}
	undo := func() {
		_, _ = guard.Update(ctx, s.db, store.CollPortalKeys, codeKey(pid), []guard.Cond{guard.Eq("username", username)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: false}}}}, nil)
	}
	_, err = s.keys.W.InsertOne(ctx, accountDoc{ID: accountKey(pid), PatientID: pid, Username: username, CreatedAt: now})
	if store.IsDuplicate(err) {
		return identity.User{}, ErrHasAccount
	}
	if err != nil {
		undo()
		return identity.User{}, fmt.Errorf("store: portal account of %s: %w", pid, err)
	}
	u, err := s.o.Users.Create(ctx, identity.NewUser{Username: username, FullName: name, Roles: []string{"patient"},
		PatientID: pid, Password: password}, "portal-activation")
	if err != nil {
		_, _ = s.keys.W.DeleteOne(ctx, bson.D{{Key: "_id", Value: accountKey(pid)}})
		undo()
		if errors.Is(err, store.ErrDuplicate) {
			return identity.User{}, &FieldError{"username", "This username is taken; choose another."}
		}
		return identity.User{}, err
	}
	_, _ = s.attempts.W.DeleteOne(ctx, bson.D{{Key: "_id", Value: mrnKey}})
	return u, nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
