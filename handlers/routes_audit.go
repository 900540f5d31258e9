package handlers

// registerAudit declares the audit trail viewer, its export and the chain check.
func (a *App) registerAudit(r *router) {
	r.get("/audit", PermAuditView, a.auditViewer)
	r.get("/audit/export", PermAuditView, a.auditExport)
	r.get("/audit/verify", PermAuditView, a.auditVerifyPage)
	r.post("/audit/verify", PermAuditView, a.auditVerifyRun)
}
