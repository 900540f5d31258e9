package opd

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/catalog"
	"hms/store/guard"
	"hms/store/worklist"
)

// Order kinds, priorities and states.
const (
	OrderLab       = "lab"
	OrderRadiology = "radiology"

	PriorityRoutine = "routine"
	PriorityUrgent  = "urgent"
	PrioritySTAT    = "stat"

	OrderOrdered   = "ordered"
	OrderCancelled = "cancelled"
)

// OrderPriorities in the order forms offer them.
var OrderPriorities = []string{PriorityRoutine, PriorityUrgent, PrioritySTAT}

// Exam is an orderable radiology (or cardiology) exam; its price comes from ServiceCode.
type Exam struct {
	Code, Name, Modality, ServiceCode string
}

// RadiologyExams are the exams the OPD can order. Their service codes are the price
// list's; RAD-MRI-KNEE is not on the demo price list yet (the radiology issue adds it).
var RadiologyExams = []Exam{
	{"XR-CHEST-PA", "X-ray chest PA view", "XR", "RAD-XR-CHEST"},
	{"XR-LIMB", "X-ray extremity (2 views)", "XR", "RAD-XR-LIMB"},
	{"XR-KNEE", "X-ray knee AP and lateral", "XR", "RAD-XR-LIMB"},
	{"USG-ABD", "Ultrasound abdomen and pelvis", "US", "RAD-USG-ABD"},
	{"USG-OBS", "Obstetric ultrasound", "US", "RAD-USG-OBS"},
	{"CT-HEAD", "CT head – plain", "CT", "RAD-CT-HEAD"},
	{"MRI-BRAIN", "MRI brain – plain", "MR", "RAD-MRI-BRAIN"},
	{"MRI-KNEE", "MRI knee – plain", "MR", "RAD-MRI-KNEE"},
	{"ECG", "ECG – 12 lead", "ECG", "PROC-ECG"},
	{"ECHO", "2D echocardiography", "US", "PROC-ECHO"},
}

// ExamByCode returns a radiology exam by code.
func ExamByCode(code string) (Exam, bool) {
	i := slices.IndexFunc(RadiologyExams, func(e Exam) bool { return strings.EqualFold(e.Code, strings.TrimSpace(code)) })
	if i < 0 {
		return Exam{}, false
	}
	return RadiologyExams[i], true
}

// Order is a lab test or radiology exam ordered on a visit; DocID is its document in
// lab_orders or radiology_orders, which the lab and radiology worklists read.
type Order struct {
	Line         int       `bson:"line"`
	Kind         string    `bson:"kind"`
	Code         string    `bson:"code"`
	Name         string    `bson:"name"`
	ServiceCode  string    `bson:"service_code"`
	Priority     string    `bson:"priority"`
	Notes        string    `bson:"notes,omitempty"`
	Status       string    `bson:"status"`
	CancelReason string    `bson:"cancel_reason,omitempty"`
	DocID        string    `bson:"doc_id"`
	By           string    `bson:"by"`
	At           time.Time `bson:"at"`
}

// OrderInput is what the doctor enters for an order.
type OrderInput struct {
	Code     string // lab test code or exam code
	Priority string // "" = routine
	Notes    string // clinical notes for the lab or radiologist
}

// OrderDoc is an order as the lab and radiology worklists receive it: _id is
// <visit>-L<line> (lab) or <visit>-R<line> (radiology), so storing it again is a no-op.
type OrderDoc struct {
	ID            string    `bson:"_id"`
	VisitID       string    `bson:"visit_id"`
	Line          int       `bson:"line"`
	Source        string    `bson:"source"` // opd
	PatientID     string    `bson:"patient_id"`
	MRN           string    `bson:"mrn"`
	Name          string    `bson:"name"`
	AgeSex        string    `bson:"age_sex"`
	Doctor        string    `bson:"doctor"` // ordering doctor
	DoctorName    string    `bson:"doctor_name"`
	Department    string    `bson:"department"`
	Code          string    `bson:"code"` // lab test or exam code
	TestName      string    `bson:"name_of_test"`
	ServiceCode   string    `bson:"service_code"`
	Specimen      string    `bson:"specimen,omitempty"`   // lab
	Container     string    `bson:"container,omitempty"`  // lab
	Components    []string  `bson:"components,omitempty"` // lab panel members
	Modality      string    `bson:"modality,omitempty"`   // radiology
	Priority      string    `bson:"priority"`
	ClinicalNotes string    `bson:"clinical_notes,omitempty"`
	Status        string    `bson:"status"`
	OrderedAt     time.Time `bson:"ordered_at"`
	OrderedBy     string    `bson:"ordered_by"`
	CancelReason  string    `bson:"cancel_reason,omitempty"`
	catalog.Stamp `bson:",inline"`
}

func orderDocID(visit, kind string, line int) string {
	if kind == OrderLab {
		return fmt.Sprintf("%s-L%d", visit, line)
	}
	return fmt.Sprintf("%s-R%d", visit, line)
}

// AddLabOrder orders a lab test (or panel) from the lab catalogue.
func (s *Store) AddLabOrder(ctx context.Context, id string, in OrderInput, by string) (Visit, error) {
	t, err := s.LabTest(ctx, strings.TrimSpace(in.Code))
	if err != nil {
		return Visit{}, err
	}
	if t.ServiceCode == "" {
		return Visit{}, fmt.Errorf("%w: %s is not orderable on its own", store.ErrInvalid, t.Name)
	}
	return s.addOrder(ctx, id, Order{Kind: OrderLab, Code: t.Code, Name: t.Name, ServiceCode: t.ServiceCode}, in, by)
}

// AddRadiologyOrder orders a radiology exam from RadiologyExams.
func (s *Store) AddRadiologyOrder(ctx context.Context, id string, in OrderInput, by string) (Visit, error) {
	e, ok := ExamByCode(in.Code)
	if !ok {
		return Visit{}, fmt.Errorf("%w: exam %q", store.ErrNotFound, in.Code)
	}
	return s.addOrder(ctx, id, Order{Kind: OrderRadiology, Code: e.Code, Name: e.Name, ServiceCode: e.ServiceCode}, in, by)
}

func (s *Store) addOrder(ctx context.Context, id string, o Order, in OrderInput, by string) (Visit, error) {
	o.Priority = cmp.Or(strings.ToLower(strings.TrimSpace(in.Priority)), PriorityRoutine)
	if !slices.Contains(OrderPriorities, o.Priority) {
		return Visit{}, fmt.Errorf("%w: priority %q", store.ErrInvalid, in.Priority)
	}
	o.Notes, o.Status, o.By, o.At = strings.TrimSpace(in.Notes), OrderOrdered, by, s.now().UTC()
	return s.edit(ctx, id, by, consulting, func(v Visit) (visitWrite, error) {
		line := 0
		for _, x := range v.Orders {
			if x.Kind == o.Kind && x.Code == o.Code && x.Status == OrderOrdered {
				return visitWrite{}, fmt.Errorf("%w: %s is already ordered", store.ErrDuplicate, o.Name)
			}
			line = max(line, x.Line)
		}
		o.Line = line + 1
		o.DocID = orderDocID(v.ID, o.Kind, o.Line)
		return visitWrite{push: bson.D{{Key: "orders", Value: o}}, pending: []string{fmt.Sprintf("%s:%d", followOrder, o.Line)}}, nil
	})
}

// placeOrder stores the order document of a visit's order line (insert-once by _id).
func (s *Store) placeOrder(ctx context.Context, v Visit, line int) error {
	i := slices.IndexFunc(v.Orders, func(o Order) bool { return o.Line == line })
	if i < 0 {
		return nil
	}
	o := v.Orders[i]
	d := OrderDoc{ID: o.DocID, VisitID: v.ID, Line: o.Line, Source: "opd", PatientID: v.PatientID, MRN: v.MRN, Name: v.Name,
		AgeSex: v.AgeSex, Doctor: v.Doctor, DoctorName: v.DoctorName, Department: v.Department,
		Code: o.Code, TestName: o.Name, ServiceCode: o.ServiceCode, Priority: o.Priority, ClinicalNotes: o.Notes,
		Status: OrderOrdered, OrderedAt: o.At, OrderedBy: o.By, Stamp: stamp(o.At, o.By)}
	if o.Kind == OrderLab {
		t, err := s.LabTest(ctx, o.Code)
		if err != nil {
			return err
		}
		d.Specimen, d.Container, d.Components = t.Specimen, t.Container, t.Components
	} else if e, ok := ExamByCode(o.Code); ok {
		d.Modality = e.Modality
	}
	return s.PlaceOrderDoc(ctx, o.Kind, d)
}

// PlaceOrderDoc stores an order document (insert-once by its _id) and, for a lab order,
// puts it on the lab's worklist. The ward places its lab and radiology orders through it
// too (Source "ipd", VisitID the admission), so every worklist sees one shape.
func (s *Store) PlaceOrderDoc(ctx context.Context, kind string, d OrderDoc) error {
	c := s.radOrders
	if kind == OrderLab {
		c = s.labOrders
	}
	if _, err := c.W.InsertOne(ctx, d); err != nil && !store.IsDuplicate(err) {
		return fmt.Errorf("store: order %s: %w", d.ID, err)
	}
	if kind != OrderLab {
		return nil
	}
	where := "OPD · " + d.Department
	if d.Source != "opd" {
		where = strings.ToUpper(d.Source) + " · " + d.Department
	}
	return s.lists.Add(ctx, worklist.Lab, worklist.Item{ID: d.ID, Kind: worklist.KindLabOrder, Ref: d.ID,
		PatientID: d.PatientID, MRN: d.MRN, Name: d.Name, Where: where, Priority: d.Priority, Status: d.Status,
		Summary: d.TestName, At: d.OrderedAt})
}

// Order returns an order document (lab or radiology) by its _id.
func (s *Store) Order(ctx context.Context, kind, docID string) (OrderDoc, error) {
	c := s.radOrders
	if kind == OrderLab {
		c = s.labOrders
	}
	return byID[OrderDoc](ctx, c, docID, "order")
}

// CancelOrder cancels an order the lab or radiology has not started on: the order
// document first (it is what the worklist acts on), then the visit's line.
func (s *Store) CancelOrder(ctx context.Context, id string, line int, reason, by string) (Visit, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Visit{}, fmt.Errorf("%w: a reason is required to cancel an order", store.ErrInvalid)
	}
	v, err := s.Visit(ctx, id)
	if err != nil {
		return v, err
	}
	i := slices.IndexFunc(v.Orders, func(o Order) bool { return o.Line == line })
	if i < 0 {
		return v, fmt.Errorf("%w: order line %d", store.ErrNotFound, line)
	}
	o := v.Orders[i]
	if o.Status == OrderCancelled {
		return v, ErrAlreadyDone
	}
	if err := s.placeOrder(ctx, v, line); err != nil {
		return v, err
	}
	coll := store.CollRadiologyOrders
	if o.Kind == OrderLab {
		coll = store.CollLabOrders
	}
	now := s.now().UTC()
	ok, err := guard.Update(ctx, s.db, coll, o.DocID, []guard.Cond{guard.Eq("status", OrderOrdered)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: OrderCancelled}, {Key: "cancel_reason", Value: reason},
			{Key: "updated_at", Value: now}, {Key: "updated_by", Value: by}}}}, nil)
	if err != nil {
		return v, err
	}
	if !ok {
		d, err := s.Order(ctx, o.Kind, o.DocID)
		if err != nil {
			return v, err
		}
		if d.Status != OrderCancelled {
			return v, fmt.Errorf("%w: the order is already %s", store.ErrInvalid, d.Status)
		}
	}
	return s.edit(ctx, id, by, orderCancelStates, func(v Visit) (visitWrite, error) {
		list := slices.Clone(v.Orders)
		for i := range list {
			if list[i].Line == line {
				list[i].Status, list[i].CancelReason = OrderCancelled, reason
			}
		}
		return visitWrite{set: bson.D{{Key: "orders", Value: list}}}, nil
	})
}

// orderCancelStates are the states in which orders can be cancelled from the visit.
var orderCancelStates = []string{StateWithDoctor, StateCompleted}
