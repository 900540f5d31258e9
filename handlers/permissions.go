package handlers

// Role is a job a user holds; a user may hold several.
type Role string

// The roles of the hospital. Their string values are stored on users.
const (
	RoleAdmin             Role = "admin"
	RoleFrontDesk         Role = "front_desk"
	RoleAdmissionDesk     Role = "admission_desk"
	RoleDoctor            Role = "doctor"
	RoleSeniorDoctor      Role = "senior_doctor" // head of department: may see any OPD queue
	RoleNurse             Role = "nurse"
	RoleChargeNurse       Role = "charge_nurse"
	RoleLabTech           Role = "lab_tech"
	RolePathologist       Role = "pathologist"
	RolePharmacist        Role = "pharmacist"
	RoleStoreKeeper       Role = "store_keeper"
	RoleBillingClerk      Role = "billing_clerk"
	RoleBillingSupervisor Role = "billing_supervisor"
	RoleCompliance        Role = "compliance"
	RoleDisplay           Role = "display"
	RolePatient           Role = "patient"
)

// Permission is one thing a route needs.
type Permission string

// Permissions. Public marks the few routes anyone may reach (login, static, health).
const (
	Public             Permission = "public"
	PermSelf           Permission = "self"              // any signed-in user: own password, sign out
	PermPatientsView   Permission = "patients.view"     // find and open patient records
	PermPatientsEdit   Permission = "patients.edit"     // register and edit demographics
	PermAllergiesEdit  Permission = "allergies.edit"    // clinical staff record allergies
	PermAdmissions     Permission = "admissions.desk"   // bed availability, admit
	PermOPD            Permission = "opd.consult"       // the doctor's OPD
	PermOPDAnyQueue    Permission = "opd.any_queue"     // consult patients in another doctor's queue
	PermAppointments   Permission = "opd.appointments"  // book, reschedule, cancel, check in
	PermQueueView      Permission = "opd.queue"         // see the OPD queues
	PermTriage         Permission = "opd.triage"        // record vitals, set priority
	PermStaffManage    Permission = "staff.manage"      // staff directory, OPD schedules, rosters
	PermWard           Permission = "ward.board"        // ward board and nursing
	PermLab            Permission = "lab.work"          // lab worklist and catalogue
	PermPharmacy       Permission = "pharmacy.work"     // dispense queue and formulary
	PermBilling        Permission = "billing.desk"      // accounts, charges, payments
	PermPricesView     Permission = "prices.view"       // read the price list
	PermPricesEdit     Permission = "prices.edit"       // change prices
	PermAdmin          Permission = "admin.view"        // the administration home
	PermUsersManage    Permission = "admin.users"       // create users, reset passwords, disable
	PermSessionsManage Permission = "security.sessions" // see and revoke sessions
	PermCompliance     Permission = "compliance.view"   // compliance officer's home
	PermAuditView      Permission = "audit.view"        // the audit trail: viewer, export, chain check, a chart's access log
	PermDisplay        Permission = "display.view"      // waiting-room screen
	PermPortal         Permission = "portal.self"       // a patient's own records
	PermMetrics        Permission = "ops.metrics"       // /metrics in the Prometheus format
	PermPrivacy        Permission = "admin.privacy"     // pseudonymise patients, retention settings and purge
)

// Permissions of the wards, the lab, the pharmacy and the billing desk.
const (
	PermAdmit            Permission = "ipd.admit"         // admit, reserve beds, transfer
	PermBedsManage       Permission = "ipd.beds"          // set up wards and beds, block beds
	PermWardOrders       Permission = "ipd.orders"        // doctor orders, discharge order and summary
	PermNursing          Permission = "ipd.nursing"       // vitals, notes, intake/output, tasks, MAR, departure
	PermResultsView      Permission = "results.view"      // read lab results and acknowledge critical alerts
	PermLabResult        Permission = "lab.result"        // collect, receive, reject samples; enter results
	PermLabVerify        Permission = "lab.verify"        // verify and release results, amend
	PermLabCatalog       Permission = "lab.catalog"       // edit the lab test catalogue
	PermDispense         Permission = "pharmacy.dispense" // dispense, returns, labels
	PermStock            Permission = "pharmacy.stock"    // receive stock, adjustments, alerts
	PermFormulary        Permission = "pharmacy.drugs"    // edit the drug master and interactions
	PermPayments         Permission = "billing.payments"  // take payments and deposits, print receipts
	PermBillingSupervise Permission = "billing.supervise" // discounts above the clerk limit, cancel invoices, refunds, close the day
)

// rolePermissions is the one permission table of the system.
var rolePermissions = map[Role][]Permission{
	RoleAdmin: {PermAdmin, PermUsersManage, PermSessionsManage, PermPricesView, PermPricesEdit,
		PermPatientsView, PermPatientsEdit, PermStaffManage, PermAuditView, PermMetrics, PermBedsManage, PermLabCatalog, PermFormulary,
		PermPrivacy},
	RoleFrontDesk:     {PermPatientsView, PermPatientsEdit, PermPricesView, PermAppointments, PermQueueView, PermPayments},
	RoleAdmissionDesk: {PermAdmissions, PermAdmit, PermPatientsView, PermWard, PermPayments},
	RoleDoctor: {PermOPD, PermPatientsView, PermAllergiesEdit, PermWard, PermLab, PermQueueView,
		PermAdmit, PermWardOrders, PermResultsView},
	RoleSeniorDoctor: {PermOPD, PermOPDAnyQueue, PermPatientsView, PermAllergiesEdit, PermWard, PermLab, PermQueueView,
		PermAdmit, PermWardOrders, PermResultsView},
	RoleNurse: {PermWard, PermPatientsView, PermAllergiesEdit, PermQueueView, PermTriage, PermNursing, PermResultsView},
	RoleChargeNurse: {PermWard, PermPatientsView, PermAllergiesEdit, PermAdmissions, PermQueueView, PermTriage,
		PermNursing, PermResultsView, PermAdmit, PermBedsManage},
	RoleLabTech:           {PermLab, PermPatientsView, PermLabResult},
	RolePathologist:       {PermLab, PermPatientsView, PermLabResult, PermLabVerify, PermLabCatalog, PermResultsView},
	RolePharmacist:        {PermPharmacy, PermPatientsView, PermAllergiesEdit, PermDispense, PermStock},
	RoleStoreKeeper:       {PermPharmacy, PermStock},
	RoleBillingClerk:      {PermBilling, PermPatientsView, PermPricesView, PermPayments},
	RoleBillingSupervisor: {PermBilling, PermPatientsView, PermPricesView, PermPayments, PermBillingSupervise},
	RoleCompliance:        {PermCompliance, PermSessionsManage, PermAuditView, PermPatientsView},
	RoleDisplay:           {PermDisplay},
	RolePatient:           {PermPortal},
}

// AllRoles lists every role, in the order the admin screens show them.
var AllRoles = []Role{RoleAdmin, RoleFrontDesk, RoleAdmissionDesk, RoleDoctor, RoleSeniorDoctor, RoleNurse, RoleChargeNurse,
	RoleLabTech, RolePathologist, RolePharmacist, RoleStoreKeeper, RoleBillingClerk, RoleBillingSupervisor,
	RoleCompliance, RoleDisplay, RolePatient}

// RoleLabels are the names people read.
var RoleLabels = map[Role]string{
	RoleAdmin: "Administrator", RoleFrontDesk: "Front desk", RoleAdmissionDesk: "Admission desk",
	RoleDoctor: "Doctor", RoleSeniorDoctor: "Senior doctor (any OPD queue)", RoleNurse: "Nurse", RoleChargeNurse: "Charge nurse", RoleLabTech: "Lab technician",
	RolePathologist: "Pathologist", RolePharmacist: "Pharmacist", RoleStoreKeeper: "Store keeper",
	RoleBillingClerk: "Billing clerk", RoleBillingSupervisor: "Billing supervisor",
	RoleCompliance: "Compliance officer", RoleDisplay: "Display screen", RolePatient: "Patient (portal)",
}

// roleHomes is where each role lands after login, in priority order for users with several roles.
var roleHomes = []struct {
	role Role
	path string
}{
	{RoleAdmin, "/admin"}, {RoleSeniorDoctor, "/opd"}, {RoleDoctor, "/opd"}, {RoleChargeNurse, "/ward"}, {RoleNurse, "/ward"},
	{RoleAdmissionDesk, "/admissions"}, {RoleFrontDesk, "/patients"}, {RolePathologist, "/lab"},
	{RoleLabTech, "/lab"}, {RolePharmacist, "/pharmacy"}, {RoleStoreKeeper, "/pharmacy"},
	{RoleBillingSupervisor, "/billing"}, {RoleBillingClerk, "/billing"}, {RoleCompliance, "/compliance"},
	{RoleDisplay, "/display"}, {RolePatient, "/portal"},
}

// homeFor returns the landing page for a user holding roles.
func homeFor(roles []string) string {
	for _, h := range roleHomes {
		for _, r := range roles {
			if Role(r) == h.role {
				return h.path
			}
		}
	}
	return "/account"
}

// can reports whether any of roles grants p.
func can(roles []string, p Permission) bool {
	if p == Public {
		return true
	}
	for _, r := range roles {
		role := Role(r)
		if _, known := rolePermissions[role]; !known {
			continue
		}
		if p == PermSelf { // every known role may manage its own sign-in
			return true
		}
		for _, q := range rolePermissions[role] {
			if q == p {
				return true
			}
		}
	}
	return false
}

// validRole reports whether s names a role of the table.
func validRole(s string) bool {
	_, ok := rolePermissions[Role(s)]
	return ok
}
