package patients

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// Policy ranks.
var Ranks = []string{"primary", "secondary"}

func (p Policy) check() error {
	switch {
	case p.PayerCode == "" || p.PlanCode == "" || CleanName(p.MemberNumber) == "":
		return fmt.Errorf("%w: payer, plan and member number are required", store.ErrInvalid)
	case !slices.Contains(Ranks, p.Rank):
		return fmt.Errorf("%w: rank", store.ErrInvalid)
	case p.ValidFrom.IsZero() || (!p.ValidTo.IsZero() && p.ValidTo.Before(p.ValidFrom)):
		return fmt.Errorf("%w: validity dates", store.ErrInvalid)
	}
	return nil
}

// AddPolicy adds an insurance policy to a patient.
func (s *Store) AddPolicy(ctx context.Context, id string, p Policy, by string) (Patient, error) {
	if err := p.check(); err != nil {
		return Patient{}, err
	}
	p.ID, p.Active, p.AddedBy, p.AddedAt = shortID(), true, by, time.Now().UTC()
	s.sealMember(&p)
	return s.apply(ctx, update{id: id, push: bson.D{{Key: "policies", Value: p}},
		changes: []Change{{Field: "Insurance added", New: p.PayerName + " " + p.PlanName + " (" + p.Rank + ")"}}}, by)
}

// EndPolicy marks a policy as no longer used (cancelled, replaced); it stays on record.
func (s *Store) EndPolicy(ctx context.Context, id, policyID, reason, by string) (Patient, error) {
	cur, err := s.ByID(ctx, id)
	if err != nil {
		return cur, err
	}
	i := slices.IndexFunc(cur.Policies, func(p Policy) bool { return p.ID == policyID })
	if i < 0 {
		return cur, store.ErrNotFound
	}
	if !cur.Policies[i].Active {
		return cur, nil
	}
	p := cur.Policies[i]
	key := fmt.Sprintf("policies.%d.", i)
	return s.apply(ctx, update{id: id, version: cur.Version,
		set:     bson.D{{Key: key + "active", Value: false}, {Key: key + "ended_reason", Value: CleanName(reason)}},
		changes: []Change{{Field: "Insurance ended", Old: p.PayerName + " " + p.PlanName, New: CleanName(reason)}}}, by)
}
