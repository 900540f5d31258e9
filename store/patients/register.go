package patients

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/billing"
	"hms/store/guard"
)

// Registration is what the front desk enters for a new patient.
type Registration struct {
	Demographics
	IDNumber  string    // national or hospital ID as typed; sealed before storing
	Allergies Allergies // what the patient says at the desk
	Policy    *Policy   // an insurance policy taken at registration, if any
	MotherID  string    // a newborn's mother
	Token     string    // the form's one-time token: a double-clicked Save registers once
}

// ErrResubmitted means this form was already saved; the patient returned is the one it made.
var ErrResubmitted = errors.New("store: this registration was already saved")

// staleAfter is how old an ID key without its patient must be before it counts as left
// by a crash rather than by a registration still in progress.
const staleAfter = time.Minute

// check guards what must hold whatever the form did.
func (d Demographics) check(now time.Time) error {
	switch {
	case CleanName(d.Given) == "":
		return fmt.Errorf("%w: a given name is required", store.ErrInvalid)
	case !slices.Contains(Sexes, d.Sex):
		return fmt.Errorf("%w: sex", store.ErrInvalid)
	// A date of birth is a calendar date at UTC midnight; "today" in a zone ahead of UTC
	// can be after now in UTC, so allow a day.
	case d.DOB.IsZero() || d.DOB.After(now.Add(24*time.Hour)) || d.DOB.Before(now.AddDate(-130, 0, -1)):
		return fmt.Errorf("%w: date of birth", store.ErrInvalid)
	}
	return nil
}

// Register stores a new patient with an MRN from the counters, its billing account
// (zero balance) and the key that keeps its ID number unique. The patient document is
// written first and lists the follow-ups still to apply, so a crash never leaves half a
// registration: Load completes it.
func (s *Store) Register(ctx context.Context, r Registration, by string) (Patient, error) {
	now := time.Now().UTC()
	if err := r.check(now); err != nil {
		return Patient{}, err
	}
	if r.Token != "" {
		if p, err := s.claimToken(ctx, r.Token); err != nil {
			return p, err
		}
	}
	p, err := s.register(ctx, r, by, now)
	if err != nil && r.Token != "" {
		s.releaseToken(r.Token)
	}
	return p, err
}

func (s *Store) register(ctx context.Context, r Registration, by string, now time.Time) (Patient, error) {
	p := Patient{ID: bson.NewObjectID().Hex(), Demographics: r.Demographics, Allergies: r.Allergies,
		Policies: []Policy{}, History: []Change{}, Version: 1, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	p.Given, p.Middle, p.Family = CleanName(p.Given), CleanName(p.Middle), CleanName(p.Family)
	if p.Allergies.Status == "" {
		p.Allergies.Status = AllergiesUnknown
	}
	if p.Allergies.Items == nil {
		p.Allergies.Items = []Allergy{}
	}
	if p.Allergies.Status != AllergiesUnknown {
		p.Allergies.RecordedBy, p.Allergies.RecordedAt = by, now
	}
	for i := range p.Allergies.Items {
		p.Allergies.Items[i].ID, p.Allergies.Items[i].RecordedBy, p.Allergies.Items[i].RecordedAt = shortID(), by, now
	}
	if r.Policy != nil {
		pol := *r.Policy
		pol.ID, pol.Active, pol.AddedBy, pol.AddedAt = shortID(), true, by, now
		s.sealMember(&pol)
		p.Policies = append(p.Policies, pol)
	}
	if r.MotherID != "" {
		mother, err := s.ByID(ctx, r.MotherID)
		if err != nil {
			return Patient{}, err
		}
		p.MotherID, p.MotherMRN, p.Newborn = mother.ID, mother.MRN, true
	}
	if id := NormalizeID(r.IDNumber); id != "" {
		hashes := s.box.Hashes("nid", id)
		p.IDHash, p.IDSealed, p.IDLast4 = hashes[0], s.box.Seal(id), last4(id)
		if err := s.claimID(ctx, hashes, p.ID); err != nil {
			return Patient{}, err
		}
	}
	n, err := s.db.Next(ctx, "mrn")
	if err == nil {
		p.MRN = strconv.FormatInt(100000+n, 10)
		p.Rev, err = s.nextRev(ctx)
	}
	if err == nil {
		p.Pending = []string{"account"}
		_, err = s.c.W.InsertOne(ctx, p)
	}
	if err != nil {
		if p.IDHash != "" {
			s.releaseID(p.IDHash, p.ID)
		}
		return Patient{}, fmt.Errorf("store: register patient: %w", err)
	}
	if err := s.followUp(ctx, p); err != nil {
		return Patient{}, err
	}
	p.Pending = nil
	s.idx.put(p)
	if r.Token != "" {
		_, err = s.keys.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: "reg:" + r.Token}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "patient_id", Value: p.ID}}}})
		if err != nil {
			return p, fmt.Errorf("store: registration token: %w", err)
		}
	}
	return p, nil
}

// followUp applies the writes a registration promises after its patient document:
// each is idempotent, so Load can re-apply them after a crash.
func (s *Store) followUp(ctx context.Context, p Patient) error {
	if slices.Contains(p.Pending, "account") {
		if err := s.accounts.Open(ctx, p.ID, p.MRN, p.Name(), p.CreatedBy); err != nil {
			return err
		}
	}
	if slices.Contains(p.Pending, pendingPseudonymise) {
		if err := s.pseudonymiseFollowUp(ctx, p); err != nil {
			return err
		}
	}
	_, err := s.c.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "pending", Value: ""}}}})
	if err != nil {
		return fmt.Errorf("store: registration follow-up %s: %w", p.MRN, err)
	}
	return nil
}

type keyDoc struct {
	ID        string    `bson:"_id"`
	PatientID string    `bson:"patient_id"`
	CreatedAt time.Time `bson:"created_at"`
}

// claimToken records that a form is being saved. A second submit of the same form
// waits for the first and returns its patient with ErrResubmitted.
func (s *Store) claimToken(ctx context.Context, token string) (Patient, error) {
	key := "reg:" + token
	_, err := s.keys.W.InsertOne(ctx, keyDoc{ID: key, CreatedAt: time.Now().UTC()})
	if err == nil {
		return Patient{}, nil
	}
	if !store.IsDuplicate(err) {
		return Patient{}, fmt.Errorf("store: registration token: %w", err)
	}
	for range 50 { // the first submit takes milliseconds; wait up to 5 s for it
		var k keyDoc
		if err := s.keys.R.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&k); err != nil && !store.NoDocs(err) {
			return Patient{}, fmt.Errorf("store: registration token: %w", err)
		} else if store.NoDocs(err) { // the first attempt failed and let go: this one may try
			return s.claimToken(ctx, token)
		}
		if k.PatientID != "" {
			p, err := s.ByID(ctx, k.PatientID)
			if err != nil {
				return Patient{}, err
			}
			return p, ErrResubmitted
		}
		select {
		case <-ctx.Done():
			return Patient{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return Patient{}, ErrInFlight
}

// TokenUsed reports whether a registration form was already submitted (saved, or being
// saved): a second click of that form skips the duplicate check the first one passed, so
// it lands on the patient the first click registered instead of warning about it.
func (s *Store) TokenUsed(ctx context.Context, token string) (bool, error) {
	err := s.keys.R.FindOne(ctx, bson.D{{Key: "_id", Value: "reg:" + token}}).Err()
	if store.NoDocs(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: registration token: %w", err)
	}
	return true, nil
}

// releaseToken lets a failed registration's form be corrected and saved again.
func (s *Store) releaseToken(token string) {
	_, _ = guard.Delete(context.Background(), s.db, store.CollPatientKeys, "reg:"+token, []guard.Cond{guard.Eq("patient_id", "")})
}

// claimID takes the key document nid:<hash> for patient id: the one place that keeps
// two patients from sharing an ID number (an insert of an existing _id fails on every engine).
func (s *Store) claimID(ctx context.Context, hashes []string, id string) error {
	key := "nid:" + hashes[0]
	_, err := s.keys.W.InsertOne(ctx, keyDoc{ID: key, PatientID: id, CreatedAt: time.Now().UTC()})
	if err == nil {
		return s.heldUnderOldKey(ctx, hashes, id)
	}
	if !store.IsDuplicate(err) {
		return fmt.Errorf("store: ID key: %w", err)
	}
	var k keyDoc
	if err := s.keys.R.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&k); err != nil {
		return fmt.Errorf("store: ID key: %w", err)
	}
	holder, err := s.ByID(ctx, k.PatientID)
	switch {
	case err == nil:
		return &TakenError{PatientID: holder.ID, MRN: holder.MRN}
	case !errors.Is(err, store.ErrNotFound):
		return err
	case time.Since(k.CreatedAt) < staleAfter:
		return &TakenError{PatientID: k.PatientID, MRN: "being registered now"}
	}
	// Left by a registration that crashed before its patient was stored: take it over.
	took, err := guard.Update(ctx, s.db, store.CollPatientKeys, key, []guard.Cond{guard.Eq("patient_id", k.PatientID)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "patient_id", Value: id}, {Key: "created_at", Value: time.Now().UTC()}}}}, nil)
	if err != nil {
		return fmt.Errorf("store: ID key: %w", err)
	}
	if !took {
		return &TakenError{PatientID: "", MRN: "being registered now"}
	}
	return s.heldUnderOldKey(ctx, hashes, id)
}

// releaseID gives back an ID key this patient took but did not keep.
func (s *Store) releaseID(hash, id string) {
	_, _ = guard.Delete(context.Background(), s.db, store.CollPatientKeys, "nid:"+hash, []guard.Cond{guard.Eq("patient_id", id)})
}

// idHolder returns the patient who holds an ID hash, or "".
func (s *Store) idHolder(ctx context.Context, hash string) (string, error) {
	var k keyDoc
	err := s.keys.R.FindOne(ctx, bson.D{{Key: "_id", Value: "nid:" + hash}}).Decode(&k)
	if store.NoDocs(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: ID key: %w", err)
	}
	return k.PatientID, nil
}

func last4(id string) string {
	if len(id) <= 4 {
		return id
	}
	return id[len(id)-4:]
}

func shortID() string { return bson.NewObjectID().Hex()[12:] }

// Import stores many already-built patients at once (data generators, migrations):
// MRNs, revs and billing accounts are assigned here, in bulk; ID numbers are not supported.
func (s *Store) Import(ctx context.Context, ps []Patient, by string) error {
	if len(ps) == 0 {
		return nil
	}
	last, err := s.db.NextN(ctx, "mrn", int64(len(ps)))
	if err != nil {
		return err
	}
	rev, err := s.db.NextN(ctx, "patient_rev", int64(len(ps)))
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	first := last - int64(len(ps)) + 1
	docs := make([]any, len(ps))
	accounts := make([]any, len(ps))
	for i := range ps {
		p := &ps[i]
		p.ID, p.MRN = bson.NewObjectID().Hex(), strconv.FormatInt(100000+first+int64(i), 10)
		p.Rev, p.Version, p.CreatedAt, p.CreatedBy, p.UpdatedAt, p.UpdatedBy = rev-int64(len(ps))+1+int64(i), 1, now, by, now, by
		if p.Allergies.Status == "" {
			p.Allergies.Status = AllergiesUnknown
		}
		if p.Allergies.Items == nil {
			p.Allergies.Items = []Allergy{}
		}
		if p.Policies == nil {
			p.Policies = []Policy{}
		}
		for j := range p.Policies {
			s.sealMember(&p.Policies[j])
		}
		if p.History == nil {
			p.History = []Change{}
		}
		docs[i] = p
		accounts[i] = billing.Account{PatientID: p.ID, MRN: p.MRN, Name: p.Name(), Status: "open", CreatedAt: now, CreatedBy: by}
	}
	if _, err := s.c.W.InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("store: import patients: %w", err)
	}
	if _, err := s.db.W.Collection(store.CollAccounts).InsertMany(ctx, accounts); err != nil {
		return fmt.Errorf("store: import accounts: %w", err)
	}
	for _, p := range ps {
		s.idx.put(p)
	}
	return nil
}
