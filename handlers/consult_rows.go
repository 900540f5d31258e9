package handlers

import (
	"strconv"
	"strings"

	"hms/store/opd"
	"hms/views"
)

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
