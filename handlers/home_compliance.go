package handlers

import (
	"cmp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hms/store/identity"
	"hms/views"
)

// complianceHome shows who is signed in now, and which accounts are disabled or
// still carry a password an administrator set.
func (a *App) complianceHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sessions, err := a.Sessions.Active(ctx, a.cfg.IdleTimeout)
	if err != nil {
		return err
	}
	users, err := a.Users.List(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(sessions, func(x, y identity.Session) int { return y.LastSeen.Compare(x.LastSeen) })
	loc := a.cfg.Location
	vm := views.ComplianceVM{Accounts: len(users), IdleMinutes: int(a.cfg.IdleTimeout.Minutes())}
	for _, s := range sessions {
		vm.Sessions = append(vm.Sessions, views.ActiveSession{Username: s.UserID, FullName: s.FullName,
			Roles: roleNames(s.Roles), SignedIn: views.DateTime(s.CreatedAt, loc), LastSeen: views.DateTime(s.LastSeen, loc), IP: s.IP})
	}
	for _, u := range users {
		if !u.Disabled && !u.MustChangePassword {
			continue
		}
		vm.Flagged = append(vm.Flagged, views.FlaggedAccount{Username: u.Username, FullName: u.FullName,
			Roles: roleNames(u.Roles), PasswordChanged: views.DateTime(u.PasswordChangedAt, loc),
			Disabled: u.Disabled, MustChange: u.MustChangePassword})
	}
	// Disabled accounts first: they are the ones an auditor asks about.
	slices.SortStableFunc(vm.Flagged, func(x, y views.FlaggedAccount) int {
		return cmp.Compare(boolRank(y.Disabled), boolRank(x.Disabled))
	})
	return a.page(c, "Access overview", views.ComplianceHome(vm))
}

// roleNames joins the people-facing names of roles; an unknown role shows as stored.
func roleNames(roles []string) string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, cmp.Or(RoleLabels[Role(r)], r))
	}
	return strings.Join(out, ", ")
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
