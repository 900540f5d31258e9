package handlers

// registerAppointments declares booking, rescheduling, cancelling and check-in.
func (a *App) registerAppointments(r *router) {
}
