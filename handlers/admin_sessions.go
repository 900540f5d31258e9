package handlers

import (
	"cmp"
	"slices"

	"github.com/gofiber/fiber/v2"

	"hms/store/identity"
	"hms/views"
)

func (a *App) sessionRow(s identity.Session) views.SessionRow {
	return views.SessionRow{ID: s.ID, Username: s.UserID, FullName: s.FullName, Roles: roleLabels(s.Roles),
		Started: views.DateTime(s.CreatedAt, a.cfg.Location), LastSeen: views.DateTime(s.LastSeen, a.cfg.Location),
		IP: s.IP, UserAgent: s.UserAgent}
}

// sessionsList shows every active session; administrators and compliance can end any of them.
func (a *App) sessionsList(c *fiber.Ctx) error {
	sessions, err := a.Sessions.Active(c.UserContext(), a.cfg.IdleTimeout)
	if err != nil {
		return err
	}
	slices.SortFunc(sessions, func(x, y identity.Session) int { return cmp.Compare(y.LastSeen.Unix(), x.LastSeen.Unix()) })
	vm := views.SessionsVM{Own: currentUser(c).SessionID}
	for _, s := range sessions {
		vm.Rows = append(vm.Rows, a.sessionRow(s))
	}
	return a.page(c, "Active sessions", views.SessionsPage(vm))
}

func (a *App) sessionRevoke(c *fiber.Ctx) error {
	id, by := c.Params("id"), currentUser(c).Username
	if len(id) != 64 {
		return fiber.ErrNotFound
	}
	if err := a.Sessions.Revoke(c.UserContext(), id, by); err != nil {
		return err
	}
	a.log.Info("session revoked", "by", by)
	a.setFlash(c, "ok", "Session ended.")
	return redirect(c, "/admin/sessions")
}

// adminHome summarises what an administrator looks after.
func (a *App) adminHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	users, err := a.Users.List(ctx)
	if err != nil {
		return err
	}
	sessions, err := a.Sessions.Active(ctx, a.cfg.IdleTimeout)
	if err != nil {
		return err
	}
	wards, err := a.Catalog.Wards(ctx)
	if err != nil {
		return err
	}
	beds, err := a.Catalog.AllBeds(ctx)
	if err != nil {
		return err
	}
	svcs, err := a.Catalog.Services(ctx)
	if err != nil {
		return err
	}
	vm := views.AdminVM{Users: len(users), Sessions: len(sessions), Wards: len(wards), Beds: len(beds), Services: len(svcs)}
	if err := a.backupStatus(c, &vm); err != nil {
		return err
	}
	for _, u := range users {
		if u.Disabled {
			vm.Disabled++
		}
		if u.MustChangePassword {
			vm.MustChange++
		}
	}
	return a.page(c, "Administration", views.AdminPage(vm))
}
