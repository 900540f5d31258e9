package handlers

// registerAppointments declares booking, rescheduling, cancelling and check-in.
func (a *App) registerAppointments(r *router) {
	// from the patient's chart: book a slot, or check in a walk-in
	r.get("/patients/:id/book", PermAppointments, a.bookForm)
	r.post("/patients/:id/appointments", PermAppointments, a.book)
	r.get("/patients/:id/check-in", PermAppointments, a.walkInForm)
	r.post("/patients/:id/check-in", PermAppointments, a.walkIn)

	// the front desk's OPD day
	r.get("/appointments", PermAppointments, a.appointmentsDay)
	r.post("/appointments/no-shows", PermAppointments, a.apptNoShows)
	r.post("/appointments/:id/check-in", PermAppointments, a.apptCheckIn)
	r.get("/appointments/:id/reschedule", PermAppointments, a.rescheduleForm)
	r.post("/appointments/:id/reschedule", PermAppointments, a.reschedule)
	r.get("/appointments/:id/cancel", PermAppointments, a.apptCancelForm)
	r.post("/appointments/:id/cancel", PermAppointments, a.apptCancel)
	r.post("/appointments/:id/no-show", PermAppointments, a.apptNoShow)

	// staff directory and OPD schedules
	r.get("/admin/staff", PermStaffManage, a.staffList)
	r.get("/admin/staff/:username", PermStaffManage, a.staffShow)
	r.post("/admin/staff/:username", PermStaffManage, a.staffSave)
	r.post("/admin/staff/:username/sessions", PermStaffManage, a.staffSessions)
	r.post("/admin/staff/:username/exceptions", PermStaffManage, a.staffExceptionAdd)
	r.post("/admin/staff/:username/exceptions/:date/clear", PermStaffManage, a.staffExceptionClear)
}
