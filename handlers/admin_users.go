package handlers

import (
	"errors"
	"slices"

	"github.com/gofiber/fiber/v2"

	"hms/store"
	"hms/store/identity"
	"hms/views"
	"hms/views/components"
)

func (a *App) usersList(c *fiber.Ctx) error {
	users, err := a.Users.List(c.UserContext())
	if err != nil {
		return err
	}
	var rows []views.UserRow
	for _, u := range users {
		rows = append(rows, views.UserRow{Username: u.Username, FullName: u.FullName, Roles: roleLabels(u.Roles),
			Department: u.Department, Disabled: u.Disabled, MustChange: u.MustChangePassword})
	}
	return a.page(c, "Users", views.UsersPage(rows))
}

type userInput struct {
	Username   string   `form:"username" validate:"required,max=32"`
	FullName   string   `form:"full_name" validate:"required,max=120,printable"`
	Department string   `form:"department" validate:"max=16"`
	Roles      []string `form:"roles" validate:"required,min=1,dive,max=32"`
	Password   string   `form:"password" validate:"required,max=256"`
}

func (a *App) userNewForm(c *fiber.Ctx) error {
	vm, err := a.userFormVM(c, userInput{}, map[string]string{})
	if err != nil {
		return err
	}
	return a.page(c, "New user", views.UserForm(vm))
}

func (a *App) userFormVM(c *fiber.Ctx, in userInput, errs map[string]string) (views.UserFormVM, error) {
	vm := views.UserFormVM{Username: in.Username, FullName: in.FullName, Department: in.Department,
		Roles: roleOptions(in.Roles), Errors: errs}
	deps, err := a.Catalog.Departments(c.UserContext())
	if err != nil {
		return vm, err
	}
	vm.Departments = append(vm.Departments, components.Option{Value: "", Label: "— none —"})
	for _, d := range deps {
		vm.Departments = append(vm.Departments, components.Option{Value: d.Code, Label: d.Name})
	}
	return vm, nil
}

// userCreate makes an account with a temporary password the user must change at first sign-in.
func (a *App) userCreate(c *fiber.Ctx) error {
	var in userInput
	if err := parseForm(c, &in, "roles"); err != nil {
		return err
	}
	in.Username = identity.NormalizeUsername(in.Username)
	errs := fieldErrors(a.validate.Struct(in))
	if errs["username"] == "" && !identity.ValidUsername(in.Username) {
		errs["username"] = "3–32 characters: lower-case letters a–z, digits, dot, dash or underscore, starting with a letter."
	}
	for _, r := range in.Roles {
		if !validRole(r) {
			errs["roles"] = "Choose roles from the list."
		}
	}
	if slices.Contains(in.Roles, string(RolePatient)) {
		errs["roles"] = "Portal accounts are created from the patient's record, not here."
	}
	if errs["password"] == "" {
		if perr := identity.CheckPolicy(in.Password, in.Username); perr != nil {
			errs["password"] = perr.Error()
		}
	}
	if len(errs) == 0 {
		_, err := a.Users.Create(c.UserContext(), identity.NewUser{Username: in.Username, FullName: in.FullName,
			Department: in.Department, Roles: in.Roles, Password: in.Password, MustChangePassword: true}, currentUser(c).Username)
		switch {
		case err == nil:
			a.log.Info("user created", "user", in.Username, "by", currentUser(c).Username)
			a.setFlash(c, "ok", "Account "+in.Username+" created. Give the temporary password to "+in.FullName+" in person; it must be changed at first sign-in.")
			return redirect(c, "/admin/users/"+in.Username)
		case errors.Is(err, store.ErrDuplicate):
			errs["username"] = "This username is taken."
		default:
			return err
		}
	}
	vm, err := a.userFormVM(c, in, errs)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return a.page(c, "New user", views.UserForm(vm))
}

func roleLabels(roles []string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, RoleLabels[Role(r)])
	}
	return out
}

func roleOptions(selected []string) []components.Option {
	var out []components.Option
	for _, r := range AllRoles {
		if r == RolePatient {
			continue
		}
		out = append(out, components.Option{Value: string(r), Label: RoleLabels[r], Selected: slices.Contains(selected, string(r))})
	}
	return out
}
