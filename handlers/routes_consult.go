package handlers

// registerConsult declares the doctor's OPD: the queue and the consultation screen.
func (a *App) registerConsult(r *router) {
}
