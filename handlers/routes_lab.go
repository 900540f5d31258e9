package handlers

// registerLab declares the routes of the lab: catalogue, worklist, samples, results, verification, reports.
func (a *App) registerLab(r *router) {
	r.get("/lab", PermLab, a.labHome)
}
