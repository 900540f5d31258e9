package seed

import (
	"context"

	"hms/store/identity"
)

// Login is one demo account, printed at start-up so the demo can be tried role by role.
type Login struct {
	Username string // what to type at sign-in; the password is DemoPassword
	Role     string
	FullName string
	Home     string // the page the role lands on
}

// DemoLogins lists the demo accounts, one per role, for printing at start-up.
var DemoLogins = []Login{
	{"admin", "admin", "Suresh Nair", "/admin"},
	{"frontdesk", "front_desk", "Priya Sharma", "/patients"},
	{"admissions", "admission_desk", "Rakesh Gupta", "/admissions"},
	{"doctor", "doctor", "Dr. Ananya Krishnan", "/opd"},
	{"nurse", "nurse", "Mary Thomas", "/ward"},
	{"chargenurse", "charge_nurse", "Lakshmi Pillai", "/ward"},
	{"labtech", "lab_tech", "Imran Shaikh", "/lab"},
	{"pathologist", "pathologist", "Dr. Kavita Deshpande", "/lab"},
	{"pharmacist", "pharmacist", "Vikram Patil", "/pharmacy"},
	{"storekeeper", "store_keeper", "Ramesh Yadav", "/pharmacy"},
	{"billing", "billing_clerk", "Neha Agarwal", "/billing"},
	{"billingsup", "billing_supervisor", "Sanjay Mehta", "/billing"},
	{"compliance", "compliance", "Farah Siddiqui", "/compliance"},
	{"display", "display", "OPD Waiting Hall Display", "/display"},
}

// demoDepartmentOf gives the department of each demo account ("" for the waiting-hall screen).
var demoDepartmentOf = map[string]string{
	"admin": "ADMIN", "frontdesk": "ADMIN", "admissions": "ADMIN", "doctor": "MED", "nurse": "MED",
	"chargenurse": "MED", "labtech": "LAB", "pathologist": "LAB", "pharmacist": "PHARM",
	"storekeeper": "PHARM", "billing": "ACCT", "billingsup": "ACCT", "compliance": "ADMIN",
}

// extraStaff are further doctors and nurses, so lists and hand-overs have more than one name.
var extraStaff = []identity.NewUser{
	{Username: "dr.rao", FullName: "Dr. Venkatesh Rao", Department: "SURG", Roles: []string{"doctor"}},
	{Username: "dr.iyer", FullName: "Dr. Meera Iyer", Department: "PAED", Roles: []string{"doctor"}},
	{Username: "dr.khan", FullName: "Dr. Tariq Khan", Department: "CARD", Roles: []string{"doctor"}},
	{Username: "dr.menon", FullName: "Dr. Deepa Menon", Department: "OBG", Roles: []string{"doctor"}},
	{Username: "dr.hegde", FullName: "Dr. Prakash Hegde", Department: "MED", Roles: []string{"doctor", "senior_doctor"}},
	{Username: "nurse.joseph", FullName: "Annamma Joseph", Department: "SURG", Roles: []string{"nurse"}},
	{Username: "nurse.das", FullName: "Rina Das", Department: "OBG", Roles: []string{"nurse"}},
}

func staff(ctx context.Context, users *identity.Users) (int, error) {
	all := make([]identity.NewUser, 0, len(DemoLogins)+len(extraStaff))
	for _, l := range DemoLogins {
		all = append(all, identity.NewUser{Username: l.Username, FullName: l.FullName,
			Department: demoDepartmentOf[l.Username], Roles: []string{l.Role}})
	}
	all = append(all, extraStaff...)
	for _, u := range all {
		u.Password, u.MustChangePassword = DemoPassword, false
		_, err := users.Create(ctx, u, by)
		if err := put("user", u.Username, err); err != nil {
			return 0, err
		}
	}
	return len(all), nil
}

// departmentOf is the department of a demo account.
func departmentOf(username string) string {
	if d, ok := demoDepartmentOf[username]; ok {
		return d
	}
	for _, u := range extraStaff {
		if u.Username == username {
			return u.Department
		}
	}
	return ""
}
