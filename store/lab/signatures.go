package lab

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/signing"
)

// ReportContent is what a lab report's signature covers: whose order, which test and
// specimen, and each result as reported (value, unit, range applied, flag).
func ReportContent(o Order) signing.Content {
	return signing.Content{"order_id": o.ID, "patient_id": o.PatientID, "mrn": o.MRN, "code": o.Code, "test": o.TestName,
		"accession": o.Accession, "results": resultsContent(o.Results)}
}

func resultsContent(rs []Result) []signing.Content {
	out := make([]signing.Content, len(rs))
	for i, r := range rs {
		out[i] = signing.Content{"code": r.Code, "name": r.Name, "kind": r.Kind, "value": r.Value, "unit": r.Unit,
			"range": r.Range, "flag": r.Flag}
	}
	return out
}

// AmendmentID is the signed document id of amendment n (from 1) of an order.
func AmendmentID(orderID string, n int) string { return fmt.Sprintf("%s/amendment/%d", orderID, n) }

// AmendmentContent is what amendment n's signature covers: who corrected the report,
// when, why, and what the results were before.
func AmendmentContent(orderID string, n int, am Amendment) signing.Content {
	return signing.Content{"order_id": orderID, "n": n, "at": am.At, "by": am.By, "by_name": am.ByName,
		"reason": am.Reason, "previous": resultsContent(am.Previous)}
}

// ReportSeal is the verification of a verified report and of each of its amendments.
type ReportSeal struct {
	Report     signing.Check
	Amendments []signing.Check
}

// VerifyReport checks the signatures of o's report and amendments against their content
// now. Only a verified report must carry one (a preliminary release is not signed).
func (s *Store) VerifyReport(o Order) ReportSeal {
	out := ReportSeal{Report: s.signer.Verify(ReportContent(o), o.Signature)}
	if o.Status == StatusVerified {
		out.Report = out.Report.Signed(signing.KindLabReport, o.ID)
	}
	for i, am := range o.Amendments {
		c := s.signer.Verify(AmendmentContent(o.ID, i+1, am), am.Signature)
		out.Amendments = append(out.Amendments, c.Signed(signing.KindLabAmendment, AmendmentID(o.ID, i+1)))
	}
	return out
}

// CheckSignatures verifies every verified lab report and its amendments and names each
// one that no longer verifies. It reads every verified order: a nightly check.
func (s *Store) CheckSignatures(ctx context.Context) ([]string, error) {
	cur, err := s.orders.R.Find(store.DeclaredScan(ctx, "signature check of every verified lab report"),
		bson.D{{Key: "status", Value: StatusVerified}})
	if err != nil {
		return nil, fmt.Errorf("store: signature check: %w", err)
	}
	defer cur.Close(ctx)
	var out []string
	for cur.Next(ctx) {
		var o Order
		if err := cur.Decode(&o); err != nil {
			return out, fmt.Errorf("store: signature check: %w", err)
		}
		seal := s.VerifyReport(o)
		for _, c := range append([]signing.Check{seal.Report}, seal.Amendments...) {
			if p := c.Problem(); p != "" {
				out = append(out, p)
			}
		}
	}
	return out, cur.Err()
}

// VerifyResults checks the released results a chart shows (copies in the patient's
// results bucket): for each verified order among them, one read by _id, its report's
// signature, and that every copied value is the one signed. A copy that differs from
// its signed report counts as content changed. Keyed by order id; preliminary results
// have no entry.
func (s *Store) VerifyResults(ctx context.Context, items []PatientResult) (map[string]signing.Check, error) {
	out := map[string]signing.Check{}
	orders := map[string]Order{}
	for _, it := range items {
		if it.Status != StatusVerified {
			continue
		}
		o, seen := orders[it.OrderID]
		if !seen {
			var err error
			if o, err = s.Order(ctx, it.OrderID); err != nil {
				return nil, err
			}
			orders[it.OrderID] = o
			out[o.ID] = s.VerifyReport(o).Report
		}
		if c := out[o.ID]; c.Status == signing.Valid && !sameResult(o, it) {
			c.Status = signing.ContentChanged
			out[o.ID] = c
		}
	}
	return out, nil
}

// sameResult reports whether a copied result is the one the order reports.
func sameResult(o Order, it PatientResult) bool {
	for _, r := range o.Results {
		if r.Code == it.Code {
			return r.Value == it.Value && r.Unit == it.Unit && r.Flag == it.Flag && r.Range == it.Range
		}
	}
	return false
}
