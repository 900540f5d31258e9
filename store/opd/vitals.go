package opd

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hms/store"
	"hms/store/guard"
)

// Vitals are the triage measurements; nil means not taken.
type Vitals struct {
	TempC     *float64 `bson:"temp_c,omitempty"`
	Pulse     *float64 `bson:"pulse,omitempty"`     // beats/min
	Systolic  *float64 `bson:"systolic,omitempty"`  // mmHg
	Diastolic *float64 `bson:"diastolic,omitempty"` // mmHg
	RespRate  *float64 `bson:"resp_rate,omitempty"` // breaths/min
	SpO2      *float64 `bson:"spo2,omitempty"`      // %
	WeightKg  *float64 `bson:"weight_kg,omitempty"`
	HeightCm  *float64 `bson:"height_cm,omitempty"`
	Pain      *float64 `bson:"pain,omitempty"` // 0–10
}

// VitalsRecord is one set of vitals as recorded, with the BMI worked out.
type VitalsRecord struct {
	Vitals `bson:",inline"`
	BMI    *float64  `bson:"bmi,omitempty"`
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
}

// Limit is what a vital sign may be (Min–Max: outside is refused as implausible) and
// what is normal for an adult (outside is recorded and highlighted).
type Limit struct {
	Field, Label, Unit    string
	Min, Max              float64
	NormalLow, NormalHigh float64 // NaN: never flagged
}

// Field names of the vital signs, as forms and VitalsError name them.
const (
	FieldTemp      = "temp_c"
	FieldPulse     = "pulse"
	FieldSystolic  = "systolic"
	FieldDiastolic = "diastolic"
	FieldRespRate  = "resp_rate"
	FieldSpO2      = "spo2"
	FieldWeight    = "weight_kg"
	FieldHeight    = "height_cm"
	FieldPain      = "pain"
	FieldBMI       = "bmi"
)

var none = math.NaN()

// Limits of every vital sign, in form order; BMI is computed and only flagged.
var Limits = []Limit{
	{FieldTemp, "Temperature", "°C", 30, 45, 36.0, 37.5},
	{FieldPulse, "Pulse", "/min", 20, 250, 60, 100},
	{FieldSystolic, "Systolic BP", "mmHg", 50, 300, 90, 139},
	{FieldDiastolic, "Diastolic BP", "mmHg", 30, 200, 60, 89},
	{FieldRespRate, "Respiratory rate", "/min", 4, 80, 12, 20},
	{FieldSpO2, "SpO2", "%", 50, 100, 95, 100},
	{FieldWeight, "Weight", "kg", 0.3, 350, none, none},
	{FieldHeight, "Height", "cm", 20, 250, none, none},
	{FieldPain, "Pain score", "", 0, 10, 0, 3},
	{FieldBMI, "BMI", "kg/m²", 0, math.Inf(1), 18.5, 24.9},
}

// LimitOf returns the limit of a field.
func LimitOf(field string) Limit {
	for _, l := range Limits {
		if l.Field == field {
			return l
		}
	}
	return Limit{Field: field, NormalLow: none, NormalHigh: none}
}

// VitalsError says which vital sign is refused and why, stating the limit.
type VitalsError struct {
	Field   string // "" when it concerns the whole form
	Message string
}

func (e *VitalsError) Error() string { return e.Message }

// Unwrap makes a VitalsError a store.ErrInvalid.
func (e *VitalsError) Unwrap() error { return store.ErrInvalid }

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// value returns the field's value, if taken.
func (v Vitals) value(field string) *float64 {
	switch field {
	case FieldTemp:
		return v.TempC
	case FieldPulse:
		return v.Pulse
	case FieldSystolic:
		return v.Systolic
	case FieldDiastolic:
		return v.Diastolic
	case FieldRespRate:
		return v.RespRate
	case FieldSpO2:
		return v.SpO2
	case FieldWeight:
		return v.WeightKg
	case FieldHeight:
		return v.HeightCm
	case FieldPain:
		return v.Pain
	}
	return nil
}

// Value returns the value of a field (Field* constants), or nil when not taken.
func (v Vitals) Value(field string) *float64 { return v.value(field) }

// Set sets the value of a field (Field* constants); unknown fields are ignored.
func (v *Vitals) Set(field string, x *float64) {
	switch field {
	case FieldTemp:
		v.TempC = x
	case FieldPulse:
		v.Pulse = x
	case FieldSystolic:
		v.Systolic = x
	case FieldDiastolic:
		v.Diastolic = x
	case FieldRespRate:
		v.RespRate = x
	case FieldSpO2:
		v.SpO2 = x
	case FieldWeight:
		v.WeightKg = x
	case FieldHeight:
		v.HeightCm = x
	case FieldPain:
		v.Pain = x
	}
}

// Problems lists every implausible value, each naming its field and the limit.
func (v Vitals) Problems() []VitalsError {
	var out []VitalsError
	taken := 0
	for _, l := range Limits {
		p := v.value(l.Field)
		if p == nil {
			continue
		}
		taken++
		if math.IsNaN(*p) || *p < l.Min || *p > l.Max {
			msg := fmt.Sprintf("%s must be between %s and %s", l.Label, num(l.Min), num(l.Max))
			if l.Unit != "" {
				msg += " " + l.Unit
			}
			out = append(out, VitalsError{Field: l.Field, Message: msg})
		}
	}
	switch {
	case taken == 0:
		out = append(out, VitalsError{Message: "Enter at least one vital sign"})
	case (v.Systolic == nil) != (v.Diastolic == nil):
		field := FieldSystolic
		if v.Diastolic == nil {
			field = FieldDiastolic
		}
		out = append(out, VitalsError{Field: field, Message: "Blood pressure needs both systolic and diastolic"})
	case v.Systolic != nil && *v.Systolic <= *v.Diastolic:
		out = append(out, VitalsError{Field: FieldSystolic, Message: "Systolic BP must be higher than diastolic BP"})
	}
	return out
}

// Check returns the first problem as a *VitalsError, or nil.
func (v Vitals) Check() error {
	if p := v.Problems(); len(p) > 0 {
		return &p[0]
	}
	return nil
}

// BMIOf is weight / height² in kg/m², to one decimal; nil unless both are taken.
func BMIOf(v Vitals) *float64 {
	if v.WeightKg == nil || v.HeightCm == nil || *v.HeightCm <= 0 {
		return nil
	}
	m := *v.HeightCm / 100
	b := math.Round(*v.WeightKg/(m*m)*10) / 10
	return &b
}

// Abnormal reports whether a recorded field lies outside the normal adult range.
func (r VitalsRecord) Abnormal(field string) bool {
	p := r.value(field)
	if field == FieldBMI {
		p = r.BMI
	}
	l := LimitOf(field)
	if p == nil || math.IsNaN(l.NormalLow) {
		return false
	}
	return *p < l.NormalLow || *p > l.NormalHigh
}

// AbnormalFields lists the recorded fields outside their normal range, in form order.
func (r VitalsRecord) AbnormalFields() []string {
	var out []string
	for _, l := range Limits {
		if r.Abnormal(l.Field) {
			out = append(out, l.Field)
		}
	}
	return out
}

// RecordVitals records a set of vitals on a visit. Implausible values are refused with a
// *VitalsError (a store.ErrInvalid). A waiting patient becomes vitals_done; vitals may be
// taken again while waiting for or with the doctor.
func (s *Store) RecordVitals(ctx context.Context, id string, vs Vitals, by string) (Visit, error) {
	if err := vs.Check(); err != nil {
		return Visit{}, err
	}
	rec := VitalsRecord{Vitals: vs, BMI: BMIOf(vs), At: s.now().UTC(), By: by}
	for attempt := 0; attempt < 3; attempt++ {
		v, err := s.Visit(ctx, id)
		if err != nil {
			return v, err
		}
		w := visitWrite{queue: true, conds: []guard.Cond{guard.Eq("status", v.Status)},
			push: bson.D{{Key: "vitals", Value: rec}}}
		switch v.Status {
		case StateWaiting:
			w.set = bson.D{{Key: "status", Value: StateVitalsDone}}
			w.push = append(w.push, bson.E{Key: "events", Value: Event{At: rec.At, By: by, From: StateWaiting, To: StateVitalsDone}})
		case StateVitalsDone, StateWithDoctor:
		default:
			return v, fmt.Errorf("%w: the visit is %s", store.ErrInvalid, StateLabels[v.Status])
		}
		out, ok, err := s.write(ctx, id, by, w)
		if err != nil || ok {
			return out, err
		}
	}
	return Visit{}, store.ErrConflict
}
