package billing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hms/store"
)

// The desk's lists are single documents of billing_lists keyed by what they list, so
// the desk reads one document instead of scanning a million charges. They are hints
// kept in step by the writes; the account page is the truth and corrects them.
const (
	listUnbilled = "unbilled" // patient → when their oldest unbilled charge arrived
)

// UnbilledAccount is one account with charges not yet invoiced.
type UnbilledAccount struct {
	PatientID string    `bson:"patient_id"`
	MRN       string    `bson:"mrn"`
	Name      string    `bson:"name"`
	Since     time.Time `bson:"since"`
}

func markUnbilled(ctx context.Context, db *store.DB, ch Charge) error {
	// $min keeps the earliest arrival: the other fields of the entry are the same.
	_, err := db.W.Collection(store.CollBillList).UpdateOne(ctx, bson.D{{Key: "_id", Value: listUnbilled}},
		bson.D{{Key: "$min", Value: bson.D{{Key: "p." + ch.PatientID, Value: UnbilledAccount{PatientID: ch.PatientID,
			MRN: ch.MRN, Name: ch.Name, Since: ch.PostedAt}}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: unbilled list: %w", err)
	}
	return nil
}

func clearUnbilled(ctx context.Context, db *store.DB, patientID string) error {
	_, err := db.W.Collection(store.CollBillList).UpdateOne(ctx, bson.D{{Key: "_id", Value: listUnbilled}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "p." + patientID, Value: ""}}}})
	if err != nil {
		return fmt.Errorf("store: unbilled list: %w", err)
	}
	return nil
}

// UnbilledAccounts lists accounts with unbilled charges, oldest first.
func UnbilledAccounts(ctx context.Context, db *store.DB) ([]UnbilledAccount, error) {
	var doc struct {
		P map[string]UnbilledAccount `bson:"p"`
	}
	err := db.R.Collection(store.CollBillList).FindOne(ctx, bson.D{{Key: "_id", Value: listUnbilled}}).Decode(&doc)
	if err != nil && !store.NoDocs(err) {
		return nil, fmt.Errorf("store: unbilled list: %w", err)
	}
	out := make([]UnbilledAccount, 0, len(doc.P))
	for _, a := range doc.P {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b UnbilledAccount) int { return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.MRN, b.MRN)) })
	return out, nil
}

// list puts the charge's account on the unbilled list unless the account says it is.
func (l ledger) list(ctx context.Context, ch Charge) error {
	a, err := l.account(ctx, ch.PatientID)
	if err != nil || a.Listed {
		return err
	}
	if err := markUnbilled(ctx, l.db, ch); err != nil {
		return err
	}
	return l.setListed(ctx, ch.PatientID, true)
}

// unlist takes an account with nothing left unbilled off the list.
func (l ledger) unlist(ctx context.Context, patientID string) error {
	if err := clearUnbilled(ctx, l.db, patientID); err != nil {
		return err
	}
	return l.setListed(ctx, patientID, false)
}

func (l ledger) setListed(ctx context.Context, patientID string, on bool) error {
	_, err := l.accounts.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: patientID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "listed", Value: on}}}})
	if err != nil {
		return fmt.Errorf("store: account %s: %w", patientID, err)
	}
	return nil
}
