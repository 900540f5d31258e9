package handlers

import (
	"math"
	"strconv"
	"strings"

	"hms/store/opd"
	"hms/views"
)

// consultVitals are the latest vitals in form order, abnormal ones flagged, BMI last.
func consultVitals(r opd.VitalsRecord) []views.ConsultVital {
	vals := map[string]*float64{opd.FieldTemp: r.TempC, opd.FieldPulse: r.Pulse, opd.FieldSystolic: r.Systolic,
		opd.FieldDiastolic: r.Diastolic, opd.FieldRespRate: r.RespRate, opd.FieldSpO2: r.SpO2, opd.FieldWeight: r.WeightKg,
		opd.FieldHeight: r.HeightCm, opd.FieldPain: r.Pain, opd.FieldBMI: r.BMI}
	var out []views.ConsultVital
	for _, l := range opd.Limits {
		x := vals[l.Field]
		if x == nil {
			continue
		}
		text := strconv.FormatFloat(math.Round(*x*10)/10, 'f', -1, 64)
		if l.Unit != "" {
			text += " " + l.Unit
		}
		if l.Field == opd.FieldPain {
			text += " / 10"
		}
		out = append(out, views.ConsultVital{Label: l.Label, Value: text, Abnormal: r.Abnormal(l.Field)})
	}
	return out
}

// consultRx is a prescription line as the screen and the printout show it.
func consultRx(rx opd.Prescription) views.ConsultRx {
	f, _ := opd.FrequencyOf(rx.Frequency)
	r := views.ConsultRx{Line: strconv.Itoa(rx.Line), Drug: consultDrugLabel(rx.Generic, rx.Strength, rx.Form), Dose: rx.Dose,
		Route: rx.Route, Frequency: rx.Frequency + " (" + strings.ToLower(f.Label) + ")",
		Quantity: strconv.Itoa(rx.Quantity) + " " + rx.Unit, Instructions: rx.Instructions, Active: rx.Status == opd.RxActive}
	switch {
	case f.Once:
		r.Duration = "once"
	case rx.DurationDays > 0:
		r.Duration = strconv.Itoa(rx.DurationDays) + " days"
	default:
		r.Duration = "as needed"
	}
	if !r.Active && rx.RemovedReason != "" {
		r.Removed = ": " + rx.RemovedReason
	}
	// The full warning text is kept on the line; the table names what was acknowledged, and by whom.
	if rx.AllergyAck != nil {
		r.Warnings = append(r.Warnings, "Allergy warning, by "+rx.AllergyAck.By)
	}
	if rx.DuplicateAck != nil {
		r.Warnings = append(r.Warnings, "Duplicate drug, by "+rx.DuplicateAck.By)
	}
	return r
}

func consultOrder(o opd.Order) views.ConsultOrder {
	r := views.ConsultOrder{Line: strconv.Itoa(o.Line), Kind: "Lab", Name: o.Name, Priority: o.Priority, Notes: o.Notes,
		Status: o.Status, StatusColour: "sky", Ref: o.DocID, Active: o.Status == opd.OrderOrdered}
	if o.Kind == opd.OrderRadiology {
		r.Kind = "Radiology"
	}
	if o.Status == opd.OrderCancelled {
		r.Status, r.StatusColour = "cancelled: "+o.CancelReason, "slate"
	}
	return r
}
