package handlers

// registerPharmacy declares the routes of the pharmacy: drug master, stock, dispensing, returns.
func (a *App) registerPharmacy(r *router) {
	r.get("/pharmacy", PermPharmacy, a.pharmacyQueue)
	r.get("/pharmacy/formulary", PermPharmacy, a.pharmacyHome)
	r.get("/pharmacy/dispense/:item", PermDispense, a.dispensePage)
	r.post("/pharmacy/dispense/:item", PermDispense, a.dispense)
	r.post("/pharmacy/dispense/:item/close", PermDispense, a.dispenseClose)
	r.get("/pharmacy/dispense/:item/labels", PermDispense, a.dispenseLabels)
	r.get("/pharmacy/lines/:line/label", PermDispense, a.lineLabel)
	r.post("/pharmacy/lines/:line/return", PermDispense, a.lineReturn)
	r.get("/pharmacy/stock", PermPharmacy, a.pharmacyStockPage)
	r.get("/pharmacy/batches/:id", PermPharmacy, a.batchPage)
	r.post("/pharmacy/batches/:id/adjust", PermStock, a.batchAdjust)
	r.get("/pharmacy/grn/new", PermStock, a.grnNewPage)
	r.post("/pharmacy/grn", PermStock, a.grnCreate)
	r.get("/pharmacy/grn/:id", PermStock, a.grnPage)
	r.get("/pharmacy/alerts", PermPharmacy, a.pharmacyAlerts)
	r.post("/pharmacy/ledger/check", PermStock, a.ledgerCheck)
	r.get("/pharmacy/drugs", PermFormulary, a.pharmacyHome) // the formulary for its editors (administrators)
	r.get("/pharmacy/interactions", PermPharmacy, a.interactionsPage)
	r.get("/pharmacy/drugs/interactions", PermFormulary, a.interactionsPage)
	r.post("/pharmacy/interactions", PermFormulary, a.interactionSave)
	r.post("/pharmacy/interactions/delete", PermFormulary, a.interactionDelete)
	r.get("/pharmacy/drugs/:code/edit", PermFormulary, a.drugEditPage)
	r.post("/pharmacy/drugs/:code", PermFormulary, a.drugSave)
}
