package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
	"hms/store/identity"
	"hms/views"
)

const msgBadLogin = "Wrong username or password."

type loginInput struct {
	Username string `form:"username" validate:"max=64"`
	Password string `form:"password" validate:"max=256"`
	Next     string `form:"next" validate:"max=512"`
}

func (a *App) loginForm(c *fiber.Ctx) error {
	if u := currentUser(c); u != nil {
		return redirect(c, homeFor(u.Roles))
	}
	vm := views.LoginVM{Next: c.Query("next"), CSRF: a.csrfToken(c)}
	if c.Query("expired") == "1" {
		vm.Notice = "You were signed out after a period of inactivity. Please sign in again."
	}
	return a.page(c, "Sign in", views.LoginPage(vm))
}

func (a *App) login(c *fiber.Ctx) error {
	var in loginInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	vm := views.LoginVM{Username: in.Username, Next: in.Next}
	fail := func(status int, msg string) error {
		vm.Error, vm.CSRF = msg, a.csrfToken(c)
		c.Status(status)
		return a.page(c, "Sign in", views.LoginPage(vm))
	}
	if err := a.validate.Struct(in); err != nil {
		vm.Username = ""
		return fail(fiber.StatusUnprocessableEntity, "Username or password is too long.")
	}
	username := identity.NormalizeUsername(in.Username)
	if !identity.ValidUsername(username) {
		identity.CheckPassword("", in.Password)
		return fail(fiber.StatusUnauthorized, msgBadLogin)
	}
	u, err := a.Auth.Login(c.UserContext(), username, in.Password)
	switch {
	case errors.Is(err, identity.ErrLockedOut):
		a.log.Warn("login locked out", "user", username, "ip", c.IP())
		_ = a.loginEvent(c, username, audit.ActionLoginFail, "locked-out")
		return fail(fiber.StatusTooManyRequests, "Too many failed sign-ins. Try again in 15 minutes, or ask an administrator to unlock the account.")
	case errors.Is(err, identity.ErrBadCredentials), errors.Is(err, identity.ErrDisabled):
		a.log.Info("login failed", "user", username, "ip", c.IP())
		_ = a.loginEvent(c, username, audit.ActionLoginFail, "")
		return fail(fiber.StatusUnauthorized, msgBadLogin)
	case err != nil:
		return err
	}
	if old := currentUser(c); old != nil {
		_ = a.Sessions.Revoke(c.UserContext(), old.SessionID, old.Username)
	}
	if err := a.startSession(c, u); err != nil {
		return err
	}
	a.log.Info("login", "user", u.Username, "ip", c.IP())
	_ = a.loginEvent(c, u.Username, audit.ActionLoginOK, "")
	switch {
	case u.MustChangePassword:
		return redirect(c, "/account/password")
	case safeNext(in.Next) && in.Next != "/login":
		return redirect(c, in.Next)
	default:
		return redirect(c, homeFor(u.Roles))
	}
}

func (a *App) logout(c *fiber.Ctx) error {
	u := currentUser(c)
	if err := a.Sessions.Revoke(c.UserContext(), u.SessionID, u.Username); err != nil {
		return err
	}
	if err := a.saveCookie(c, ""); err != nil {
		return err
	}
	a.log.Info("logout", "user", u.Username)
	_ = a.audit(c, audit.ActionLogout, "", "", audit.OK)
	return redirect(c, "/login")
}

func (a *App) home(c *fiber.Ctx) error { return redirect(c, homeFor(currentUser(c).Roles)) }

func (a *App) account(c *fiber.Ctx) error {
	u := currentUser(c)
	vm := views.AccountVM{Username: u.Username, FullName: u.FullName}
	for _, r := range u.Roles {
		vm.Roles = append(vm.Roles, RoleLabels[Role(r)])
	}
	return a.page(c, "My account", views.AccountPage(vm))
}

type passwordInput struct {
	Current string `form:"current" validate:"required,max=256"`
	New     string `form:"new" validate:"required,max=256"`
	Confirm string `form:"confirm" validate:"required,max=256"`
}

func (a *App) passwordForm(c *fiber.Ctx) error {
	u := currentUser(c)
	return a.page(c, "Change password", views.PasswordPage(views.PasswordVM{MustChange: u.MustChange, Errors: map[string]string{}}))
}

func (a *App) changePassword(c *fiber.Ctx) error {
	u := currentUser(c)
	var in passwordInput
	if err := parseForm(c, &in); err != nil {
		return err
	}
	errs := fieldErrors(a.validate.Struct(in))
	if len(errs) == 0 {
		acct, err := a.Users.ByUsername(c.UserContext(), u.Username)
		if err != nil {
			return err
		}
		switch {
		case !identity.CheckPassword(acct.PasswordHash, in.Current):
			errs["current"] = "This is not your current password."
		case in.New != in.Confirm:
			errs["confirm"] = "The two new passwords differ."
		case in.New == in.Current:
			errs["new"] = "Choose a password different from the current one."
		default:
			if perr := identity.CheckPolicy(in.New, u.Username); perr != nil {
				errs["new"] = perr.Error()
			}
		}
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return a.page(c, "Change password", views.PasswordPage(views.PasswordVM{MustChange: u.MustChange, Errors: errs}))
	}
	ctx := c.UserContext()
	if err := a.Users.SetPassword(ctx, u.Username, in.New, false, u.Username); err != nil {
		return err
	}
	if _, err := a.Sessions.RevokeUser(ctx, u.Username, u.SessionID, u.Username); err != nil {
		return err
	}
	if err := a.Sessions.ClearMustChange(ctx, u.SessionID); err != nil {
		return err
	}
	a.log.Info("password changed", "user", u.Username)
	a.setFlash(c, "ok", "Your password was changed. Other sessions of your account were signed out.")
	return redirect(c, homeFor(u.Roles))
}

func (a *App) healthz(c *fiber.Ctx) error { return c.SendString("ok") }

func (a *App) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable")
	}
	return c.SendString("ready")
}

// loginEvent records a sign-in attempt. Sign-in itself never fails for want of the audit
// trail (staff must reach the wards); the failure is logged for the operator.
func (a *App) loginEvent(c *fiber.Ctx, username, action, object string) error {
	outcome := audit.OK
	if action == audit.ActionLoginFail {
		outcome = audit.Failed
	}
	return a.record(c, audit.Entry{User: username, Action: action, Object: object, Outcome: outcome, RequestID: requestID(c), IP: c.IP()})
}
