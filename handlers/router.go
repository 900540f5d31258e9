package handlers

import (
	"github.com/gofiber/fiber/v2"

	"hms/store/audit"
)

// router registers routes together with the permission each needs. A route cannot be
// added without one, and the policy map lets tests prove every route has one.
type router struct {
	app      *fiber.App
	policies map[string]Permission // "GET /admin/users" → permission
	a        *App                  // for the audit event of a refusal
}

func (r *router) add(method, path string, p Permission, h ...fiber.Handler) {
	r.policies[method+" "+path] = p
	if method == fiber.MethodGet {
		r.policies[fiber.MethodHead+" "+path] = p
	}
	handlers := append([]fiber.Handler{r.require(p)}, h...)
	r.app.Add(method, path, handlers...)
}

func (r *router) get(path string, p Permission, h ...fiber.Handler) {
	r.add(fiber.MethodGet, path, p, h...)
}
func (r *router) post(path string, p Permission, h ...fiber.Handler) {
	r.add(fiber.MethodPost, path, p, h...)
}

// require admits the request only when the signed-in user's roles grant p; a refusal is
// recorded in the audit trail.
func (r *router) require(p Permission) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if p == Public {
			return c.Next()
		}
		u := currentUser(c)
		if u == nil {
			return toLogin(c)
		}
		if !can(u.Roles, p) {
			_ = r.a.audit(c, audit.ActionAccessDenied, "", c.Method()+":"+c.Route().Path, audit.Denied)
			return fiber.ErrForbidden
		}
		if u.MustChange && p != PermSelf {
			return redirect(c, "/account/password")
		}
		return c.Next()
	}
}
