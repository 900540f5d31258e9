package handlers

// registerWard declares the routes of admissions, the ward board, nursing care, doctor orders, MAR, transfers, discharge.
func (a *App) registerWard(r *router) {
	r.get("/admissions", PermAdmissions, a.admissionsHome)
	r.get("/ward", PermWard, a.wardHome)
	r.get("/ward/:code", PermWard, a.wardBoard)
}
