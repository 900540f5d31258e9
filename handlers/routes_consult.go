package handlers

// registerConsult declares the doctor's OPD: the queue and the consultation screen.
// Every /opd/visits/:id route also checks that the visit is in the doctor's queue
// (or that the user may consult any queue): see consultVisit.
func (a *App) registerConsult(r *router) {
	r.get("/opd", PermOPD, a.opdHome)
	r.get("/opd/queue", PermOPD, a.opdQueue)
	r.post("/opd/call-next", PermOPD, a.opdCallNext)

	r.get("/opd/visits/:id", PermOPD, a.consultShow)
	r.post("/opd/visits/:id/call", PermOPD, a.consultCall)
	r.post("/opd/visits/:id/note", PermOPD, a.consultNote)
	r.post("/opd/visits/:id/addendum", PermOPD, a.consultAddendum)
	r.get("/opd/visits/:id/icd10", PermOPD, a.consultICD10)
	r.post("/opd/visits/:id/diagnoses", PermOPD, a.consultDiagnosisAdd)
	r.post("/opd/visits/:id/diagnoses/:line/remove", PermOPD, a.consultDiagnosisRemove)
	r.get("/opd/visits/:id/quantity", PermOPD, a.consultQuantity)
	r.post("/opd/visits/:id/prescriptions", PermOPD, a.consultPrescribe)
	r.post("/opd/visits/:id/prescriptions/:line/remove", PermOPD, a.consultRxRemove)
	r.post("/opd/visits/:id/orders/lab", PermOPD, a.consultLabOrder)
	r.post("/opd/visits/:id/orders/radiology", PermOPD, a.consultRadOrder)
	r.post("/opd/visits/:id/orders/:line/cancel", PermOPD, a.consultOrderCancel)
	r.post("/opd/visits/:id/complete", PermOPD, a.consultComplete)
	r.get("/opd/visits/:id/prescription", PermOPD, a.consultPrescription)
}
