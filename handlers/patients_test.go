package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/handlers"
)

// patientID finds a demo patient by name.
func (e *env) patientID(name string) string {
	e.t.Helper()
	res, err := e.pats.Search(context.Background(), name, 1)
	require.NoError(e.t, err)
	require.NotEmpty(e.t, res.Hits, "no demo patient %q", name)
	return res.Hits[0].ID
}

var tokenRE = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

// newPatientForm opens the registration form and returns its one-time token.
func (c *client) newPatientForm() string {
	c.e.t.Helper()
	status, body, _ := c.get("/patients/new")
	require.Equal(c.e.t, http.StatusOK, status)
	m := tokenRE.FindStringSubmatch(body)
	require.NotNil(c.e.t, m, "the form carries a token")
	return m[1]
}

func validPatient(token string) url.Values {
	return url.Values{"token": {token}, "given": {"Nandini"}, "family": {"Hegde"}, "sex": {"F"}, "dob": {"1990-05-17"},
		"phone": {"+91 99001 55667"}, "city": {"Bengaluru"}, "allergy_status": {"nka"}, "rank": {"primary"}}
}

func TestFrontDeskRegistersAPatientWithInsurance(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	form := validPatient(desk.newPatientForm())
	form.Set("payer_plan", "STAR/FHO")
	form.Set("member_number", "STAR-9999-0001")
	form.Set("valid_from", "2026-04-01")
	form.Set("valid_to", "2027-03-31")
	status, body, resp := desk.post("/patients", form)
	require.Equal(t, http.StatusSeeOther, status, body)
	chart := resp.Header.Get("Location")
	require.Regexp(t, `^/patients/[0-9a-f]{24}$`, chart, "the chart's URL holds an opaque id, never the MRN or name")

	status, body, _ = desk.get(chart)
	require.Equal(t, http.StatusOK, status)
	assert.Regexp(t, `Registered Nandini Hegde — MRN \d{6}`, body, "the confirmation shows the MRN")
	assert.Contains(t, body, "Insured: Star Health")
	assert.Contains(t, body, `data-state="nka"`)
	assert.Contains(t, body, "₹0.00", "the new billing account has a zero balance")
	_, body, _ = desk.get(chart)
	assert.NotContains(t, body, "Registered Nandini Hegde", "a flash message shows once")

	_, body, _ = desk.get(chart + "?tab=insurance")
	assert.Contains(t, body, "••••\u00a00001", "the chart shows the member number masked")
	assert.NotContains(t, body, "STAR-9999-0001")
	assert.Contains(t, body, "In force")

	// Found by phone typed another way, by a reversed partial name, and by the card's number.
	for _, q := range []string{"9900155667", "hegde nan", "NANDINI", "star 9999 0001"} {
		status, body, _ = desk.post("/patients/search", url.Values{"q": {q}}, "HX-Request", "true")
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, "Nandini Hegde", "search %q", q)
		assert.Equal(t, q == "star 9999 0001", strings.Contains(body, "Found by insurance member number"), q)
		assert.NotContains(t, body, "<html", "the search answers a fragment")
	}
}

func TestDoubleClickedSaveRegistersOnePatient(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	form := validPatient(desk.newPatientForm())
	var wg sync.WaitGroup
	locations := make([]string, 5)
	for i := range locations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			_, _, resp := desk.post("/patients", f)
			locations[i] = resp.Header.Get("Location")
		}()
	}
	wg.Wait()
	for _, l := range locations {
		assert.Equal(t, locations[0], l, "every click lands on the same patient")
	}
	res, err := e.pats.Search(context.Background(), "nandini hegde", 20)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Total, "one patient, not five")
}

func TestBadRegistrationInputIsRefusedNextToTheFieldAndKept(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	before := e.pats.Indexed()
	cases := []struct{ name, field, value, want string }{
		{"future date of birth", "dob", "2999-01-01", "cannot be in the future"},
		{"February 30", "dob", "2000-02-30", "Not a real date"},
		{"more than 130 years ago", "dob", "1850-06-01", "more than 130 years"},
		{"phone with letters", "phone", "98450-ABCDE", "Not a phone number"},
		{"phone too short", "phone", "12345", "Not a phone number"},
		{"empty name", "given", "   ", "Required."},
		{"300-character name", "given", strings.Repeat("a", 300), "Too long"},
		{"zero-width space in a name", "given", "Nan\u200bdini", "invisible or control characters"},
		{"right-to-left override in a name", "family", "Heg\u202ede", "invisible or control characters"},
		{"unknown sex", "sex", "X", "Choose one of the listed options"},
		{"age out of range", "age_years", "200", "0 to 130"},
		{"PIN not 6 digits", "pin", "56001", "exactly 6"},
		{"listed allergy without severity", "a1_severity", "", "how severe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := validPatient(desk.newPatientForm())
			form.Set(tc.field, tc.value)
			if tc.field == "age_years" {
				form.Del("dob")
			}
			if tc.field == "a1_severity" {
				form.Set("allergy_status", "listed")
				form.Set("a1_substance", "Latex")
			}
			status, body, _ := desk.post("/patients", form)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			assert.Contains(t, body, `data-error="`+tc.field+`"`, "the error sits next to the field")
			assert.Contains(t, body, tc.want)
			assert.Contains(t, body, `value="Bengaluru"`, "the other entries are kept")
			assert.Contains(t, body, "Nothing was saved")
		})
	}
	assert.Equal(t, before, e.pats.Indexed(), "nothing was stored")
}

func TestScriptInANameIsStoredAsTextAndShownEscaped(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	form := validPatient(desk.newPatientForm())
	form.Set("given", `<script>alert(1)</script>`)
	form.Set("family", `"><img src=x onerror=alert(1)>`)
	form.Set("phone", "9000011111")
	status, _, resp := desk.post("/patients", form)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ := desk.get(resp.Header.Get("Location"))
	assert.NotContains(t, body, "<script>alert(1)")
	assert.NotContains(t, body, "<img src=x")
	assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestSamePhoneWarnsBeforeSavingAndConfirmRegisters(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	before := e.pats.Indexed()
	form := validPatient(desk.newPatientForm())
	form.Set("phone", "098450 12345") // Rajesh Sharma's number, typed another way
	status, body, _ := desk.post("/patients", form)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="duplicate-warning"`)
	assert.Contains(t, body, "Rajesh Sharma")
	assert.Contains(t, body, "same phone")
	assert.Equal(t, before, e.pats.Indexed(), "a warning saves nothing")

	form.Set("confirm_new", "1")
	status, _, _ = desk.post("/patients", form)
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, before+1, e.pats.Indexed())
}

func TestAnIDNumberBelongsToOnePatient(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	form := validPatient(desk.newPatientForm())
	form.Set("id_kind", "Aadhaar")
	form.Set("id_number", "2345 6789 0123") // Rajesh Sharma's
	status, body, _ := desk.post("/patients", form)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "same ID number")

	form.Set("confirm_new", "1")
	status, body, _ = desk.post("/patients", form)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="id_number"`)
	assert.Contains(t, body, "already registered to MRN 100001")
	assert.NotContains(t, body, "234567890123", "the number is not echoed back into the page source as stored")
}

func TestEnterAndScannerOpenTheFirstMatch(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	id := e.patientID("Rajesh Sharma")
	for _, q := range []string{"100001", "sharma rajesh", "98450 12345"} {
		status, _, resp := desk.post("/patients/find", url.Values{"q": {q}})
		require.Equal(t, http.StatusSeeOther, status, q)
		assert.Equal(t, "/patients/"+id, resp.Header.Get("Location"), q)
	}
	status, body, _ := desk.post("/patients/find", url.Values{"q": {"zzzz nobody"}})
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="no-results"`)
	assert.Contains(t, body, `value="zzzz nobody"`, "the query is kept")
}

func TestHostileSearchesFindNothingAndNeverFail(t *testing.T) {
	e := newEnv(t)
	nurse := e.as(handlers.RoleNurse)
	for _, form := range []url.Values{
		{"q[$ne]": {"x"}}, {"q": {`{"$gt":""}`}}, {"q": {".*"}}, {"q": {"<script>alert(1)</script>"}},
		{"q": {strings.Repeat("é", 5000)}}, {"q": {"\x00\x01"}},
	} {
		status, body, _ := nurse.post("/patients/search", form, "HX-Request", "true")
		assert.Equal(t, http.StatusOK, status, "%v", form)
		assert.NotContains(t, body, "result-row", "%v finds nobody", form)
		assert.NotContains(t, body, "<script>alert")
	}
}

func TestUnknownPatientIs404(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	for _, p := range []string{"/patients/zzz", "/patients/000000000000000000000000", "/patients/%00", "/patients/ffffffffffffffffffffffff/print"} {
		status, body, _ := desk.get(p)
		assert.Equal(t, http.StatusNotFound, status, p)
		assert.NotContains(t, body, "mongo", p)
	}
}

func TestCliniciansRecordAllergiesAndTheFrontDeskCannot(t *testing.T) {
	e := newEnv(t)
	id := e.patientID("José D'Souza") // allergies not yet recorded
	chart := "/patients/" + id
	desk := e.as(handlers.RoleFrontDesk)
	_, body, _ := desk.get(chart)
	assert.Contains(t, body, `data-state="unknown"`, "amber: not yet recorded")
	status, _, _ := desk.post(chart+"/allergies", url.Values{"substance": {"Latex"}, "severity": {"mild"}})
	assert.Equal(t, http.StatusForbidden, status, "front desk records allergies only at registration")

	doctor := e.as(handlers.RoleDoctor)
	doctor.get(chart)
	status, body, _ = doctor.post(chart+"/allergies", url.Values{"substance": {""}, "severity": {"severe"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, `data-error="substance"`)
	status, _, _ = doctor.post(chart+"/allergies", url.Values{"substance": {"Penicillin"}, "reaction": {"Rash"}, "severity": {"severe"}})
	assert.Equal(t, http.StatusSeeOther, status)
	_, body, _ = doctor.get(chart)
	assert.Contains(t, body, `data-state="listed"`)
	assert.Contains(t, body, "Allergies: Penicillin")
	_, body, _ = doctor.get(chart + "?tab=history")
	assert.Contains(t, body, "Allergy added")
	assert.Contains(t, body, "t.doctor", "the history says who")
}

func TestEditKeepsHistoryAndRefusesAStaleVersion(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	chart := "/patients/" + e.patientID("Harish Shetty")
	_, body, _ := desk.get(chart + "/edit")
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	form := url.Values{"version": {version}, "given": {"Harish"}, "family": {"Shetty"}, "sex": {"M"}, "dob": {"1975-10-10"},
		"phone": {"9844099999"}, "city": {"Udupi"}}
	status, body, _ := desk.post(chart, form)
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = desk.get(chart + "?tab=history")
	assert.Contains(t, body, "9844012345")
	assert.Contains(t, body, "9844099999")

	form.Set("phone", "9844088888") // same old version: someone else saved in between
	status, body, _ = desk.post(chart, form)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Someone else changed this record")
	assert.Contains(t, body, `value="9844088888"`, "the user's entry is kept")
}

func TestNewbornIsLinkedToTheMotherAndPrintShowsABarcode(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	mother := "/patients/" + e.patientID("Fatima Begum")
	_, body, _ := desk.get(mother + "/newborn")
	token := tokenRE.FindStringSubmatch(body)[1]
	status, body, resp := desk.post(mother+"/newborn", url.Values{"token": {token}, "given": {"Baby of Fatima"}, "sex": {"M"}, "dob": {"2026-11-01"}})
	require.Equal(t, http.StatusSeeOther, status, body)
	_, body, _ = desk.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "Baby of Fatima Begum")
	assert.Contains(t, body, "Mother: MRN")

	status, body, _ = desk.get(mother + "/print")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-testid="barcode"`)
	assert.Contains(t, body, "<rect")
}

func TestMarkingADuplicatePointsToTheSurvivor(t *testing.T) {
	e := newEnv(t)
	desk := e.as(handlers.RoleFrontDesk)
	dup := "/patients/" + e.patientID("Asha Kumari")
	status, body, _ := desk.post(dup+"/duplicate", url.Values{"survivor_mrn": {"999999"}, "reason": {"registered twice"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "No patient has this MRN")
	status, _, _ = desk.post(dup+"/duplicate", url.Values{"survivor_mrn": {"100012"}, "reason": {"registered twice"}})
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = desk.get(dup)
	assert.Contains(t, body, `data-testid="survivor-link"`)
	assert.Contains(t, body, "MRN 100012")
	_, body, _ = desk.post("/patients/search", url.Values{"q": {"kumari"}}, "HX-Request", "true")
	assert.Contains(t, body, "Duplicate of MRN 100012")
}
