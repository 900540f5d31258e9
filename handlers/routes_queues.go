package handlers

// registerQueues declares the OPD queue boards, triage and the waiting-room display.
func (a *App) registerQueues(r *router) {
	r.get("/opd/queues", PermQueueView, a.queuesHome)
	r.get("/opd/queues/:doctor", PermQueueView, a.queueBoard)
	r.get("/opd/visits/:id/vitals", PermTriage, a.vitalsForm)
	r.post("/opd/visits/:id/vitals", PermTriage, a.vitalsRecord)
	r.post("/opd/visits/:id/skip", PermTriage, a.queueMove(skipVisit, "skipped: recall it when the patient returns"))
	r.post("/opd/visits/:id/recall", PermTriage, a.queueMove(recallVisit, "recalled to the queue"))
	r.get("/display/opd", PermDisplay, a.opdDisplay)
}
