package handlers

// registerLab declares the routes of the lab: catalogue, worklist, samples, results, verification, reports.
func (a *App) registerLab(r *router) {
	r.get("/lab", PermLab, a.labWorklist)
	r.post("/lab/scan", PermLabResult, a.labScan)
	r.get("/lab/catalogue", PermLab, a.labHome)
	r.get("/lab/catalogue/:code", PermLabCatalog, a.labTestEdit)
	r.post("/lab/catalogue/:code", PermLabCatalog, a.labTestSave)
	r.get("/lab/orders/:id", PermLab, a.labOrderShow)
	r.get("/lab/orders/:id/report", PermLab, a.labReport)
	r.post("/lab/orders/:id/collect", PermLabResult, a.labCollect)
	r.post("/lab/orders/:id/receive", PermLabResult, a.labReceive)
	r.post("/lab/orders/:id/reject", PermLabResult, a.labReject)
	r.post("/lab/orders/:id/results", PermLabResult, a.labResults)
	r.post("/lab/orders/:id/preliminary", PermLabResult, a.labPreliminary)
	r.post("/lab/orders/:id/verify", PermLabVerify, a.labVerify)
	r.post("/lab/orders/:id/amend", PermLabVerify, a.labAmend)
	r.post("/lab/orders/:id/cancel", PermLab, a.labCancel)
	r.get("/lab/samples/:acc/label", PermLabResult, a.labLabel)
	r.post("/lab/alerts/:id/readback", PermLabResult, a.labReadBack)
	r.get("/results/alerts", PermResultsView, a.resultAlerts)
	r.post("/results/alerts/:id/ack", PermResultsView, a.resultAlertAck)
}
