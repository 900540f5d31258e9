package handlers

// register declares every route with the permission it needs, grouped by area.
func (a *App) register(r *router) {
	// open to everyone
	r.get("/healthz", Public, a.healthz)
	r.get("/readyz", Public, a.readyz)
	r.get("/static/:name", Public, a.assets.serve)
	r.get("/login", Public, a.loginForm)
	r.post("/login", Public, a.login)

	// any signed-in user
	r.get("/", PermSelf, a.home)
	r.post("/logout", PermSelf, a.logout)
	r.get("/account", PermSelf, a.account)
	r.get("/account/password", PermSelf, a.passwordForm)
	r.post("/account/password", PermSelf, a.changePassword)

	// role homes that show the reference data each department works from
	r.get("/patients", PermPatientsView, a.patientsHome)
	r.get("/compliance", PermCompliance, a.complianceHome)
	r.get("/display", PermDisplay, a.displayHome)
	r.get("/display/census", PermDisplay, a.displayCensus)

	// patients: search, registration and the chart
	r.post("/patients/search", PermPatientsView, a.patientSearch)
	r.post("/patients/find", PermPatientsView, a.patientFind)
	r.get("/patients/new", PermPatientsEdit, a.patientNewForm)
	r.post("/patients", PermPatientsEdit, a.patientCreate)
	r.get("/patients/:id", PermPatientsView, a.patientChart)
	r.get("/patients/:id/print", PermPatientsView, a.patientPrint)
	r.get("/patients/:id/edit", PermPatientsEdit, a.patientEditForm)
	r.post("/patients/:id", PermPatientsEdit, a.patientUpdate)
	r.get("/patients/:id/newborn", PermPatientsEdit, a.patientNewbornForm)
	r.post("/patients/:id/newborn", PermPatientsEdit, a.patientNewbornCreate)
	r.post("/patients/:id/duplicate", PermPatientsEdit, a.patientMarkDuplicate)
	r.post("/patients/:id/insurance", PermPatientsEdit, a.policyAdd)
	r.post("/patients/:id/insurance/:policy/end", PermPatientsEdit, a.policyEnd)
	r.post("/patients/:id/allergies", PermAllergiesEdit, a.allergyAdd)
	r.post("/patients/:id/allergies/none", PermAllergiesEdit, a.allergyNone)
	r.post("/patients/:id/allergies/:allergy/remove", PermAllergiesEdit, a.allergyRemove)

	// the OPD: appointments and check-in, queues and triage, the consultation
	a.registerAppointments(r)
	a.registerQueues(r)
	a.registerConsult(r)

	// the wards, the lab, the pharmacy, the billing desk
	a.registerWard(r)
	a.registerLab(r)
	a.registerPharmacy(r)
	a.registerBilling(r)

	// compliance: the audit trail
	a.registerAudit(r)

	// the patient portal and its activation at the front desk
	a.registerPortal(r)

	// price list
	r.get("/prices", PermPricesView, a.priceList)
	r.get("/prices/:code/edit", PermPricesEdit, a.priceEditForm)
	r.post("/prices/:code", PermPricesEdit, a.priceUpdate)

	// administration
	r.get("/metrics", PermMetrics, a.metricsPage)
	r.get("/admin", PermAdmin, a.adminHome)
	r.get("/admin/users", PermUsersManage, a.usersList)
	r.get("/admin/users/new", PermUsersManage, a.userNewForm)
	r.post("/admin/users", PermUsersManage, a.userCreate)
	r.get("/admin/users/:username", PermUsersManage, a.userShow)
	r.post("/admin/users/:username/roles", PermUsersManage, a.userRoles)
	r.post("/admin/users/:username/password", PermUsersManage, a.userResetPassword)
	r.post("/admin/users/:username/disable", PermUsersManage, a.userDisable)
	r.post("/admin/users/:username/enable", PermUsersManage, a.userEnable)
	r.post("/admin/users/:username/unlock", PermUsersManage, a.userUnlock)
	r.get("/admin/sessions", PermSessionsManage, a.sessionsList)
	r.post("/admin/sessions/:id/revoke", PermSessionsManage, a.sessionRevoke)
	a.registerPrivacy(r)
}
