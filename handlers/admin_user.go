package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/identity"
	"hms/views"
)

// userShow is one account: roles, password reset, disable, lockout and sessions.
func (a *App) userShow(c *fiber.Ctx) error {
	vm, err := a.userVM(c, c.Params("username"))
	if err != nil {
		return err
	}
	return a.page(c, vm.FullName, views.UserPage(vm))
}

func (a *App) userVM(c *fiber.Ctx, username string) (views.UserVM, error) {
	ctx := c.UserContext()
	u, err := a.Users.ByUsername(ctx, username)
	if err != nil {
		return views.UserVM{}, err
	}
	fails, err := a.Auth.Failures(ctx, u.Username)
	if err != nil {
		return views.UserVM{}, err
	}
	vm := views.UserVM{Username: u.Username, FullName: u.FullName, Department: u.Department,
		RoleLabels: roleLabels(u.Roles), Roles: roleOptions(u.Roles), Disabled: u.Disabled,
		MustChange: u.MustChangePassword, Failures: fails, Self: u.Username == currentUser(c).Username,
		Created: views.DateTime(u.CreatedAt, a.cfg.Location) + " by " + u.CreatedBy,
		Updated: views.DateTime(u.UpdatedAt, a.cfg.Location) + " by " + u.UpdatedBy, Errors: map[string]string{}}
	sessions, err := a.Sessions.Active(ctx, a.cfg.IdleTimeout)
	if err != nil {
		return vm, err
	}
	for _, s := range sessions {
		if s.UserID == u.Username {
			vm.Sessions = append(vm.Sessions, a.sessionRow(s))
		}
	}
	return vm, nil
}

type rolesInput struct {
	Roles []string `form:"roles" validate:"required,min=1,dive,max=32"`
}

// userRoles replaces a user's roles and signs them out, so the new roles apply at once.
func (a *App) userRoles(c *fiber.Ctx) error {
	username := c.Params("username")
	var in rolesInput
	if err := parseForm(c, &in, "roles"); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	for _, r := range in.Roles {
		if !validRole(r) || Role(r) == RolePatient {
			errs["roles"] = "Choose roles from the list."
		}
	}
	if username == currentUser(c).Username {
		errs["roles"] = "You cannot change your own roles; ask another administrator."
	}
	if len(errs) > 0 {
		return a.userFormError(c, username, errs)
	}
	by := currentUser(c).Username
	if err := a.Users.SetRoles(c.UserContext(), username, in.Roles, by); err != nil {
		return err
	}
	if _, err := a.Sessions.RevokeUser(c.UserContext(), username, "", by); err != nil {
		return err
	}
	a.log.Info("roles changed", "user", username, "by", by)
	a.setFlash(c, "ok", "Roles saved. "+username+" was signed out everywhere so the new roles apply at once.")
	return redirect(c, "/admin/users/"+username)
}

type resetInput struct {
	Password string `form:"password" validate:"required,max=256"`
}

// userResetPassword sets a temporary password, ends the user's sessions and forces a change.
func (a *App) userResetPassword(c *fiber.Ctx) error {
	username := c.Params("username")
	var in resetInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if errs["password"] == "" {
		if perr := identity.CheckPolicy(in.Password, username); perr != nil {
			errs["password"] = perr.Error()
		}
	}
	if len(errs) > 0 {
		return a.userFormError(c, username, errs)
	}
	by := currentUser(c).Username
	ctx := c.UserContext()
	if err := a.Users.SetPassword(ctx, username, in.Password, true, by); err != nil {
		return err
	}
	if _, err := a.Sessions.RevokeUser(ctx, username, "", by); err != nil {
		return err
	}
	if err := a.Auth.Unlock(ctx, username); err != nil {
		return err
	}
	a.log.Info("password reset", "user", username, "by", by)
	a.setFlash(c, "ok", "Temporary password set; "+username+" must change it at next sign-in. Their sessions were ended.")
	return redirect(c, "/admin/users/"+username)
}

func (a *App) userDisable(c *fiber.Ctx) error { return a.setDisabled(c, true) }
func (a *App) userEnable(c *fiber.Ctx) error  { return a.setDisabled(c, false) }

func (a *App) setDisabled(c *fiber.Ctx, disabled bool) error {
	username, by := c.Params("username"), currentUser(c).Username
	if username == by {
		return a.userFormError(c, username, map[string]string{"status": "You cannot disable your own account."})
	}
	if err := a.Users.SetDisabled(c.UserContext(), username, disabled, by); err != nil {
		return err
	}
	msg := "Account enabled."
	if disabled {
		if _, err := a.Sessions.RevokeUser(c.UserContext(), username, "", by); err != nil {
			return err
		}
		msg = "Account disabled and signed out everywhere."
	}
	a.log.Info("account status", "user", username, "disabled", disabled, "by", by)
	a.setFlash(c, "ok", msg)
	return redirect(c, "/admin/users/"+username)
}

func (a *App) userUnlock(c *fiber.Ctx) error {
	username := c.Params("username")
	if err := a.Auth.Unlock(c.UserContext(), username); err != nil {
		return err
	}
	a.setFlash(c, "ok", "Failed sign-ins cleared for "+username+".")
	return redirect(c, "/admin/users/"+username)
}

// userFormError re-renders the user page with errors next to the fields (422).
func (a *App) userFormError(c *fiber.Ctx, username string, errs map[string]string) error {
	vm, err := a.userVM(c, username)
	if errors.Is(err, store.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	vm.Errors = errs
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, vm.FullName, views.UserPage(vm))
}
