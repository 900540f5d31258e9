package handlers

import (
	"errors"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/catalog"
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

// wardBoard shows every bed of one ward as a tile. The board polls this same URL every
// 20 s; the htmx poll gets only the board section (a.widePage renders the body alone).
func (a *App) wardBoard(c *fiber.Ctx) error {
	code := c.Params("code")
	if !wardCodeRE.MatchString(code) {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	w, err := a.Catalog.Ward(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	beds, err := a.Catalog.BedsOfWard(ctx, w.Code)
	if err != nil {
		return err
	}
	types, err := a.bedTypeNames(c, beds)
	if err != nil {
		return err
	}
	vm := views.WardBoardVM{Code: w.Code, Name: w.Name, Type: wardTypeLabel(w.Type), Floor: w.Floor,
		Sex: wardSexLabel(w.Sex), NurseStation: w.NurseStation, PollHeaders: pollHeaders()}
	per, _ := tallyBeds(beds)
	vm.Counts = per[w.Code]
	for _, b := range beds {
		vm.Beds = append(vm.Beds, views.BedTile{Code: b.Code, State: b.Status, StateLabel: bedStateLabel(b.Status),
			TypeName: types[b.BedType], Reason: b.StatusReason, Features: b.Features})
	}
	vm.Version = fingerprint(vm)
	// A poll that finds the board as the tablet shows it gets no body: htmx swaps
	// nothing, so a tile is never replaced under a nurse's finger.
	if isPartial(c) && c.Query("v") == vm.Version {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return a.widePage(c, w.Name, views.WardBoard(vm))
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
