package billing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
	"hms/store/guard"
)

// Claim states: draft → submitted → (query ↔ submitted) → approved / partial / rejected → settled.
const (
	ClaimDraft     = "draft"
	ClaimSubmitted = "submitted"
	ClaimQuery     = "query"
	ClaimApproved  = "approved"
	ClaimPartial   = "partial"
	ClaimRejected  = "rejected"
	ClaimSettled   = "settled"
)

// ClaimStep is one step of a claim's history.
type ClaimStep struct {
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	Status string    `bson:"status"`
	Note   string    `bson:"note,omitempty"`
	Amount int64     `bson:"amount,omitempty"`
}

// Claim asks a payer for an invoice's insurance share.
type Claim struct {
	ID           string      `bson:"_id"` // CLM-0000001
	Invoice      string      `bson:"invoice"`
	PatientID    string      `bson:"patient_id"`
	MRN          string      `bson:"mrn"`
	Name         string      `bson:"name"`
	Payer        string      `bson:"payer"`
	PayerName    string      `bson:"payer_name"`
	Plan         string      `bson:"plan"`
	MemberSealed string      `bson:"member_sealed,omitempty"` // as on the invoice (Policy)
	MemberLast4  string      `bson:"member_last4,omitempty"`
	Member       string      `bson:"member,omitempty"` // claims from before sealing: ResealMembers seals it
	Diagnoses    []string    `bson:"diagnoses"`
	Claimed      int64       `bson:"claimed"`
	Approved     int64       `bson:"approved"`
	Settled      int64       `bson:"settled"`
	Moved        int64       `bson:"moved"` // moved to the patient's responsibility
	Status       string      `bson:"status"`
	History      []ClaimStep `bson:"history"`
	CreatedAt    time.Time   `bson:"created_at"`
	SubmittedAt  time.Time   `bson:"submitted_at,omitempty"`
}

// ClaimRow is a claim as the claims list shows it (copied into one list document).
type ClaimRow struct {
	ID          string    `bson:"id"`
	Payer       string    `bson:"payer"`
	PayerName   string    `bson:"payer_name"`
	Status      string    `bson:"status"`
	MRN         string    `bson:"mrn"`
	Name        string    `bson:"name"`
	PatientID   string    `bson:"patient_id"`
	Invoice     string    `bson:"invoice"`
	Claimed     int64     `bson:"claimed"`
	Approved    int64     `bson:"approved"`
	CreatedAt   time.Time `bson:"created_at"`
	SubmittedAt time.Time `bson:"submitted_at"`
}

// Ageing is the bucket of a claim's age since submission: 0–30, 31–60, 61–90, 90+ days.
func (r ClaimRow) Ageing(now time.Time) string {
	from := r.SubmittedAt
	if from.IsZero() {
		from = r.CreatedAt
	}
	switch d := int(now.Sub(from).Hours() / 24); {
	case d <= 30:
		return "0–30"
	case d <= 60:
		return "31–60"
	case d <= 90:
		return "61–90"
	default:
		return "90+"
	}
}

// Claims reads and writes insurance claims.
type Claims struct {
	db       *store.DB
	payments *Payments
}

const listClaims = "claims"

// ByID returns a claim or store.ErrNotFound.
func (s *Claims) ByID(ctx context.Context, id string) (Claim, error) {
	var c Claim
	err := s.db.R.Collection(store.CollClaims).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c)
	if store.NoDocs(err) {
		return c, store.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: claim %s: %w", id, err)
	}
	return c, nil
}

// ForInvoice returns the claim of an invoice, or store.ErrNotFound.
func (s *Claims) ForInvoice(ctx context.Context, invoice string) (Claim, error) {
	var k struct {
		Claim string `bson:"claim"`
	}
	err := s.db.R.Collection(store.CollBillKeys).FindOne(ctx, bson.D{{Key: "_id", Value: "claim:" + invoice}}).Decode(&k)
	if store.NoDocs(err) {
		return Claim{}, store.ErrNotFound
	}
	if err != nil {
		return Claim{}, fmt.Errorf("store: claim of %s: %w", invoice, err)
	}
	return s.ByID(ctx, k.Claim)
}

// Create drafts the claim of an invoice's insurance share; an invoice has one claim.
func (s *Claims) Create(ctx context.Context, invoiceID string, diagnoses []string, by string) (Claim, error) {
	inv, err := readInvoice(ctx, s.db, invoiceID)
	if err != nil {
		return Claim{}, err
	}
	_, payerDue := inv.Dues()
	if inv.Status != InvoiceIssued || inv.Policy == nil || payerDue <= 0 {
		return Claim{}, fmt.Errorf("%w: invoice %s has no insurance share to claim", store.ErrInvalid, invoiceID)
	}
	var dx []string
	for _, d := range diagnoses {
		if d = strings.ToUpper(strings.TrimSpace(d)); d != "" && !slices.Contains(dx, d) {
			dx = append(dx, d)
		}
	}
	if len(dx) == 0 {
		return Claim{}, fmt.Errorf("%w: a claim needs at least one diagnosis code", store.ErrInvalid)
	}
	n, err := s.db.Next(ctx, "claim")
	if err != nil {
		return Claim{}, err
	}
	now := time.Now().UTC()
	c := Claim{ID: fmt.Sprintf("CLM-%07d", n), Invoice: inv.ID, PatientID: inv.PatientID, MRN: inv.MRN, Name: inv.Name,
		Payer: inv.Policy.PayerCode, PayerName: inv.Policy.PayerName, Plan: inv.Policy.PlanName, MemberSealed: inv.Policy.MemberSealed,
		MemberLast4: inv.Policy.MemberLast4, Member: inv.Policy.MemberNumber,
		Diagnoses: dx, Claimed: payerDue, Status: ClaimDraft, CreatedAt: now,
		History: []ClaimStep{{At: now, By: by, Status: ClaimDraft, Amount: payerDue}}}
	if _, err := s.db.W.Collection(store.CollBillKeys).InsertOne(ctx, bson.D{{Key: "_id", Value: "claim:" + inv.ID}, {Key: "claim", Value: c.ID}}); err != nil {
		if store.IsDuplicate(err) {
			return s.ForInvoice(ctx, inv.ID)
		}
		return c, fmt.Errorf("store: claim key: %w", err)
	}
	if _, err := s.db.W.Collection(store.CollClaims).InsertOne(ctx, c); err != nil {
		return c, fmt.Errorf("store: claim: %w", err)
	}
	return c, s.list(ctx, c)
}

func (s *Claims) list(ctx context.Context, c Claim) error {
	row := ClaimRow{ID: c.ID, Payer: c.Payer, PayerName: c.PayerName, Status: c.Status, MRN: c.MRN, Name: c.Name,
		PatientID: c.PatientID, Invoice: c.Invoice, Claimed: c.Claimed, Approved: c.Approved, CreatedAt: c.CreatedAt, SubmittedAt: c.SubmittedAt}
	_, err := s.db.W.Collection(store.CollBillList).UpdateOne(ctx, bson.D{{Key: "_id", Value: listClaims}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "c." + c.ID, Value: row}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: claims list: %w", err)
	}
	return nil
}

// List returns the claims, filtered by payer and status when given, oldest first.
func (s *Claims) List(ctx context.Context, payer, status string) ([]ClaimRow, error) {
	var doc struct {
		C map[string]ClaimRow `bson:"c"`
	}
	err := s.db.R.Collection(store.CollBillList).FindOne(ctx, bson.D{{Key: "_id", Value: listClaims}}).Decode(&doc)
	if err != nil && !store.NoDocs(err) {
		return nil, fmt.Errorf("store: claims list: %w", err)
	}
	var out []ClaimRow
	for _, r := range doc.C {
		if (payer == "" || r.Payer == payer) && (status == "" || r.Status == status) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b ClaimRow) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// ClaimAction is one step a clerk takes on a claim.
type ClaimAction struct {
	ID, Action, Note, By string
	Amount               int64 // approved amount (approve), or paid (settle)
	Day                  string
}

// Claim actions.
const (
	ActSubmit  = "submit"
	ActQuery   = "query"   // the payer asked a question
	ActRespond = "respond" // the hospital answered
	ActDecide  = "decide"  // the payer's decision: Amount approved (0 = rejected)
	ActSettle  = "settle"  // the payer paid: posts a payment from the payer
	ActMove    = "move"    // the clerk confirms that what the payer did not pay is the patient's to pay
)

var claimFrom = map[string][]string{
	ActSubmit: {ClaimDraft}, ActQuery: {ClaimSubmitted}, ActRespond: {ClaimQuery},
	ActDecide: {ClaimSubmitted}, ActSettle: {ClaimApproved, ClaimPartial},
	ActMove: {ClaimPartial, ClaimRejected, ClaimSettled},
}

// Act moves a claim one step on; a step from the wrong state gives store.ErrInvalid.
func (s *Claims) Act(ctx context.Context, a ClaimAction) (Claim, error) {
	c, err := s.ByID(ctx, a.ID)
	if err != nil {
		return c, err
	}
	from, ok := claimFrom[a.Action]
	if !ok || !slices.Contains(from, c.Status) {
		return c, fmt.Errorf("%w: a %s claim cannot be %sed", store.ErrInvalid, c.Status, a.Action)
	}
	now := time.Now().UTC()
	step := ClaimStep{At: now, By: a.By, Note: strings.TrimSpace(a.Note)}
	set := bson.D{}
	switch a.Action {
	case ActSubmit:
		step.Status, step.Amount = ClaimSubmitted, c.Claimed
		set = append(set, bson.E{Key: "submitted_at", Value: now})
	case ActQuery, ActRespond:
		if step.Note == "" {
			return c, fmt.Errorf("%w: write the query or the response", store.ErrInvalid)
		}
		step.Status = map[string]string{ActQuery: ClaimQuery, ActRespond: ClaimSubmitted}[a.Action]
	case ActDecide:
		if a.Amount < 0 || a.Amount > c.Claimed {
			return c, fmt.Errorf("%w: the approved amount must be between zero and the amount claimed", store.ErrInvalid)
		}
		step.Status, step.Amount = ClaimApproved, a.Amount
		if a.Amount == 0 {
			step.Status = ClaimRejected
		} else if a.Amount < c.Claimed {
			step.Status = ClaimPartial
		}
		set = append(set, bson.E{Key: "approved", Value: a.Amount})
	case ActSettle:
		if a.Amount <= 0 || a.Amount > c.Approved {
			return c, fmt.Errorf("%w: the settled amount must be more than zero and at most the approved amount", store.ErrInvalid)
		}
		// The settlement's token is derived from the claim: a retry posts it once.
		_, err := s.payments.Post(ctx, PaymentInput{Token: "settle-" + c.ID, PatientID: c.PatientID, Invoice: c.Invoice,
			Mode: ModeInsurer, Reference: c.ID, Amount: a.Amount, Payer: c.Payer, Claim: c.ID, By: a.By, Day: a.Day})
		if err != nil {
			return c, err
		}
		step.Status, step.Amount = ClaimSettled, a.Amount
		set = append(set, bson.E{Key: "settled", Value: a.Amount})
	case ActMove:
		rest := c.Claimed - c.Settled
		if c.Status != ClaimSettled {
			rest = c.Claimed - c.Approved
		}
		if rest <= 0 || c.Moved > 0 {
			return c, fmt.Errorf("%w: nothing left to move to the patient", store.ErrInvalid)
		}
		if _, err := s.db.W.Collection(store.CollInvoices).UpdateOne(ctx, bson.D{{Key: "_id", Value: c.Invoice}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "moved." + c.ID, Value: rest}}}}); err != nil {
			return c, fmt.Errorf("store: invoice %s: %w", c.Invoice, err)
		}
		step.Status, step.Amount = c.Status, rest
		step.Note = strings.TrimSpace("Moved to the patient. " + step.Note)
		set = append(set, bson.E{Key: "moved", Value: rest})
	}
	set = append(set, bson.E{Key: "status", Value: step.Status})
	ok, err = guard.Update(ctx, s.db, store.CollClaims, c.ID, []guard.Cond{guard.Eq("status", c.Status), guard.Eq("moved", c.Moved)},
		bson.D{{Key: "$set", Value: set}, {Key: "$push", Value: bson.D{{Key: "history", Value: step}}}}, &c)
	if err != nil {
		return c, err
	}
	if !ok {
		return c, fmt.Errorf("%w: the claim was changed by someone else", store.ErrConflict)
	}
	return c, s.list(ctx, c)
}
