package pharmacy

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"hms/store"
	"hms/store/opd"
	"hms/store/worklist"
)

// Order is one thing the pharmacy dispenses against: an OPD prescription line or a ward
// medication order, with how much may be dispensed now and how much was.
type Order struct {
	Ref           string // the supply's _id: rx:<visit>:<line> or med:<order>
	OrderRef      string // as the dispense line records it: <visit>:<line> or the ward order id
	ItemID        string // the worklist item
	Kind          string // worklist.KindOPDRx or worklist.KindIPDMed
	PatientID     string
	MRN, Name     string
	Encounter     string // visit or admission id
	EncounterKind string // opd or ipd
	Department    string
	DrugCode      string
	Dose          string
	UnitsPerDose  float64
	Route         string
	Frequency     string
	DurationDays  int
	Instructions  string
	Stop          time.Time // ward orders: the stop date, if any
	Active        bool      // false: a ward order discontinued or completed
	Limit         int64     // units that may be dispensed in all, now
	Dispensed     int64     // units dispensed so far, net of returns
}

// Pending is what may still be dispensed.
func (o Order) Pending() int64 { return max(o.Limit-o.Dispensed, 0) }

// SupplyID is the supply document of an OPD prescription line.
func SupplyID(visitID string, line int) string { return fmt.Sprintf("rx:%s:%d", visitID, line) }

// MedSupplyID is the supply document of a ward medication order.
func MedSupplyID(orderID string) string { return "med:" + orderID }

// Orders returns a worklist item of the pharmacy list and what it is dispensed against.
func (s *Store) Orders(ctx context.Context, itemID string) (worklist.Item, []Order, error) {
	it, err := s.lists.Get(ctx, worklist.Pharmacy, itemID)
	if err != nil {
		return it, nil, err
	}
	orders, err := s.ordersOf(ctx, it)
	return it, orders, err
}

// Dispensing is what the dispense page shows of one item: the item, its orders, whether
// it is still on the list, and the patient's other active medications.
type Dispensing struct {
	Item   worklist.Item
	Orders []Order
	OnList bool
	Others []OtherMed
}

// ForDispensing reads an item (on the list or, for an OPD prescription, off it) with its
// orders and the patient's other active medications, reading the pharmacy list once.
func (s *Store) ForDispensing(ctx context.Context, itemID string) (Dispensing, error) {
	var d Dispensing
	items, _, err := s.lists.Items(ctx, worklist.Pharmacy)
	if err != nil {
		return d, err
	}
	if i := slices.IndexFunc(items, func(it worklist.Item) bool { return it.ID == itemID }); i >= 0 {
		d.Item, d.OnList = items[i], true
		d.Orders, err = s.ordersOf(ctx, d.Item)
	} else {
		d.Item, d.Orders, _, err = s.OrdersAnyState(ctx, itemID)
	}
	if err != nil {
		return d, err
	}
	skip := map[string]bool{}
	for _, o := range d.Orders {
		skip[o.OrderRef] = true
	}
	d.Others, err = s.activeMeds(ctx, d.Item.PatientID, skip, items)
	return d, err
}

// OrdersAnyState is Orders for an item that may have left the list: an OPD prescription
// fully dispensed or closed is rebuilt from its visit (for its lines, labels and returns).
// It reports whether the item is still on the list.
func (s *Store) OrdersAnyState(ctx context.Context, itemID string) (worklist.Item, []Order, bool, error) {
	it, orders, err := s.Orders(ctx, itemID)
	if err == nil || !isNotFound(err) || !strings.HasPrefix(itemID, "rx:") || s.visits == nil {
		return it, orders, err == nil, err
	}
	v, err := s.visits.Visit(ctx, strings.TrimPrefix(itemID, "rx:"))
	if err != nil {
		return it, nil, false, err
	}
	it = worklist.Item{ID: itemID, Kind: worklist.KindOPDRx, Ref: v.ID, PatientID: v.PatientID, MRN: v.MRN, Name: v.Name,
		Where: "OPD · " + v.Department, Status: "done"}
	orders, err = s.ordersOf(ctx, it)
	return it, orders, false, err
}

func (s *Store) ordersOf(ctx context.Context, it worklist.Item) ([]Order, error) {
	now := s.now().UTC()
	switch it.Kind {
	case worklist.KindOPDRx:
		if s.visits == nil {
			return nil, fmt.Errorf("store: pharmacy has no visit reader")
		}
		v, err := s.visits.Visit(ctx, it.Ref)
		if err != nil {
			return nil, err
		}
		var out []Order
		for _, p := range v.ActivePrescriptions() {
			sup, err := s.supply(ctx, SupplyID(v.ID, p.Line))
			if err != nil {
				return nil, err
			}
			out = append(out, Order{Ref: SupplyID(v.ID, p.Line), OrderRef: fmt.Sprintf("%s:%d", v.ID, p.Line), ItemID: it.ID,
				Kind: it.Kind, PatientID: v.PatientID, MRN: v.MRN, Name: v.Name, Encounter: v.ID, EncounterKind: "opd",
				Department: v.Department, DrugCode: p.DrugCode, Dose: p.Dose, UnitsPerDose: p.UnitsPerDose, Route: p.Route,
				Frequency: p.Frequency, DurationDays: p.DurationDays, Instructions: p.Instructions, Active: true,
				Limit: int64(p.Quantity), Dispensed: sup.Dispensed})
		}
		return out, nil
	case worklist.KindIPDMed:
		m := it.Med
		if m == nil {
			return nil, fmt.Errorf("%w: ward order %s has no medication", store.ErrInvalid, it.Ref)
		}
		sup, err := s.supply(ctx, MedSupplyID(it.Ref))
		if err != nil {
			return nil, err
		}
		o := Order{Ref: MedSupplyID(it.Ref), OrderRef: it.Ref, ItemID: it.ID, Kind: it.Kind, PatientID: it.PatientID,
			MRN: it.MRN, Name: it.Name, Encounter: m.AdmissionID, EncounterKind: "ipd", Department: m.Ward,
			DrugCode: m.DrugCode, Dose: m.Dose, UnitsPerDose: m.UnitsPerDose, Route: m.Route, Frequency: m.Frequency,
			Stop: m.Stop, Active: m.Status == "active", Dispensed: sup.Dispensed}
		if m.PRN {
			o.Instructions = "when needed"
		}
		o.Limit = WardAllowance(*m, sup.From, now)
		if !o.Active {
			o.Limit = sup.Dispensed // nothing more; what was supplied stays returnable
		}
		return o.withLimit(), nil
	}
	return nil, fmt.Errorf("%w: worklist item kind %s", store.ErrInvalid, it.Kind)
}

func (o Order) withLimit() []Order { return []Order{o} }

// SupplyHours is how far ahead a ward supply reaches by default.
const SupplyHours = 24

// prnDosesPerDay is assumed for a when-needed (SOS) ward order: at most four doses a day.
const prnDosesPerDay = 4

// WardAllowance is how many units a ward order may have received in all by now. Supplies
// run in 24-hour cycles from the first supply (or the order's start, if later): by now
// the ward may hold dose × frequency for every cycle begun, cut at the stop date. A STAT
// order is one dose.
func WardAllowance(m worklist.MedOrder, firstSupply, now time.Time) int64 {
	f, ok := opd.FrequencyOf(m.Frequency)
	if !ok || m.UnitsPerDose <= 0 {
		return 0
	}
	if f.Once {
		return int64(math.Ceil(m.UnitsPerDose - 1e-9))
	}
	from := firstSupply
	if from.IsZero() {
		from = now
	}
	if m.Start.After(from) {
		from = m.Start
	}
	cycle := SupplyHours * time.Hour
	cycles := 1 + max(now.Sub(from), 0)/cycle
	until := from.Add(cycles * cycle)
	if !m.Stop.IsZero() && m.Stop.Before(until) {
		until = m.Stop
	}
	if !until.After(from) {
		return 0
	}
	perDay := f.DosesPerDay()
	if f.AsNeeded || strings.EqualFold(m.Frequency, "SOS") {
		perDay = prnDosesPerDay
	}
	doses := math.Ceil(perDay*until.Sub(from).Hours()/24 - 1e-9)
	return int64(math.Ceil(doses*m.UnitsPerDose - 1e-9))
}
