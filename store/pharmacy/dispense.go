package pharmacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/store"
	"hms/store/billing"
	"hms/store/opd"
	"hms/store/patients"
)

// Dispense line states.
const (
	LineDispensed = "dispensed"
	LineReturned  = "returned" // every unit came back
)

// Return is units of a dispense line brought back into its batch.
type Return struct {
	N      int       `bson:"n"`
	Qty    int64     `bson:"qty"`
	Reason string    `bson:"reason"`
	By     string    `bson:"by"`
	At     time.Time `bson:"at"`
	Done   bool      `bson:"done"` // its follow-ups (stock, charge, order count) are written
	Note   string    `bson:"note,omitempty"`
}

// Line is one dispensed item: what its label shows and its barcode (_id) identifies.
type Line struct {
	ID             string    `bson:"_id"` // the barcode value: D + number
	PatientID      string    `bson:"patient_id"`
	MRN            string    `bson:"mrn"`
	Name           string    `bson:"name"`
	DrugCode       string    `bson:"drug_code"`
	Generic        string    `bson:"generic"`
	Strength       string    `bson:"strength"`
	Form           string    `bson:"form"`
	Unit           string    `bson:"unit"`
	Brand          string    `bson:"brand,omitempty"`
	SubstitutedFor string    `bson:"substituted_for,omitempty"` // the drug code prescribed, when another equivalent was given
	OrderRef       string    `bson:"order_ref"`                 // <visit>:<line> or the ward order id
	SupplyID       string    `bson:"supply_id"`
	ItemID         string    `bson:"item_id"`
	Encounter      string    `bson:"encounter"`
	EncounterKind  string    `bson:"encounter_kind"`
	Directions     string    `bson:"directions"` // dose instructions printed on the label
	BatchID        string    `bson:"batch_id"`
	BatchNo        string    `bson:"batch_no"`
	Expiry         string    `bson:"expiry"`
	Qty            int64     `bson:"qty"`
	Returned       int64     `bson:"returned"`
	UnitPrice      int64     `bson:"unit_price"`
	ChargeID       string    `bson:"charge_id"` // the charge in force for the kept quantity
	Returns        []Return  `bson:"returns"`
	Status         string    `bson:"status"`
	DispensedBy    string    `bson:"dispensed_by"`
	DispensedAt    time.Time `bson:"dispensed_at"`
	UpdatedAt      time.Time `bson:"updated_at"`
	UpdatedBy      string    `bson:"updated_by"`
}

// ChargeID is the pharmacy charge of a dispense line.
func ChargeID(lineID string) string { return "pharmacy:" + lineID }

// Line returns one dispense line (the MAR scans its _id).
func (s *Store) Line(ctx context.Context, id string) (Line, error) {
	return byID[Line](ctx, s.lines, strings.ToUpper(strings.TrimSpace(id)), "dispense line")
}

// DispenseInput is one dispense the pharmacist asks for.
type DispenseInput struct {
	ItemID   string // worklist item
	OrderRef string // Order.Ref
	BatchID  string
	Qty      int64
	Brand    string // the brand given, when the batch does not say
}

// Dispense gives qty units of a batch against an order. The order's count is taken
// first (never beyond what was ordered, however often the form is sent), then the stock
// (never below zero, never from an expired batch); if the stock cannot be taken the count
// is given back and the error (ErrOutOfStock, ErrExpired) says why. The batch must hold
// the ordered drug or an equivalent (same generic, strength and form), recorded as a
// substitution. The line, its charge and the worklist status follow.
func (s *Store) Dispense(ctx context.Context, in DispenseInput, by string) (Line, error) {
	it, orders, err := s.Orders(ctx, in.ItemID)
	if err != nil {
		return Line{}, err
	}
	var o Order
	for _, x := range orders {
		if x.Ref == in.OrderRef {
			o = x
		}
	}
	if o.Ref == "" {
		return Line{}, fmt.Errorf("%w: order %s on %s", store.ErrNotFound, in.OrderRef, in.ItemID)
	}
	if !o.Active {
		return Line{}, fmt.Errorf("%w: order %s", ErrOrderStopped, o.OrderRef)
	}
	if in.Qty < 1 || in.Qty > 100_000 {
		return Line{}, fmt.Errorf("%w: the quantity is a whole number from 1", store.ErrInvalid)
	}
	brand, err := cleanText("brand", in.Brand, 60, false)
	if err != nil {
		return Line{}, err
	}
	b, err := s.Batch(ctx, in.BatchID)
	if err != nil {
		return Line{}, err
	}
	if err := s.equivalent(ctx, o.DrugCode, b.DrugCode); err != nil {
		return Line{}, err
	}
	if b.Expired(s.Today()) {
		return Line{}, fmt.Errorf("%w: batch %s expired on %s", ErrExpired, b.BatchNo, b.Expiry)
	}
	n, err := s.db.Next(ctx, "dispense-line")
	if err != nil {
		return Line{}, err
	}
	sl := SupplyLine{LineID: fmt.Sprintf("D%08d", n), BatchID: b.ID, Qty: in.Qty, Brand: brand, State: SupplyReserved,
		By: by, At: s.now().UTC()}
	limit := func(Supply) int64 { return o.Limit }
	if it.Med != nil {
		med := *it.Med
		limit = func(sup Supply) int64 { return WardAllowance(med, sup.From, sl.At) }
	}
	if err := s.reserve(ctx, o, limit, sl); err != nil {
		return Line{}, err
	}
	if _, err := s.move(ctx, b.ID, movement{ID: "disp:" + sl.LineID, Kind: MoveDispense, Qty: -sl.Qty, Ref: sl.LineID,
		Reason: "dispensed against " + o.OrderRef}, by); err != nil {
		if rerr := s.release(ctx, o.Ref, sl.LineID); rerr != nil {
			return Line{}, errors.Join(err, rerr)
		}
		return Line{}, err
	}
	return s.finishLine(ctx, o, sl)
}

// equivalent checks that a batch of drug code got may be given for code wanted.
func (s *Store) equivalent(ctx context.Context, wanted, got string) error {
	if wanted == got {
		return nil
	}
	w, err := s.cat.Drug(ctx, wanted)
	if err != nil {
		return err
	}
	g, err := s.cat.Drug(ctx, got)
	if err != nil {
		return err
	}
	if patients.Fold(w.Generic) != patients.Fold(g.Generic) || w.Strength != g.Strength || w.Form != g.Form {
		return fmt.Errorf("%w: batch is %s %s %s, not an equivalent of %s %s %s", store.ErrInvalid,
			g.Generic, g.Strength, g.Form, w.Generic, w.Strength, w.Form)
	}
	return nil
}

// finishLine writes the follow-ups of a dispense whose stock was taken: the line (its
// _id is the label's barcode), the charge at the batch's selling price, the order's count
// settled, the patient's medication list and the worklist status. Each is idempotent.
func (s *Store) finishLine(ctx context.Context, o Order, sl SupplyLine) (Line, error) {
	b, err := s.Batch(ctx, sl.BatchID)
	if err != nil {
		return Line{}, err
	}
	drug, err := s.cat.Drug(ctx, b.DrugCode)
	if err != nil {
		return Line{}, err
	}
	l := Line{ID: sl.LineID, PatientID: o.PatientID, MRN: o.MRN, Name: o.Name, DrugCode: drug.Code, Generic: drug.Generic,
		Strength: drug.Strength, Form: drug.Form, Unit: drug.Unit, Brand: sl.Brand, OrderRef: o.OrderRef, SupplyID: o.Ref,
		ItemID: o.ItemID, Encounter: o.Encounter, EncounterKind: o.EncounterKind, Directions: Directions(o),
		BatchID: b.ID, BatchNo: b.BatchNo, Expiry: b.Expiry, Qty: sl.Qty, UnitPrice: b.Price, ChargeID: ChargeID(sl.LineID),
		Returns: []Return{}, Status: LineDispensed, DispensedBy: sl.By, DispensedAt: sl.At, UpdatedAt: sl.At, UpdatedBy: sl.By}
	if l.Brand == "" {
		l.Brand = b.Brand
	}
	if drug.Code != o.DrugCode {
		l.SubstitutedFor = o.DrugCode
	}
	if _, err := s.lines.W.InsertOne(ctx, l); err != nil && !store.IsDuplicate(err) {
		return l, fmt.Errorf("store: dispense line %s: %w", l.ID, err)
	}
	if err := s.postCharge(ctx, l, l.ChargeID, l.Qty); err != nil {
		return l, err
	}
	if err := s.settle(ctx, o.Ref, l.ID); err != nil {
		return l, err
	}
	if err := s.rememberMed(ctx, l, o); err != nil {
		return l, err
	}
	return l, s.refreshItem(ctx, o.ItemID)
}

// postCharge posts the pharmacy charge for qty units of the line (insert-once by id).
func (s *Store) postCharge(ctx context.Context, l Line, id string, qty int64) error {
	desc := fmt.Sprintf("%s %s %s", l.Generic, l.Strength, l.Form)
	if l.Brand != "" {
		desc += " (" + l.Brand + ")"
	}
	return s.charges.Post(ctx, billing.Charge{ID: id, PatientID: l.PatientID, MRN: l.MRN, Name: l.Name,
		Encounter: l.Encounter, EncounterKind: l.EncounterKind, Department: "Pharmacy", ServiceCode: "DRUG-" + l.DrugCode,
		Description: desc + " · batch " + l.BatchNo, Qty: qty, UnitPrice: l.UnitPrice, PostedAt: l.DispensedAt, PostedBy: l.DispensedBy})
}

// Directions is the dose instruction a label prints for an order.
func Directions(o Order) string {
	parts := []string{o.Dose}
	if f, ok := opd.FrequencyOf(o.Frequency); ok {
		parts = append(parts, strings.ToLower(f.Label))
	} else if o.Frequency != "" {
		parts = append(parts, o.Frequency)
	}
	if o.DurationDays > 0 {
		parts = append(parts, fmt.Sprintf("for %d days", o.DurationDays))
	}
	if o.Route != "" {
		parts = append(parts, "("+o.Route+")")
	}
	if o.Instructions != "" {
		parts = append(parts, "— "+o.Instructions)
	}
	return strings.Join(parts, " ")
}
