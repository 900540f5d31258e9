package seed_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/identity"
	"hms/store/patients"
	"hms/store/secret"
	"hms/store/seed"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestDemo(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	cat := catalog.New(db)

	// A seed that stopped half-way left a department behind: the next run completes it.
	if err := cat.AddDepartment(ctx, catalog.Department{Code: "MED", Name: "General Medicine", Clinical: true}); err != nil {
		t.Fatal(err)
	}
	box, err := secret.New([]byte("a test key of thirty-two bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	pats := patients.New(db, box, nil)
	loaded, err := seed.Demo(ctx, db, pats, nil)
	if err != nil || !loaded {
		t.Fatalf("first Demo = %v, %v; want true, nil", loaded, err)
	}
	loaded, err = seed.Demo(ctx, db, pats, nil)
	if err != nil || loaded {
		t.Fatalf("second Demo = %v, %v; want false, nil", loaded, err)
	}

	// Demo patients: searchable, one newborn linked to her mother, each with an account.
	res, err := pats.Search(ctx, "sharma", 20)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 { // Rajesh, Sunita and Baby of Sunita
		t.Errorf("search sharma: %d hits, want 3", res.Total)
	}
	if n := pats.Indexed(); n != 21 {
		t.Errorf("%d demo patients, want 21", n)
	}
	for _, h := range res.Hits {
		if _, err := billing.NewAccounts(db).ByPatient(ctx, h.ID); err != nil {
			t.Errorf("patient %s has no billing account: %v", h.MRN, err)
		}
	}

	services, err := cat.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	priced := map[string]bool{}
	now := time.Now()
	for _, s := range services {
		if amount, ok := s.PriceAt(now); !ok || amount <= 0 {
			t.Errorf("service %s has no positive price now (%d, %v)", s.Code, amount, ok)
		}
		if !slices.Contains(catalog.Categories, s.Category) {
			t.Errorf("service %s: unknown category %q", s.Code, s.Category)
		}
		priced[s.Code] = true
	}
	if amount, _ := mustService(t, cat, "BED-GEN").PriceAt(now); amount != 150000 {
		t.Errorf("BED-GEN = %d paise, want 150000", amount)
	}

	drugs, err := cat.Drugs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(drugs) < 40 {
		t.Errorf("%d drugs, want at least 40", len(drugs))
	}
	var controlled int
	for _, d := range drugs {
		if d.Controlled {
			controlled++
		}
		if d.PackSize <= 0 || d.Unit == "" || d.ATC == "" {
			t.Errorf("drug %s incomplete: %+v", d.Code, d)
		}
	}
	if controlled < 3 {
		t.Errorf("%d controlled drugs, want morphine, tramadol and diazepam at least", controlled)
	}

	checkLab(t, cat, priced)
	checkBeds(t, cat, priced)
	checkStaff(t, identity.NewUsers(db), cat)
}

func mustService(t *testing.T, cat *catalog.Catalog, code string) catalog.Service {
	t.Helper()
	s, err := cat.Service(context.Background(), code)
	if err != nil {
		t.Fatalf("service %s: %v", code, err)
	}
	return s
}

func checkLab(t *testing.T, cat *catalog.Catalog, priced map[string]bool) {
	t.Helper()
	tests, err := cat.LabTests(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]catalog.LabTest{}
	for _, lt := range tests {
		byCode[lt.Code] = lt
	}
	for _, p := range []string{"CBC", "RFT", "LFT", "LIPID", "ELEC", "URINE"} {
		panel, ok := byCode[p]
		if !ok || !panel.IsPanel() {
			t.Errorf("panel %s missing or has no components", p)
			continue
		}
		for _, c := range panel.Components {
			if _, ok := byCode[c]; !ok {
				t.Errorf("panel %s: component %s is not in the catalogue", p, c)
			}
		}
	}
	for _, s := range []string{"HBA1C", "GLU-F", "GLU-PP", "GLU-R", "TSH"} {
		if byCode[s].ServiceCode == "" {
			t.Errorf("single test %s missing or not orderable", s)
		}
	}
	for _, lt := range tests {
		if lt.IsPanel() && lt.ServiceCode == "" {
			t.Errorf("panel %s has no service code", lt.Code)
		}
		if lt.ServiceCode != "" && !priced[lt.ServiceCode] {
			t.Errorf("lab test %s: service %s is not on the price list", lt.Code, lt.ServiceCode)
		}
		if lt.Specimen == "" || lt.Container == "" || lt.TATHours <= 0 {
			t.Errorf("lab test %s: specimen, container or TAT missing", lt.Code)
		}
		if lt.CriticalLow != nil && lt.CriticalHigh != nil && *lt.CriticalLow >= *lt.CriticalHigh {
			t.Errorf("lab test %s: critical limits inverted", lt.Code)
		}
	}
	if k := byCode["K"]; k.CriticalLow == nil || *k.CriticalLow != 2.8 || k.CriticalHigh == nil || *k.CriticalHigh != 6.2 {
		t.Errorf("potassium critical limits = %v, %v", k.CriticalLow, k.CriticalHigh)
	}
}

func checkBeds(t *testing.T, cat *catalog.Catalog, priced map[string]bool) {
	t.Helper()
	ctx := context.Background()
	depts, err := cat.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deptCodes := map[string]bool{}
	for _, d := range depts {
		deptCodes[d.Code] = true
	}
	if len(depts) != 12 {
		t.Errorf("%d departments, want 12", len(depts))
	}
	wards, err := cat.Wards(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wards {
		if !deptCodes[w.Department] {
			t.Errorf("ward %s: department %q does not exist", w.Code, w.Department)
		}
	}
	beds, err := cat.AllBeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(beds) < 50 {
		t.Errorf("%d beds, want at least 50", len(beds))
	}
	status := map[string]int{}
	for _, b := range beds {
		if !priced[b.BedType] {
			t.Errorf("bed %s: bed type %q is not on the price list", b.ID, b.BedType)
		}
		status[b.Status]++
	}
	if status[catalog.BedBlocked] != 1 || status[catalog.BedCleaning] != 1 || status[catalog.BedOccupied] != 3 ||
		status[catalog.BedAvailable] != len(beds)-5 {
		t.Errorf("bed states = %v; want one blocked, one cleaning, three occupied by the demo inpatients, the rest available", status)
	}
}

func checkStaff(t *testing.T, users *identity.Users, cat *catalog.Catalog) {
	t.Helper()
	ctx := context.Background()
	all, err := users.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{"admin", "front_desk", "admission_desk", "doctor", "nurse", "charge_nurse", "lab_tech",
		"pathologist", "pharmacist", "store_keeper", "billing_clerk", "billing_supervisor", "compliance", "display"}
	for _, r := range roles {
		if !slices.ContainsFunc(all, func(u identity.User) bool { return u.HasRole(r) }) {
			t.Errorf("no user holds role %s", r)
		}
	}
	if len(seed.DemoLogins) != len(roles) {
		t.Errorf("%d demo logins, want %d", len(seed.DemoLogins), len(roles))
	}
	depts, _ := cat.Departments(ctx)
	for _, u := range all {
		if u.HasRole("patient") {
			t.Errorf("seed created portal account %s", u.Username)
		}
		if u.Department != "" && !slices.ContainsFunc(depts, func(d catalog.Department) bool { return d.Code == u.Department }) {
			t.Errorf("user %s: department %q does not exist", u.Username, u.Department)
		}
	}
	for _, l := range seed.DemoLogins {
		u, err := users.ByUsername(ctx, l.Username)
		if err != nil {
			t.Errorf("demo login %s: %v", l.Username, err)
			continue
		}
		if !u.HasRole(l.Role) || u.MustChangePassword || !identity.CheckPassword(u.PasswordHash, seed.DemoPassword) {
			t.Errorf("demo login %s cannot sign in as %s", l.Username, l.Role)
		}
	}
}
