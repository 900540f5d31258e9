package ipd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
	"hms/store/opd"
	"hms/store/worklist"
)

// Order kinds.
const (
	KindMedication = "medication"
	KindLab        = "lab"
	KindRadiology  = "radiology"
	KindDiet       = "diet"
	KindNursing    = "nursing"
	KindActivity   = "activity"
)

// Kinds in the order forms offer them, with the letter of their ids and their names.
var (
	Kinds      = []string{KindMedication, KindLab, KindRadiology, KindDiet, KindNursing, KindActivity}
	kindLetter = map[string]string{KindMedication: "M", KindLab: "L", KindRadiology: "R", KindDiet: "D", KindNursing: "N", KindActivity: "A"}
	KindLabels = map[string]string{KindMedication: "Medication", KindLab: "Lab", KindRadiology: "Radiology", KindDiet: "Diet",
		KindNursing: "Nursing", KindActivity: "Activity"}
)

// Order states: ordered → active (acknowledged by a nurse) → completed or discontinued.
const (
	OrderOrdered      = "ordered"
	OrderActive       = "active"
	OrderCompleted    = "completed"
	OrderDiscontinued = "discontinued"
)

// OrderStateLabels are the names people read.
var OrderStateLabels = map[string]string{OrderOrdered: "New – not acknowledged", OrderActive: "Acknowledged · active",
	OrderCompleted: "Completed", OrderDiscontinued: "Discontinued"}

// Order is one doctor order of a stay.
type Order struct {
	ID            string    `bson:"id"` // <admission>-M3: M medication, L lab, R radiology, D diet, N nursing, A activity
	Kind          string    `bson:"kind"`
	Summary       string    `bson:"summary"` // one line as lists show it
	DrugCode      string    `bson:"drug_code,omitempty"`
	DrugName      string    `bson:"drug_name,omitempty"`
	Dose          string    `bson:"dose,omitempty"`
	UnitsPerDose  float64   `bson:"units_per_dose,omitempty"`
	Route         string    `bson:"route,omitempty"`
	Frequency     string    `bson:"frequency,omitempty"`
	PRN           bool      `bson:"prn,omitempty"`
	Code          string    `bson:"code,omitempty"` // lab test or exam
	Priority      string    `bson:"priority,omitempty"`
	DocID         string    `bson:"doc_id,omitempty"` // lab_orders / radiology_orders _id
	Text          string    `bson:"text,omitempty"`   // diet, nursing instruction, activity; notes
	EveryHours    int       `bson:"every_hours,omitempty"`
	Start         time.Time `bson:"start"`
	Stop          time.Time `bson:"stop,omitempty"`
	Status        string    `bson:"status"`
	OrderedAt     time.Time `bson:"ordered_at"`
	OrderedBy     string    `bson:"ordered_by"`
	OrderedByName string    `bson:"ordered_by_name"`
	AckAt         time.Time `bson:"ack_at,omitempty"`
	AckBy         string    `bson:"ack_by,omitempty"`
	EndedAt       time.Time `bson:"ended_at,omitempty"`
	EndedBy       string    `bson:"ended_by,omitempty"`
	EndReason     string    `bson:"end_reason,omitempty"`
	Sent          bool      `bson:"sent"` // handed to the pharmacy, lab or radiology (Repair resends an unsent one)
}

// Open reports whether the order is still to be carried out.
func (o Order) Open() bool { return o.Status == OrderOrdered || o.Status == OrderActive }

// orderList is one admission's orders, changed only by a write guarded on its version.
type orderList struct {
	ID      string  `bson:"_id"`
	Version int64   `bson:"version"`
	Next    int     `bson:"next"`
	Orders  []Order `bson:"orders"`
}

// Orders returns an admission's orders, newest first, and the list's version.
func (s *Store) Orders(ctx context.Context, admID string) ([]Order, int64, error) {
	l, err := byID[orderList](ctx, s.orders, admID, "orders")
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, nil
	}
	out := slices.Clone(l.Orders)
	slices.Reverse(out)
	return out, l.Version, err
}

// OrderByID returns one order of an admission.
func (s *Store) OrderByID(ctx context.Context, admID, orderID string) (Order, error) {
	list, _, err := s.Orders(ctx, admID)
	if err != nil {
		return Order{}, err
	}
	if i := slices.IndexFunc(list, func(o Order) bool { return o.ID == orderID }); i >= 0 {
		return list[i], nil
	}
	return Order{}, fmt.Errorf("%w: order %s", store.ErrNotFound, orderID)
}

// changeOrders reads the list, lets fn change it and writes it back if its version is
// still the one read (retrying otherwise); it returns the list as written.
func (s *Store) changeOrders(ctx context.Context, admID string, fn func(*orderList) error) (orderList, error) {
	for attempt := 0; attempt < 20; attempt++ {
		l, err := byID[orderList](ctx, s.orders, admID, "orders")
		if errors.Is(err, store.ErrNotFound) {
			_, err = s.orders.W.InsertOne(ctx, orderList{ID: admID, Version: 0, Orders: []Order{}})
			if err != nil && !store.IsDuplicate(err) {
				return l, fmt.Errorf("store: orders of %s: %w", admID, err)
			}
			continue
		}
		if err != nil {
			return l, err
		}
		next := l
		next.Orders = slices.Clone(l.Orders)
		if err := fn(&next); err != nil {
			return l, err
		}
		next.Version = l.Version + 1
		ok, err := guard.Update(ctx, s.db, store.CollIPDOrders, admID, []guard.Cond{guard.Eq("version", l.Version)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "orders", Value: next.Orders}, {Key: "next", Value: next.Next},
				{Key: "version", Value: next.Version}}}}, nil)
		if err != nil {
			return l, err
		}
		if ok {
			return next, nil
		}
	}
	return orderList{}, store.ErrConflict
}

// OrderInput is what the doctor enters.
type OrderInput struct {
	Kind       string
	DrugCode   string // medication
	Dose       string
	Route      string
	Frequency  string // opd.FrequencyOf codes
	PRN        bool
	Start      time.Time // zero: now
	Stop       time.Time // zero: until discontinued
	Code       string    // lab test or exam code
	Priority   string    // lab, radiology; medication: stat or routine
	Text       string    // diet, nursing, activity; notes for lab and radiology
	EveryHours int       // nursing: a care task every n hours (0: an instruction only)
	ByName     string
}

// AddOrder records a doctor order on an active admission. A medication order goes on the
// pharmacy's worklist; a lab or radiology order becomes an order document of the lab or
// radiology (through the OPD's PlaceOrderDoc, Source "ipd").
func (s *Store) AddOrder(ctx context.Context, admID string, in OrderInput, by string) (Order, error) {
	a, err := s.Admission(ctx, admID)
	if err != nil {
		return Order{}, err
	}
	if !a.Active() {
		return Order{}, fmt.Errorf("%w: the patient has left the ward", store.ErrInvalid)
	}
	now := s.now().UTC()
	o, err := s.buildOrder(ctx, in, now)
	if err != nil {
		return o, err
	}
	o.OrderedAt, o.OrderedBy, o.OrderedByName, o.Status = now, by, in.ByName, OrderOrdered
	l, err := s.changeOrders(ctx, admID, func(l *orderList) error {
		l.Next++
		o.ID = fmt.Sprintf("%s-%s%d", admID, kindLetter[o.Kind], l.Next)
		if o.Kind == KindLab || o.Kind == KindRadiology {
			o.DocID = o.ID
		}
		l.Orders = append(l.Orders, o)
		return nil
	})
	if err != nil {
		return o, err
	}
	if err := s.sendOrder(ctx, a, o); err != nil {
		return o, err
	}
	if l, err = s.markSent(ctx, admID, o.ID); err != nil {
		return o, err
	}
	o.Sent = true
	s.syncOrdersTile(ctx, a, l)
	return o, nil
}

// markSent records that an order has reached the department that supplies it.
func (s *Store) markSent(ctx context.Context, admID, orderID string) (orderList, error) {
	return s.changeOrders(ctx, admID, func(l *orderList) error {
		for i := range l.Orders {
			if l.Orders[i].ID == orderID {
				l.Orders[i].Sent = true
			}
		}
		return nil
	})
}

// resendOrders hands on the open orders of an admission that a crash kept from their
// department (the order was stored, the hand-off not); it reports how many.
func (s *Store) resendOrders(ctx context.Context, a Admission) (int, error) {
	list, _, err := s.Orders(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range list {
		if o.Sent || !o.Open() || (o.Kind != KindMedication && o.Kind != KindLab && o.Kind != KindRadiology) {
			continue
		}
		if err := s.sendOrder(ctx, a, o); err != nil {
			return n, err
		}
		if _, err := s.markSent(ctx, a.ID, o.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Store) buildOrder(ctx context.Context, in OrderInput, now time.Time) (Order, error) {
	o := Order{Kind: in.Kind, Start: in.Start.UTC(), Stop: in.Stop.UTC(), Text: strings.TrimSpace(in.Text)}
	if in.Start.IsZero() {
		o.Start = now
	}
	if in.Stop.IsZero() {
		o.Stop = time.Time{}
	} else if !o.Stop.After(o.Start) {
		return o, fmt.Errorf("%w: the stop time must be after the start", store.ErrInvalid)
	}
	switch in.Kind {
	case KindMedication:
		d, err := s.opd.Drug(ctx, strings.TrimSpace(in.DrugCode))
		if err != nil {
			return o, err
		}
		f, ok := opd.FrequencyOf(in.Frequency)
		if !ok {
			return o, fmt.Errorf("%w: frequency %q", store.ErrInvalid, in.Frequency)
		}
		o.Dose, o.Route = strings.TrimSpace(in.Dose), strings.TrimSpace(in.Route)
		if o.Dose == "" {
			return o, fmt.Errorf("%w: the dose is required", store.ErrInvalid)
		}
		if o.Route == "" {
			o.Route = d.Route
		}
		o.DrugCode, o.DrugName, o.Frequency, o.PRN, o.UnitsPerDose = d.Code, d.Generic+" "+d.Strength, f.Code, in.PRN || f.AsNeeded, 1
		o.Priority = worklist.PriorityRoutine
		if f.Once || in.Priority == worklist.PriorityStat {
			o.Priority = worklist.PriorityStat
		}
		o.Summary = fmt.Sprintf("%s %s %s %s", o.DrugName, o.Dose, o.Route, o.Frequency)
		if o.PRN && !f.AsNeeded {
			o.Summary += " PRN"
		}
	case KindLab:
		t, err := s.opd.LabTest(ctx, strings.TrimSpace(in.Code))
		if err != nil {
			return o, err
		}
		if t.ServiceCode == "" {
			return o, fmt.Errorf("%w: %s is not orderable on its own", store.ErrInvalid, t.Name)
		}
		o.Code, o.Summary = t.Code, t.Name
	case KindRadiology:
		e, ok := opd.ExamByCode(in.Code)
		if !ok {
			return o, fmt.Errorf("%w: exam %q", store.ErrNotFound, in.Code)
		}
		o.Code, o.Summary = e.Code, e.Name
	case KindDiet, KindNursing, KindActivity:
		if o.Text == "" {
			return o, fmt.Errorf("%w: write the instruction", store.ErrInvalid)
		}
		if in.EveryHours < 0 || in.EveryHours > 168 || (in.EveryHours > 0 && in.Kind != KindNursing) {
			return o, fmt.Errorf("%w: a care task repeats every 1–168 hours (nursing orders only)", store.ErrInvalid)
		}
		o.EveryHours, o.Summary = in.EveryHours, o.Text
		if o.EveryHours > 0 {
			o.Summary += fmt.Sprintf(" · every %d h", o.EveryHours)
		}
	default:
		return o, fmt.Errorf("%w: order kind %q", store.ErrInvalid, in.Kind)
	}
	if o.Kind == KindLab || o.Kind == KindRadiology {
		o.Priority = strings.ToLower(strings.TrimSpace(in.Priority))
		if o.Priority == "" {
			o.Priority = opd.PriorityRoutine
		}
		if !slices.Contains(opd.OrderPriorities, o.Priority) {
			return o, fmt.Errorf("%w: priority %q", store.ErrInvalid, in.Priority)
		}
	}
	return o, nil
}

// sendOrder hands an order to the department that supplies it; each hand-off is
// idempotent (fixed ids), so it may be sent again.
func (s *Store) sendOrder(ctx context.Context, a Admission, o Order) error {
	switch o.Kind {
	case KindMedication:
		return s.lists.Add(ctx, worklist.Pharmacy, worklist.Item{ID: "med:" + o.ID, Kind: worklist.KindIPDMed, Ref: o.ID,
			PatientID: a.PatientID, MRN: a.MRN, Name: a.Name, Where: "Ward " + a.Ward + " · bed " + a.BedCode,
			Priority: o.Priority, Status: "active", Summary: o.Summary, At: o.OrderedAt, Med: medCopy(a, o)})
	case KindLab, KindRadiology:
		kind := opd.OrderLab
		if o.Kind == KindRadiology {
			kind = opd.OrderRadiology
		}
		d := opd.OrderDoc{ID: o.DocID, VisitID: a.ID, Source: "ipd", PatientID: a.PatientID, MRN: a.MRN, Name: a.Name,
			AgeSex: a.AgeSex(o.OrderedAt), Doctor: o.OrderedBy, DoctorName: o.OrderedByName, Department: a.Department,
			Code: o.Code, TestName: o.Summary, Priority: o.Priority, ClinicalNotes: o.Text, Status: opd.OrderOrdered,
			OrderedAt: o.OrderedAt, OrderedBy: o.OrderedBy}
		d.CreatedAt, d.CreatedBy, d.UpdatedAt, d.UpdatedBy = o.OrderedAt, o.OrderedBy, o.OrderedAt, o.OrderedBy
		if kind == opd.OrderLab {
			t, err := s.opd.LabTest(ctx, o.Code)
			if err != nil {
				return err
			}
			d.ServiceCode, d.Specimen, d.Container, d.Components = t.ServiceCode, t.Specimen, t.Container, t.Components
		} else if e, ok := opd.ExamByCode(o.Code); ok {
			d.ServiceCode, d.Modality = e.ServiceCode, e.Modality
		}
		if n := strings.LastIndex(o.ID, "-"); n > 0 {
			fmt.Sscanf(o.ID[n+2:], "%d", &d.Line)
		}
		return s.opd.PlaceOrderDoc(ctx, kind, d)
	}
	return nil
}

func medCopy(a Admission, o Order) *worklist.MedOrder {
	st := "active"
	if !o.Open() {
		st = o.Status
	}
	stop := o.Stop
	if !o.EndedAt.IsZero() {
		stop = o.EndedAt
	}
	return &worklist.MedOrder{AdmissionID: a.ID, Ward: a.Ward, Bed: a.BedCode, DrugCode: o.DrugCode, Dose: o.Dose,
		UnitsPerDose: o.UnitsPerDose, Route: o.Route, Frequency: o.Frequency, PRN: o.PRN, Start: o.Start, Stop: stop,
		Status: st, OrderedBy: o.OrderedBy}
}

// syncOrdersTile copies the count of unacknowledged orders onto the admission (only a
// newer orders version overwrites an older one) and the next dose due; then the board moves.
func (s *Store) syncOrdersTile(ctx context.Context, a Admission, l orderList) {
	unacked := 0
	for _, o := range l.Orders {
		if o.Status == OrderOrdered {
			unacked++
		}
	}
	_, err := guard.Update(ctx, s.db, store.CollAdmissions, a.ID, []guard.Cond{guard.Below("orders_rev", l.Version)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "unacked", Value: unacked}, {Key: "orders_rev", Value: l.Version}}}}, nil)
	if err != nil {
		s.log.Warn("ward tile: orders", "admission", a.ID, "err", err)
	}
	s.refreshDue(ctx, a.ID, l.Orders)
	s.bump(ctx, a.Ward)
}

// endStates are the orders' final states.
var endStates = []string{OrderCompleted, OrderDiscontinued}

// SetOrderState moves an order on: a nurse acknowledges (ordered → active); the doctor
// discontinues (with a reason) or completes it. A medication order's copy on the
// pharmacy's worklist follows.
func (s *Store) SetOrderState(ctx context.Context, admID, orderID, to, reason, by string) (Order, error) {
	reason = strings.TrimSpace(reason)
	if to == OrderDiscontinued && reason == "" {
		return Order{}, fmt.Errorf("%w: a reason is required to discontinue an order", store.ErrInvalid)
	}
	a, err := s.Admission(ctx, admID)
	if err != nil {
		return Order{}, err
	}
	now := s.now().UTC()
	var changed Order
	l, err := s.changeOrders(ctx, admID, func(l *orderList) error {
		i := slices.IndexFunc(l.Orders, func(o Order) bool { return o.ID == orderID })
		if i < 0 {
			return fmt.Errorf("%w: order %s", store.ErrNotFound, orderID)
		}
		o := &l.Orders[i]
		switch {
		case to == OrderActive && o.Status == OrderOrdered:
			o.AckAt, o.AckBy = now, by
		case slices.Contains(endStates, to) && o.Open():
			o.EndedAt, o.EndedBy, o.EndReason = now, by, reason
		default:
			return fmt.Errorf("%w: the order is %s", store.ErrInvalid, strings.ToLower(OrderStateLabels[o.Status]))
		}
		o.Status = to
		changed = *o
		return nil
	})
	if err != nil {
		return changed, err
	}
	if err := s.orderEnded(ctx, a, changed); err != nil {
		return changed, err
	}
	s.syncOrdersTile(ctx, a, l)
	return changed, nil
}

// orderEnded tells the supplying department that an order has ended.
func (s *Store) orderEnded(ctx context.Context, a Admission, o Order) error {
	if o.Open() {
		return nil
	}
	switch o.Kind {
	case KindMedication:
		err := s.lists.Update(ctx, worklist.Pharmacy, "med:"+o.ID, func(it *worklist.Item) {
			it.Med = medCopy(a, o)
			it.Status = o.Status
		})
		if errors.Is(err, store.ErrNotFound) {
			return nil // the pharmacy has finished with it already
		}
		return err
	case KindLab, KindRadiology:
		if o.Status != OrderDiscontinued {
			return nil
		}
		coll := store.CollRadiologyOrders
		if o.Kind == KindLab {
			coll = store.CollLabOrders
		}
		// Only an order the lab or radiology has not started on is cancelled; one already
		// under way stays theirs to finish.
		_, err := guard.Update(ctx, s.db, coll, o.DocID, []guard.Cond{guard.Eq("status", opd.OrderOrdered)},
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: opd.OrderCancelled}, {Key: "cancel_reason", Value: o.EndReason},
				{Key: "updated_at", Value: o.EndedAt}, {Key: "updated_by", Value: o.EndedBy}}}}, nil)
		if err == nil && o.Kind == KindLab {
			if serr := s.lists.SetStatus(ctx, worklist.Lab, o.DocID, opd.OrderCancelled); serr != nil && !errors.Is(serr, store.ErrNotFound) {
				return serr
			}
		}
		return err
	}
	return nil
}

// CancelOpenOrders discontinues every open order of an admission (a death); it reports
// how many. Orders already ended are left as they are, so it can be re-applied.
func (s *Store) CancelOpenOrders(ctx context.Context, admID, reason, by string) (int, error) {
	list, _, err := s.Orders(ctx, admID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range list {
		if !o.Open() {
			continue
		}
		if _, err := s.SetOrderState(ctx, admID, o.ID, OrderDiscontinued, reason, by); err != nil && !errors.Is(err, store.ErrInvalid) {
			return n, err
		}
		n++
	}
	return n, nil
}
