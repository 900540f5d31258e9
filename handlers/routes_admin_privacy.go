package handlers

// registerPrivacy declares the administrator's privacy pages: pseudonymising a patient,
// retention settings and the purge.
func (a *App) registerPrivacy(r *router) {
	r.get("/admin/patients/:id/pseudonymise", PermPrivacy, a.pseudonymiseForm)
	r.post("/admin/patients/:id/pseudonymise", PermPrivacy, a.pseudonymise)
	r.get("/admin/retention", PermPrivacy, a.retentionPage)
	r.post("/admin/retention", PermPrivacy, a.retentionSave)
	r.post("/admin/retention/dry-run", PermPrivacy, a.retentionDryRun)
	r.post("/admin/retention/purge", PermPrivacy, a.retentionPurge)
}
