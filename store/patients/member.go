package patients

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// Insurance member numbers are identifiers that are both sensitive and searched, so they
// are kept like ID numbers: sealed under the key ring, with a keyed hash beside them for
// the front desk's exact-match search and the last four characters readable for display.
// Invoices and claims carry the sealed value on to the billing desk, which opens it only
// where the number goes to the payer.

const memberKind = "member"

// sealMember replaces p's member number as typed by its sealed form.
func (s *Store) sealMember(p *Policy) {
	if p.MemberNumber == "" {
		return
	}
	n := NormalizeID(p.MemberNumber)
	p.MemberSealed, p.MemberHash, p.MemberLast4 = s.box.Seal(CleanName(p.MemberNumber)), s.box.Hash(memberKind, n), last4(n)
	p.MemberNumber = ""
}

// OpenMember is a member number in clear, from its sealed form or, on a record written
// before sealing, from the clear copy (which `web rotate-key` seals).
func (s *Store) OpenMember(sealed, clear string) (string, error) {
	if sealed == "" {
		return clear, nil
	}
	return s.box.Open(sealed)
}

// MemberMasked is what the chart shows of the member number: its last four characters.
func (p Policy) MemberMasked() string {
	last := p.MemberLast4
	if last == "" && p.MemberNumber != "" {
		last = last4(NormalizeID(p.MemberNumber))
	}
	if last == "" {
		return ""
	}
	return "••••\u00a0" + last // one line in a narrow table cell
}

// ClearMembers lists the patients that still hold a member number in clear (written
// before sealing, or restored from an old backup): `web rotate-key` seals them.
func (s *Store) ClearMembers(ctx context.Context) ([]string, error) {
	cur, err := s.c.R.Find(store.DeclaredScan(ctx, "consistency check"), bson.D{},
		options.Find().SetProjection(bson.D{{Key: "policies", Value: 1}}).SetBatchSize(2000))
	if err != nil {
		return nil, fmt.Errorf("store: check member numbers: %w", err)
	}
	defer cur.Close(ctx)
	var found []string
	for cur.Next(ctx) {
		var p Patient
		if err := cur.Decode(&p); err != nil {
			return found, fmt.Errorf("store: check member numbers: %w", err)
		}
		for _, pol := range p.Policies {
			if pol.MemberNumber != "" {
				found = append(found, p.ID)
				break
			}
		}
	}
	return found, cur.Err()
}
