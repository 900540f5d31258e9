package patients

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/guard"
)

// RotateReport counts what one pass of RotateKey did.
type RotateReport struct {
	Scanned    int // patient documents read
	Resealed   int // ID numbers moved to the current key
	Members    int // insurance member numbers sealed (from clear) or moved to the current key
	Current    int // already under the current key (a resumed or repeated run)
	Retry      int // changed by someone else mid-way, or the new hash is held by another patient: run again
	Unreadable int // could not be opened with any configured key
}

// Done reports whether nothing is left under an old key.
func (r RotateReport) Done() bool { return r.Retry == 0 && r.Unreadable == 0 }

// RotateKey re-seals and re-hashes every stored ID number and insurance member number
// (sealing any still in clear) under the current key, in
// batches by _id (index-served, and resumable: anything already current is skipped),
// while the system keeps running. Per patient: the new nid key is claimed first, then the
// patient is switched by a guarded write that holds only if the sealed value is still the
// one read, then the old key is released — so at every moment the patient holds at least
// one key and a concurrent registration of the same number is refused. progress, if not
// nil, is called after every batch.
func (s *Store) RotateKey(ctx context.Context, batch int, progress func(RotateReport)) (RotateReport, error) {
	var rep RotateReport
	after := ""
	for {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}} // every id is a non-empty string
		cur, err := s.c.R.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(batch)).
			SetProjection(bson.D{{Key: "id_sealed", Value: 1}, {Key: "id_hash", Value: 1}, {Key: "policies", Value: 1}, {Key: "version", Value: 1}}))
		if err != nil {
			return rep, fmt.Errorf("store: rotate key: %w", err)
		}
		var ps []Patient
		if err := cur.All(ctx, &ps); err != nil {
			return rep, fmt.Errorf("store: rotate key: %w", err)
		}
		if len(ps) == 0 {
			return rep, nil
		}
		for _, p := range ps {
			rep.Scanned++
			if err := s.rotateOne(ctx, p, &rep); err != nil {
				return rep, err
			}
			if err := s.rotateMembers(ctx, p, &rep); err != nil {
				return rep, err
			}
		}
		after = ps[len(ps)-1].ID
		if progress != nil {
			progress(rep)
		}
	}
}

func (s *Store) rotateOne(ctx context.Context, p Patient, rep *RotateReport) error {
	if p.IDSealed == "" || s.box.Current(p.IDSealed) {
		rep.Current++
		return nil
	}
	nid, err := s.box.Open(p.IDSealed)
	if err != nil {
		rep.Unreadable++
		s.log.Warn("rotate key: an ID number cannot be opened with any configured key", "patient", p.ID)
		return nil
	}
	newHash := s.box.Hash("nid", nid)
	claimed := false
	if newHash != p.IDHash {
		holder, err := s.idHolder(ctx, newHash)
		if err != nil {
			return err
		}
		switch holder {
		case p.ID: // a previous run claimed it and stopped before switching the patient
		case "":
			if _, err := s.keys.W.InsertOne(ctx, keyDoc{ID: "nid:" + newHash, PatientID: p.ID, CreatedAt: time.Now().UTC()}); err != nil {
				if store.IsDuplicate(err) {
					rep.Retry++ // claimed a moment ago by a registration: the next run sorts it out
					return nil
				}
				return fmt.Errorf("store: rotate key: %w", err)
			}
			claimed = true
		default:
			rep.Retry++
			s.log.Warn("rotate key: two patients hold the same ID number", "patient", p.ID, "other", holder)
			return nil
		}
	}
	rev, err := s.nextRev(ctx)
	if err != nil {
		return err
	}
	ok, err := guard.Update(ctx, s.db, store.CollPatients, p.ID, []guard.Cond{guard.Eq("id_sealed", p.IDSealed)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "id_sealed", Value: s.box.Seal(nid)}, {Key: "id_hash", Value: newHash}, {Key: "rev", Value: rev}}}}, nil)
	if err != nil {
		return fmt.Errorf("store: rotate key: %w", err)
	}
	if !ok { // edited (or pseudonymised) meanwhile: leave it to the next run
		if claimed {
			s.releaseID(newHash, p.ID)
		}
		rep.Retry++
		return nil
	}
	if p.IDHash != "" && p.IDHash != newHash {
		s.releaseID(p.IDHash, p.ID)
	}
	rep.Resealed++
	return nil
}

// rotateMembers re-seals p's member numbers that are in clear or under an old key, by a
// write that holds only if the record's version is still the one read (every edit of a
// policy moves it on).
func (s *Store) rotateMembers(ctx context.Context, p Patient, rep *RotateReport) error {
	policies := slices.Clone(p.Policies)
	moved := 0
	for i := range policies {
		pol := &policies[i]
		if pol.MemberNumber == "" && s.box.Current(pol.MemberSealed) {
			continue
		}
		if pol.MemberNumber == "" {
			n, err := s.box.Open(pol.MemberSealed)
			if err != nil {
				rep.Unreadable++
				s.log.Warn("rotate key: a member number cannot be opened with any configured key", "patient", p.ID)
				return nil
			}
			pol.MemberNumber = n
		}
		s.sealMember(pol)
		moved++
	}
	if moved == 0 {
		return nil
	}
	rev, err := s.nextRev(ctx)
	if err != nil {
		return err
	}
	var after Patient
	ok, err := guard.Update(ctx, s.db, store.CollPatients, p.ID, []guard.Cond{guard.Eq("version", p.Version)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "policies", Value: policies}, {Key: "rev", Value: rev}}}}, &after)
	if err != nil {
		return fmt.Errorf("store: rotate key: %w", err)
	}
	if !ok {
		rep.Retry++
		return nil
	}
	s.idx.put(after)
	rep.Members += moved
	return nil
}

// heldUnderOldKey is the second half of claiming an ID key during a rotation: the key
// under the current key (hashes[0]) was just taken for patient id, but another patient
// may still hold the same number under a previous key (hashes[1:]). Claiming the new key
// first and checking the old ones second means a rotation (which claims the new key
// before it releases the old) and a registration can never both succeed.
func (s *Store) heldUnderOldKey(ctx context.Context, hashes []string, id string) error {
	for _, h := range hashes[1:] {
		holder, err := s.idHolder(ctx, h)
		if err != nil {
			s.releaseID(hashes[0], id)
			return err
		}
		if holder == "" || holder == id {
			continue
		}
		s.releaseID(hashes[0], id)
		mrn := "being registered now"
		if p, err := s.ByID(ctx, holder); err == nil {
			mrn = p.MRN
		}
		return &TakenError{PatientID: holder, MRN: mrn}
	}
	return nil
}
