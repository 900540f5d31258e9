package ipd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
)

// AdminTimes are the hospital's standard administration times of each scheduled
// frequency (opd.FrequencyOf codes), in the hospital's zone. STAT is given at the start,
// SOS and PRN orders only when needed; WEEKLY on the start's weekday.
var AdminTimes = map[string][]string{
	"OD": {"08:00"}, "BD": {"08:00", "20:00"}, "TDS": {"08:00", "14:00", "20:00"},
	"QID": {"06:00", "12:00", "18:00", "22:00"}, "HS": {"22:00"}, "Q6H": {"00:00", "06:00", "12:00", "18:00"},
	"Q8H": {"06:00", "14:00", "22:00"}, "WEEKLY": {"08:00"},
}

// Dose states: a medication given, held or refused; a care task done or not done.
const (
	DoseGiven   = "given"
	DoseHeld    = "held"
	DoseRefused = "refused"
	TaskDone    = "done"
	TaskNotDone = "not_done"
)

// DoseLabels are the names people read.
var DoseLabels = map[string]string{DoseGiven: "Given", DoseHeld: "Held", DoseRefused: "Refused", TaskDone: "Done", TaskNotDone: "Not done"}

// SlotLayout writes a scheduled time in a dose's id, in the hospital's zone.
const SlotLayout = "2006-01-02T1504"

// Dose is the record of one scheduled (or as-needed) administration, or of one care
// task. Its _id is <order>@<slot> (or <order>@prn-<token> for an as-needed dose), and
// it is inserted once: a double-submitted dose is recorded once.
type Dose struct {
	ID          string    `bson:"_id"`
	AdmissionID string    `bson:"admission_id"`
	OrderID     string    `bson:"order_id"`
	PatientID   string    `bson:"patient_id"`
	Slot        time.Time `bson:"slot,omitempty"` // the scheduled time; zero for as-needed
	Status      string    `bson:"status"`
	Reason      string    `bson:"reason,omitempty"`
	Barcode     string    `bson:"barcode,omitempty"` // the dispensed item scanned
	At          time.Time `bson:"at"`
	By          string    `bson:"by"`
	ByName      string    `bson:"by_name"`
}

// doseID is the id of the record of an order's slot.
func (s *Store) doseID(orderID string, slot time.Time) string {
	return orderID + "@" + slot.In(s.loc).Format(SlotLayout)
}

// Slots are the scheduled times of an order on a date (hospital zone), within the
// order's start and its stop or end.
func (s *Store) Slots(o Order, date string) []time.Time {
	day, err := time.ParseInLocation(DateLayout, date, s.loc)
	if err != nil {
		return nil
	}
	var times []time.Time
	switch {
	case o.Kind == KindMedication && o.Frequency == "STAT":
		if s.DateOf(o.Start) == date {
			return []time.Time{o.Start.Truncate(time.Minute)}
		}
		return nil
	case o.Kind == KindMedication && !o.PRN:
		for _, hm := range AdminTimes[o.Frequency] {
			var h, m int
			fmt.Sscanf(hm, "%d:%d", &h, &m)
			t := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, s.loc)
			if o.Frequency == "WEEKLY" && t.Weekday() != o.Start.In(s.loc).Weekday() {
				continue
			}
			times = append(times, t)
		}
	case o.Kind == KindNursing && o.EveryHours > 0:
		start := o.Start.In(s.loc).Truncate(time.Minute)
		step := time.Duration(o.EveryHours) * time.Hour
		t := start
		if day.After(start) {
			t = start.Add(day.Sub(start).Truncate(step))
		}
		for ; t.Before(day.AddDate(0, 0, 1)); t = t.Add(step) {
			if !t.Before(day) {
				times = append(times, t)
			}
		}
	}
	end := o.Stop
	if !o.EndedAt.IsZero() && (end.IsZero() || o.EndedAt.Before(end)) {
		end = o.EndedAt
	}
	return slices.DeleteFunc(times, func(t time.Time) bool {
		return t.Before(o.Start.Truncate(time.Minute)) || (!end.IsZero() && !t.Before(end))
	})
}

// Scheduled is an order's slot with its record, if recorded.
type Scheduled struct {
	At   time.Time
	Key  string // the slot as the form sends it back
	Dose *Dose
}

// ScheduleRow is one order on the MAR (or the care-task list) of a day.
type ScheduleRow struct {
	Order Order
	Slots []Scheduled
	PRN   []Dose // as-needed doses recorded that day
}

// Schedule is the day's MAR and care tasks of an admission: every medication order and
// every repeating nursing task that is open or has slots that day, with each slot's
// record read by its _id.
func (s *Store) Schedule(ctx context.Context, admID, date string) ([]ScheduleRow, error) {
	list, _, err := s.Orders(ctx, admID)
	if err != nil {
		return nil, err
	}
	ch, err := s.Chart(ctx, admID)
	if err != nil {
		return nil, err
	}
	var out []ScheduleRow
	for _, o := range list {
		if o.Kind != KindMedication && !(o.Kind == KindNursing && o.EveryHours > 0) {
			continue
		}
		row := ScheduleRow{Order: o}
		for _, t := range s.Slots(o, date) {
			sc := Scheduled{At: t, Key: t.In(s.loc).Format(SlotLayout)}
			d, err := byID[Dose](ctx, s.doses, s.doseID(o.ID, t), "dose")
			switch {
			case err == nil:
				sc.Dose = &d
			case !errors.Is(err, store.ErrNotFound):
				return nil, err
			}
			row.Slots = append(row.Slots, sc)
		}
		for _, d := range ch.PRN {
			if d.OrderID == o.ID && s.DateOf(d.At) == date {
				row.PRN = append(row.PRN, d)
			}
		}
		if len(row.Slots) > 0 || len(row.PRN) > 0 || o.Open() {
			out = append(out, row)
		}
	}
	return out, nil
}

// DoseInput is what the nurse records for a dose or a care task.
type DoseInput struct {
	Status    string // given, held, refused; done, not_done
	Reason    string // held, refused, not done
	Wristband string // the MRN scanned or typed from the patient's wristband
	Barcode   string // the barcode of the dispensed item's label
	ByName    string
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// dispenseLine is what the wards read of the pharmacy's dispensed line.
type dispenseLine struct {
	ID        string `bson:"_id"`
	PatientID string `bson:"patient_id"`
	DrugCode  string `bson:"drug_code"`
	OrderRef  string `bson:"order_ref"`
}

// RecordDose records an administration of an acknowledged medication order: slot is a
// scheduled time (SlotLayout) of the order, or "prn-<token>" for an as-needed dose (the
// token comes with the form, so a double submit records one dose). A dose given needs the
// patient's wristband MRN and the barcode of an item the pharmacy dispensed for this
// patient and drug; held or refused needs a reason. A second record of a slot is refused
// with ErrDoseRecorded.
func (s *Store) RecordDose(ctx context.Context, admID, orderID, slot string, in DoseInput, by string) (Dose, error) {
	a, o, d, err := s.doseFor(ctx, admID, orderID, slot, KindMedication)
	if err != nil {
		return d, err
	}
	in.Reason, in.Wristband, in.Barcode = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Wristband), strings.TrimSpace(in.Barcode)
	switch in.Status {
	case DoseGiven:
		if in.Wristband != a.MRN {
			return d, ErrWrongPatient
		}
		if in.Barcode == "" || len(in.Barcode) > 64 {
			return d, ErrNotDispensed
		}
		line, err := byID[dispenseLine](ctx, s.dispense, in.Barcode, "dispensed item")
		if errors.Is(err, store.ErrNotFound) {
			return d, ErrNotDispensed
		}
		if err != nil {
			return d, err
		}
		if line.PatientID != a.PatientID {
			return d, ErrWrongPatient
		}
		if line.DrugCode != o.DrugCode || (line.OrderRef != "" && line.OrderRef != o.ID) {
			return d, ErrWrongDrug
		}
		d.Barcode = line.ID
	case DoseHeld, DoseRefused:
		if in.Reason == "" {
			return d, fmt.Errorf("%w: a reason is required when a dose is %s", store.ErrInvalid, in.Status)
		}
		d.Reason = in.Reason
	default:
		return d, fmt.Errorf("%w: dose status %q", store.ErrInvalid, in.Status)
	}
	d.Status, d.ByName = in.Status, in.ByName
	return s.storeDose(ctx, a, d)
}

// RecordTask records a care task of a nursing order as done, or not done with a reason.
func (s *Store) RecordTask(ctx context.Context, admID, orderID, slot string, in DoseInput, by string) (Dose, error) {
	a, _, d, err := s.doseFor(ctx, admID, orderID, slot, KindNursing)
	if err != nil {
		return d, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.Status == TaskNotDone && in.Reason == "":
		return d, fmt.Errorf("%w: a reason is required when a task is not done", store.ErrInvalid)
	case in.Status != TaskDone && in.Status != TaskNotDone:
		return d, fmt.Errorf("%w: task status %q", store.ErrInvalid, in.Status)
	}
	d.Status, d.Reason, d.ByName = in.Status, in.Reason, in.ByName
	return s.storeDose(ctx, a, d)
}

// doseFor checks the admission, the order and the slot, and returns the record to fill.
func (s *Store) doseFor(ctx context.Context, admID, orderID, slot, kind string) (Admission, Order, Dose, error) {
	a, err := s.Admission(ctx, admID)
	if err != nil {
		return a, Order{}, Dose{}, err
	}
	if !a.Active() {
		return a, Order{}, Dose{}, fmt.Errorf("%w: the patient has left the ward", store.ErrInvalid)
	}
	o, err := s.OrderByID(ctx, admID, orderID)
	if err != nil {
		return a, o, Dose{}, err
	}
	if o.Kind != kind {
		return a, o, Dose{}, fmt.Errorf("%w: order %s is not a %s order", store.ErrInvalid, o.ID, kind)
	}
	if o.Status != OrderActive {
		return a, o, Dose{}, fmt.Errorf("%w: the order is %s", store.ErrInvalid, strings.ToLower(OrderStateLabels[o.Status]))
	}
	now := s.now().UTC()
	d := Dose{AdmissionID: a.ID, OrderID: o.ID, PatientID: a.PatientID, At: now}
	if tok, ok := strings.CutPrefix(slot, "prn-"); ok {
		if !o.PRN || !tokenRE.MatchString(tok) {
			return a, o, d, fmt.Errorf("%w: not an as-needed order", store.ErrInvalid)
		}
		d.ID = o.ID + "@" + slot
		return a, o, d, nil
	}
	t, err := time.ParseInLocation(SlotLayout, slot, s.loc)
	if err != nil || !slices.ContainsFunc(s.Slots(o, s.DateOf(t)), func(x time.Time) bool { return x.Equal(t) }) {
		return a, o, d, fmt.Errorf("%w: %q is not a scheduled time of this order", store.ErrInvalid, slot)
	}
	if t.After(now.Add(2 * time.Hour)) {
		return a, o, d, fmt.Errorf("%w: a dose due at %s cannot be recorded yet", store.ErrInvalid, t.In(s.loc).Format("15:04"))
	}
	d.ID, d.Slot = s.doseID(o.ID, t), t.UTC()
	return a, o, d, nil
}

// storeDose inserts the record once; as-needed doses are also listed on the chart.
func (s *Store) storeDose(ctx context.Context, a Admission, d Dose) (Dose, error) {
	if _, err := s.doses.W.InsertOne(ctx, d); err != nil {
		if store.IsDuplicate(err) {
			return d, ErrDoseRecorded
		}
		return d, fmt.Errorf("store: dose %s: %w", d.ID, err)
	}
	if d.Slot.IsZero() {
		if err := upsert(ctx, s.ch, a.ID, bson.D{{Key: "$push", Value: bson.D{{Key: "prn", Value: d}}}}); err != nil {
			return d, err
		}
	}
	list, _, err := s.Orders(ctx, a.ID)
	if err == nil {
		s.refreshDue(ctx, a.ID, list)
	}
	s.bump(ctx, a.Ward)
	return d, nil
}

// dueWindow is how far back an unrecorded dose still counts as due (then overdue).
const dueWindow = 12 * time.Hour

// NextDue is the earliest scheduled dose of the active medication orders, from
// dueWindow ago to a day ahead, that has no record.
func (s *Store) NextDue(ctx context.Context, orders []Order) (time.Time, error) {
	now := s.now()
	var best time.Time
	for _, o := range orders {
		if o.Kind != KindMedication || o.Status != OrderActive {
			continue
		}
		for _, date := range []string{s.DateOf(now.Add(-dueWindow)), s.DateOf(now), s.DateOf(now.Add(24 * time.Hour))} {
			for _, t := range s.Slots(o, date) {
				if t.Before(now.Add(-dueWindow)) || (!best.IsZero() && !t.Before(best)) {
					continue
				}
				_, err := byID[Dose](ctx, s.doses, s.doseID(o.ID, t), "dose")
				if errors.Is(err, store.ErrNotFound) {
					best = t
					continue
				}
				if err != nil {
					return best, err
				}
			}
		}
	}
	return best, nil
}

// refreshDue copies the next dose due onto the admission for the ward board's badge.
func (s *Store) refreshDue(ctx context.Context, admID string, orders []Order) {
	due, err := s.NextDue(ctx, orders)
	if err == nil {
		set := bson.D{{Key: "$set", Value: bson.D{{Key: "next_due", Value: due.UTC()}}}}
		if due.IsZero() {
			set = bson.D{{Key: "$unset", Value: bson.D{{Key: "next_due", Value: ""}}}}
		}
		_, err = s.adms.W.UpdateOne(ctx, bson.D{{Key: "_id", Value: admID}}, set)
	}
	if err != nil {
		s.log.Warn("ward tile: next dose", "admission", admID, "err", err)
	}
}
