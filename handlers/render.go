package handlers

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
)

// isPartial reports whether htmx asked for a fragment (not a history restore, which needs the page).
func isPartial(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true"
}

// render writes a component as HTML.
func render(c *fiber.Ctx, comp templ.Component) error {
	c.Vary("HX-Request") // one URL, two representations
	c.Type("html", "utf-8")
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// redirect sends the browser to another page: HX-Redirect for htmx, 303 otherwise.
func redirect(c *fiber.Ctx, to string) error {
	if isPartial(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
