package handlers

// registerQueues declares the OPD queue boards, triage and the waiting-room display.
func (a *App) registerQueues(r *router) {
}
