package handlers

import "hms/store/portal"

// registerPortal declares the patient portal: a patient's own records (every read bound
// to the patient id of the session, in store/portal), the public activation page, and
// the front desk's activation code on the patient's record.
func (a *App) registerPortal(r *router) {
	if a.Portal == nil { // built from the module stores when the caller did not
		a.Portal = portal.New(a.DB, portal.Options{Patients: a.Patients, Users: a.Users, OPD: a.OPD, Lab: a.Lab,
			Billing: a.Billing, Trail: a.Audit})
	}
	r.get("/portal", PermPortal, a.portalHome)
	r.get("/portal/visits/:id", PermPortal, a.portalVisit)
	r.get("/portal/invoices/:id", PermPortal, a.portalInvoice)
	r.post("/portal/appointments/:id/cancel", PermPortal, a.portalCancel)
	r.get("/portal/access", PermPortal, a.portalAccess)
	r.get("/portal/export", PermPortal, a.portalExportPage)
	r.get("/portal/export.json", PermPortal, a.portalExportJSON)

	r.get("/portal/activate", Public, a.portalActivateForm)
	r.post("/portal/activate", Public, a.portalActivate)

	r.get("/patients/:id/portal", PermPatientsEdit, a.portalCodeForm)
	r.post("/patients/:id/portal", PermPatientsEdit, a.portalCodeIssue)
}
