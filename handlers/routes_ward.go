package handlers

// registerWard declares the routes of admissions, the ward board, nursing care, doctor orders, MAR, transfers, discharge.
func (a *App) registerWard(r *router) {
	r.get("/admissions", PermAdmissions, a.admissionsHome)
	r.get("/admissions/new", PermAdmit, a.admitForm)
	r.post("/admissions", PermAdmit, a.admit)
	r.get("/ward", PermWard, a.wardHome)
	r.get("/ward/:code", PermWard, a.wardBoard)
	r.post("/ward/beds/:bed/clean", PermNursing, a.wardBedAction("clean"))
	r.post("/ward/beds/:bed/block", PermBedsManage, a.wardBedAction("block"))
	r.post("/ward/beds/:bed/unblock", PermBedsManage, a.wardBedAction("unblock"))
	r.get("/ward/adm/:id", PermWard, a.wardView)
	r.post("/ward/adm/:id/orders", PermWardOrders, a.wardPlaceOrder)
	r.post("/ward/adm/:id/orders/:order/ack", PermNursing, a.wardAckOrder)
	r.post("/ward/adm/:id/orders/:order/stop", PermWardOrders, a.wardStopOrder)
	r.post("/ward/adm/:id/doses", PermNursing, a.wardDose)
	r.post("/ward/adm/:id/vitals", PermNursing, a.wardVitals)
	r.post("/ward/adm/:id/notes", PermNursing, a.wardNote)
	r.post("/ward/adm/:id/io", PermNursing, a.wardIO)
	r.post("/ward/adm/:id/flags", PermNursing, a.wardFlags)
	r.post("/ward/adm/:id/transfer", PermAdmit, a.wardTransfer)
	r.post("/ward/adm/:id/discharge", PermWardOrders, a.wardDischarge)
	r.post("/ward/adm/:id/depart", PermNursing, a.wardDepart)
	r.post("/ward/adm/:id/summary", PermWardOrders, a.wardSummarySave)
	r.get("/ward/adm/:id/summary", PermWard, a.wardSummaryPrint)
}
