package handlers

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
	"hms/store/ipd"
	"hms/views"
)

// wardHome lets ward staff pick a ward: one card per ward with its occupancy.
func (a *App) wardHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	wards, err := a.Catalog.Wards(ctx)
	if err != nil {
		return err
	}
	beds, err := a.Catalog.AllBeds(ctx)
	if err != nil {
		return err
	}
	per, _ := tallyBeds(beds)
	cards := make([]views.WardCard, 0, len(wards))
	for _, w := range wards {
		cards = append(cards, views.WardCard{Code: w.Code, Name: w.Name, Type: wardTypeLabel(w.Type),
			Floor: w.Floor, Counts: per[w.Code]})
	}
	return a.page(c, "Wards", views.WardChooser(cards))
}

// wardCodeRE is what a ward code may look like; anything else never reaches the store.
var wardCodeRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,16}$`)

// wardBoard shows every bed of one ward as a tile, occupied ones with their patient
// and badges. The board polls this same URL every 20 s with the version it shows. The
// version is a fingerprint of the ward's beds (state, occupant — also when changed
// outside the wards' store), the ward's revision (moved by every change of an occupant's
// orders, vitals, MAR or discharge) and a five-minute time bucket (due and overdue
// medicines change with the clock): an unchanged board costs the beds read and a 204,
// never the occupants' admissions or the rendering.
func (a *App) wardBoard(c *fiber.Ctx) error {
	code := c.Params("code")
	if !wardCodeRE.MatchString(code) {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	rev, err := a.IPD.Rev(ctx, code)
	if err != nil {
		return err
	}
	beds, err := a.IPD.BedsOfWard(ctx, code)
	if err != nil {
		return err
	}
	now := a.IPD.Now()
	state := make([]string, 0, len(beds))
	for _, b := range beds {
		state = append(state, b.ID+"|"+b.Status+"|"+b.AdmissionID+"|"+b.StatusReason)
	}
	version := fingerprint(rev, now.Unix()/300, state)
	if isPartial(c) && c.Query("v") == version {
		return c.SendStatus(fiber.StatusNoContent)
	}
	w, err := a.Catalog.Ward(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	cat := make([]catalog.Bed, len(beds))
	for i, b := range beds {
		cat[i] = b.Bed
	}
	types, err := a.bedTypeNames(c, cat)
	if err != nil {
		return err
	}
	census, err := a.IPD.CensusOf(ctx, w.Code, a.IPD.DateOf(now))
	if err != nil {
		return err
	}
	u := currentUser(c)
	vm := views.WardBoardPageVM{Code: w.Code, Name: w.Name, Type: wardTypeLabel(w.Type), Floor: w.Floor,
		Sex: wardSexLabel(w.Sex), NurseStation: w.NurseStation, PollHeaders: pollHeaders(), Version: version,
		CSRF: a.csrfToken(c), CanAdmit: can(u.Roles, PermAdmit), CanSetup: can(u.Roles, PermBedsManage), AdmittedToday: len(census.Admitted), DischargedToday: len(census.Discharged)}
	per, _ := tallyBeds(cat)
	vm.Counts = per[w.Code]
	var occupied []string
	for _, b := range beds {
		if b.Status == catalog.BedOccupied && b.AdmissionID != "" {
			occupied = append(occupied, b.AdmissionID)
		}
	}
	tiles, err := a.IPD.Tiles(ctx, code, rev, occupied)
	if err != nil {
		return err
	}
	for _, b := range beds {
		t := views.WardTile{ID: b.ID, Code: b.Code, State: b.Status, StateLabel: bedStateLabel(b.Status),
			TypeName: types[b.BedType], Reason: b.StatusReason, Features: b.Features,
			CanClean:   b.Status == catalog.BedCleaning && can(u.Roles, PermNursing),
			CanUnblock: b.Status == catalog.BedBlocked && can(u.Roles, PermBedsManage)}
		if adm, ok := tiles[b.AdmissionID]; ok && b.Status == catalog.BedOccupied {
			adm.ID = b.AdmissionID
			a.fillTile(&t, adm, now)
		}
		vm.Tiles = append(vm.Tiles, t)
	}
	return a.widePage(c, w.Name, views.WardBoard(vm))
}

// fillTile puts an occupied bed's patient and badges on its tile.
func (a *App) fillTile(t *views.WardTile, adm ipd.Admission, now time.Time) {
	t.AdmissionID, t.Name, t.AgeSex, t.Doctor = adm.ID, adm.Name, adm.AgeSex(now), adm.DoctorName
	t.Days = adm.DaysIn(now, a.cfg.Location)
	if d, err := time.ParseInLocation(ipd.DateLayout, adm.ExpectedDischarge, a.cfg.Location); err == nil {
		t.Expected = d.Format("2 Jan")
	}
	t.Allergies = strings.Join(adm.Allergies, ", ")
	t.AllergyUnknown = adm.AllergyStatus == "unknown" || adm.AllergyStatus == ""
	t.Unacked, t.VitalsAbnormal = adm.Unacked, len(adm.VitalsAbnormal) > 0
	t.Fall, t.Isolation = slices.Contains(adm.Flags, ipd.FlagFall), slices.Contains(adm.Flags, ipd.FlagIsolation)
	t.Discharge = adm.Status == ipd.StateDischargeOrdered
	if due := adm.NextDue; !due.IsZero() {
		switch {
		case due.Before(now.Add(-time.Hour)):
			t.MedsDue = "overdue"
		case due.Before(now.Add(30 * time.Minute)):
			t.MedsDue = "due"
		}
		t.DueAt = due.In(a.cfg.Location).Format("15:04")
	}
}

// bedTypeNames looks up the name of each bed type the ward uses (a ward has one or
// two), by _id on the price list rather than reading the whole list.
func (a *App) bedTypeNames(c *fiber.Ctx, beds []catalog.Bed) (map[string]string, error) {
	names := map[string]string{}
	for _, b := range beds {
		if _, done := names[b.BedType]; done || b.BedType == "" {
			continue
		}
		s, err := a.Catalog.Service(c.UserContext(), b.BedType)
		switch {
		case errors.Is(err, store.ErrNotFound):
			names[b.BedType] = b.BedType // a bed type missing from the price list still shows its code
		case err != nil:
			return nil, err
		default:
			// The tile has no room for the billing unit the price list carries.
			names[b.BedType] = strings.TrimSuffix(s.Name, " (per day)")
		}
	}
	return names, nil
}
