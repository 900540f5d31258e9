package patients

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/billing"
	"hms/store/secret"
)

// Store reads and writes patients and their key documents.
type Store struct {
	db       *store.DB
	c, keys  store.Coll
	box      *secret.Box
	accounts *billing.Accounts
	idx      *index
	log      *slog.Logger

	clearAtLoad int // patients found at Load with a member number in clear

	catchMu   sync.Mutex
	caughtUp  time.Time
	shareRevs bool // several instances may write (MongoDB): catch up on rev before searching
}

// New returns the patient store; call Load before serving searches.
func New(db *store.DB, box *secret.Box, log *slog.Logger) *Store {
	if log == nil {
		log = slog.Default()
	}
	return &Store{db: db, c: db.Coll(store.CollPatients), keys: db.Coll(store.CollPatientKeys), box: box,
		accounts: billing.NewAccounts(db), idx: newIndex(), log: log, shareRevs: !db.Embedded}
}

// Box returns the identifier sealer, for showing a patient's own ID number to staff.
func (s *Store) Box() *secret.Box { return s.box }

// listFields are the fields the search index needs: a load reads nothing else.
var listFields = bson.D{{Key: "mrn", Value: 1}, {Key: "given", Value: 1}, {Key: "middle", Value: 1},
	{Key: "family", Value: 1}, {Key: "sex", Value: 1}, {Key: "dob", Value: 1}, {Key: "dob_estimated", Value: 1},
	{Key: "phone", Value: 1}, {Key: "last_visit", Value: 1}, {Key: "duplicate_of_mrn", Value: 1},
	{Key: "rev", Value: 1}, {Key: "pending", Value: 1}, {Key: "policies.member_hash", Value: 1}, {Key: "policies.member_number", Value: 1}}

// Load builds the search index from the collection and re-applies any follow-up writes
// that a crash left undone (DESIGN rule 2). It reports how many patients it indexed.
func (s *Store) Load(ctx context.Context) (int, error) {
	cur, err := s.c.R.Find(store.DeclaredScan(ctx, "search index built at start"), bson.D{}, options.Find().SetProjection(listFields).SetBatchSize(2000))
	if err != nil {
		return 0, fmt.Errorf("store: load patients: %w", err)
	}
	defer cur.Close(ctx)
	var pending []string
	n := 0
	for cur.Next(ctx) {
		var p Patient
		if err := cur.Decode(&p); err != nil {
			return n, fmt.Errorf("store: load patients: %w", err)
		}
		s.idx.put(p)
		if len(p.Pending) > 0 {
			pending = append(pending, p.ID)
		}
		if slices.ContainsFunc(p.Policies, func(pol Policy) bool { return pol.MemberNumber != "" }) {
			s.clearAtLoad++
		}
		n++
	}
	if err := cur.Err(); err != nil {
		return n, fmt.Errorf("store: load patients: %w", err)
	}
	for _, id := range pending {
		p, err := s.ByID(ctx, id)
		if err != nil {
			return n, err
		}
		if err := s.followUp(ctx, p); err != nil {
			return n, err
		}
		s.log.Info("patients: completed an interrupted registration", "mrn", p.MRN)
	}
	s.caughtUp = time.Now()
	return n, nil
}

// catchUp indexes patients that another instance changed since the last look.
func (s *Store) catchUp(ctx context.Context) error {
	if !s.shareRevs {
		return nil
	}
	s.catchMu.Lock()
	defer s.catchMu.Unlock()
	if time.Since(s.caughtUp) < 2*time.Second {
		return nil
	}
	s.idx.mu.RLock()
	since := s.idx.rev
	s.idx.mu.RUnlock()
	cur, err := s.c.R.Find(ctx, bson.D{{Key: "rev", Value: bson.D{{Key: "$gt", Value: since}}}},
		options.Find().SetProjection(listFields).SetSort(bson.D{{Key: "rev", Value: 1}}).SetLimit(5000))
	if err != nil {
		return fmt.Errorf("store: patients changed since %d: %w", since, err)
	}
	var ps []Patient
	if err := cur.All(ctx, &ps); err != nil {
		return fmt.Errorf("store: patients changed since %d: %w", since, err)
	}
	for _, p := range ps {
		s.idx.put(p)
	}
	s.caughtUp = time.Now()
	return nil
}

// ClearAtLoad is how many patients Load found holding a member number in clear (written
// before member numbers were sealed): the server seals them in the background.
func (s *Store) ClearAtLoad() int { return s.clearAtLoad }

// Indexed returns how many patients the search index holds.
func (s *Store) Indexed() int { return s.idx.size() }

// ByID returns one patient or store.ErrNotFound.
func (s *Store) ByID(ctx context.Context, id string) (Patient, error) {
	var p Patient
	err := s.c.R.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&p)
	if store.NoDocs(err) {
		return p, store.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("store: patient %s: %w", id, err)
	}
	return p, nil
}

// IDByMRN returns the id of the patient with this MRN, or store.ErrNotFound.
func (s *Store) IDByMRN(ctx context.Context, mrn string) (string, error) {
	if err := s.catchUp(ctx); err != nil {
		return "", err
	}
	s.idx.mu.RLock()
	e, ok := s.idx.byMRN[mrn]
	s.idx.mu.RUnlock()
	if !ok {
		return "", store.ErrNotFound
	}
	return e.hit.ID, nil
}

// Search finds patients by MRN, phone, insurance member number (exact, through its keyed
// hash) or name words (any order, prefix, accent-blind).
func (s *Store) Search(ctx context.Context, q string, limit int) (SearchResult, error) {
	if err := s.catchUp(ctx); err != nil {
		return SearchResult{}, err
	}
	var members []string
	if n := NormalizeID(q); strings.ContainsAny(n, "0123456789") {
		members = s.box.Hashes(memberKind, n)
	}
	return s.idx.search(q, members, limit), nil
}

// Candidates lists registered patients who may be the person about to be registered:
// same phone, same name and date of birth, or same ID number.
func (s *Store) Candidates(ctx context.Context, d Demographics, idNumber string) ([]Candidate, error) {
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	sameID := ""
	if idNumber != "" {
		// During a key rotation the holder's key may be under either key: ask under each.
		for _, h := range s.box.Hashes("nid", NormalizeID(idNumber)) {
			holder, err := s.idHolder(ctx, h)
			if err != nil {
				return nil, err
			}
			if holder != "" {
				sameID = holder
				break
			}
		}
	}
	return s.idx.candidates(d, sameID), nil
}

// reindex re-reads a patient after a write and updates the search index.
func (s *Store) reindex(ctx context.Context, id string) (Patient, error) {
	p, err := s.ByID(ctx, id)
	if err != nil {
		return p, err
	}
	s.idx.put(p)
	return p, nil
}

// nextRev numbers a change to the patients collection (see catchUp).
func (s *Store) nextRev(ctx context.Context) (int64, error) { return s.db.Next(ctx, "patient_rev") }

// Check lists the patients whose registration follow-ups (the billing account) are still
// pending; with repair it re-applies them, as Load does at start.
func (s *Store) Check(ctx context.Context, repair bool) ([]string, error) {
	cur, err := s.c.R.Find(store.DeclaredScan(ctx, "consistency check"), bson.D{},
		options.Find().SetProjection(bson.D{{Key: "mrn", Value: 1}, {Key: "pending", Value: 1}}).SetBatchSize(2000))
	if err != nil {
		return nil, fmt.Errorf("store: check patients: %w", err)
	}
	var found []string
	for cur.Next(ctx) {
		var p Patient
		if err := cur.Decode(&p); err != nil {
			_ = cur.Close(ctx)
			return found, fmt.Errorf("store: check patients: %w", err)
		}
		if len(p.Pending) > 0 {
			found = append(found, p.ID)
		}
	}
	err = cur.Err()
	_ = cur.Close(ctx)
	if err != nil || !repair {
		return found, err
	}
	for _, id := range found {
		p, err := s.ByID(ctx, id)
		if err != nil {
			return found, err
		}
		if err := s.followUp(ctx, p); err != nil {
			return found, err
		}
	}
	return found, nil
}
