package handlers

// registerPharmacy declares the routes of the pharmacy: drug master, stock, dispensing, returns.
func (a *App) registerPharmacy(r *router) {
	r.get("/pharmacy", PermPharmacy, a.pharmacyHome)
}
