package patients

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
	"hms/store/identity"
)

// Pseudonym records that a patient's identifiers were removed (GDPR erasure where the
// law keeps the clinical and financial record). It cannot be undone: nothing that was
// removed is kept anywhere.
type Pseudonym struct {
	Code   string    `bson:"code"` // "P-7F3A9C"
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	Reason string    `bson:"reason"`
	// ReleaseNID are the ID keys still to delete (the number's hash under every key of
	// the ring: a key rotation may have moved it meanwhile), until the follow-up has run.
	ReleaseNID []string `bson:"release_nid,omitempty"`
}

// PseudonymName is the name a pseudonymised patient is shown under.
func (p Pseudonym) Name() string { return "Patient " + p.Code }

const pendingPseudonymise = "pseudonymise"

// PseudonymiseRequest is the administrator's decision; Confirm must repeat the MRN.
type PseudonymiseRequest struct {
	Version int64
	Confirm string
	Reason  string
}

// Pseudonymise removes a patient's identifiers and contact details — name (replaced by
// a pseudonym), phone, address, national ID (sealed value, hash and its key), insurance
// member numbers, next of kin, the history of old values, the exact date of birth (only
// the year is kept, as an estimate, for age-dependent clinical ranges) — and keeps the
// clinical and financial records under the pseudonym. The patient document is written
// first, guarded by its version, and lists the follow-ups (billing account name, portal
// account, ID key); they are idempotent and re-applied by Load after a crash.
func (s *Store) Pseudonymise(ctx context.Context, id string, r PseudonymiseRequest, by string) (Patient, error) {
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	switch {
	case cur.Pseudonym != nil:
		return cur, fmt.Errorf("%w: this patient is already pseudonymised", store.ErrConflict)
	case strings.TrimSpace(r.Confirm) != cur.MRN:
		return cur, fmt.Errorf("%w: type the MRN %s to confirm", store.ErrInvalid, cur.MRN)
	case len([]rune(CleanName(r.Reason))) < 10:
		return cur, fmt.Errorf("%w: give the reason (at least 10 characters)", store.ErrInvalid)
	case r.Version != cur.Version:
		return cur, store.ErrConflict
	}
	now := time.Now().UTC()
	ps := Pseudonym{Code: pseudonymCode(), At: now, By: by, Reason: CleanName(r.Reason)}
	if cur.IDHash != "" {
		ps.ReleaseNID = []string{cur.IDHash}
	}
	if nid, err := s.box.Open(cur.IDSealed); err == nil && nid != "" {
		ps.ReleaseNID = append(ps.ReleaseNID, s.box.Hashes("nid", nid)...)
	}
	rev, err := s.nextRev(ctx)
	if err != nil {
		return cur, err
	}
	policies := slices.Clone(cur.Policies)
	for i := range policies {
		policies[i].MemberNumber, policies[i].Group = "", ""
		policies[i].MemberSealed, policies[i].MemberHash, policies[i].MemberLast4 = "", "", ""
	}
	dob := cur.DOB
	if !dob.IsZero() {
		dob = time.Date(dob.Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	set := bson.D{{Key: "given", Value: "Patient"}, {Key: "middle", Value: ""}, {Key: "family", Value: ps.Code},
		{Key: "dob", Value: dob}, {Key: "dob_estimated", Value: true}, {Key: "policies", Value: policies},
		{Key: "history", Value: []Change{{At: now, By: by, Field: "Pseudonymised", New: "identifiers removed"}}},
		{Key: "pseudonym", Value: ps}, {Key: "pending", Value: append(slices.Clone(cur.Pending), pendingPseudonymise)},
		{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}, {Key: "rev", Value: rev}}
	unset := bson.D{}
	for _, f := range []string{"phone", "address", "city", "pin", "id_kind", "id_last4", "id_sealed", "id_hash",
		"emerg_name", "emerg_relation", "emerg_phone"} {
		unset = append(unset, bson.E{Key: f, Value: ""})
	}
	var p Patient
	ok, err := guard.Update(ctx, s.db, store.CollPatients, id, []guard.Cond{guard.Eq("version", cur.Version)},
		bson.D{{Key: "$set", Value: set}, {Key: "$unset", Value: unset}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}}, &p)
	if err != nil {
		return cur, fmt.Errorf("store: pseudonymise %s: %w", id, err)
	}
	if !ok {
		return cur, store.ErrConflict
	}
	s.idx.put(p) // replaces the entry: the old name words and phone no longer lead here
	if err := s.pseudonymiseFollowUp(ctx, p); err != nil {
		return p, err
	}
	return s.reindex(ctx, id)
}

// pseudonymiseFollowUp brings the copies outside the patient document in step. Each
// step is idempotent.
func (s *Store) pseudonymiseFollowUp(ctx context.Context, p Patient) error {
	if p.Pseudonym == nil {
		return nil
	}
	name := p.Pseudonym.Name()
	for _, h := range p.Pseudonym.ReleaseNID {
		s.releaseID(h, p.ID) // only a key this patient holds
	}
	if err := s.accounts.SetName(ctx, p.ID, name); err != nil {
		return err
	}
	if err := s.disablePortal(ctx, p.ID, name); err != nil {
		return err
	}
	_, err := s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, bson.D{
		{Key: "$pull", Value: bson.D{{Key: "pending", Value: pendingPseudonymise}}},
		{Key: "$unset", Value: bson.D{{Key: "pseudonym.release_nid", Value: ""}}}})
	if err != nil {
		return fmt.Errorf("store: pseudonymise follow-up %s: %w", p.MRN, err)
	}
	return nil
}

// disablePortal disables the patient's portal accounts, renames them to the pseudonym
// and ends their sessions. Users is a small collection (store.WholeReads).
func (s *Store) disablePortal(ctx context.Context, patientID, name string) error {
	cur, err := s.db.Coll(store.CollUsers).R.Find(ctx, bson.D{{Key: "patient_id", Value: patientID}})
	if err != nil {
		return fmt.Errorf("store: portal accounts: %w", err)
	}
	var us []identity.User
	if err := cur.All(ctx, &us); err != nil {
		return fmt.Errorf("store: portal accounts: %w", err)
	}
	for _, u := range us {
		_, err := s.db.Coll(store.CollUsers).W.UpdateOne(ctx, bson.D{{Key: "_id", Value: u.Username}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "disabled", Value: true}, {Key: "full_name", Value: name},
				{Key: "updated_at", Value: time.Now().UTC()}, {Key: "updated_by", Value: "pseudonymise"}}}})
		if err != nil {
			return fmt.Errorf("store: portal account: %w", err)
		}
		if _, err := identity.NewSessions(s.db).RevokeUser(ctx, u.Username, "", "pseudonymise"); err != nil {
			return err
		}
		// Session records carry the account's name until the retention purge removes them.
		_, err = s.db.Coll(store.CollSessions).W.UpdateMany(ctx, bson.D{{Key: "user_id", Value: u.Username}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "full_name", Value: name}}}})
		if err != nil {
			return fmt.Errorf("store: portal sessions: %w", err)
		}
	}
	return nil
}

// pseudonymCode is "P-" and six random hex digits: unrelated to anything about the patient.
func pseudonymCode() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "P-" + strings.ToUpper(hex.EncodeToString(b))
}
