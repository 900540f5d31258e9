package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const preCookie = "hms_pre" // anonymous visitor id, so the login form has a CSRF token too

var errCSRF = fiber.NewError(fiber.StatusForbidden, "The form had expired or came from another site. Reload the page and try again.")

// csrfToken returns the token the current page must send back: an HMAC bound to the
// signed-in session, or to the anonymous visitor cookie.
func (a *App) csrfToken(c *fiber.Ctx) string {
	if u := currentUser(c); u != nil {
		return a.mac("s:" + u.SessionID)
	}
	pre := c.Cookies(preCookie)
	if len(pre) < 20 {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		pre = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: preCookie, Value: pre, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: a.cfg.SecureCookies})
		c.Request().Header.SetCookie(preCookie, pre) // later reads in this request see it
	}
	return a.mac("p:" + pre)
}

func (a *App) mac(s string) string {
	m := hmac.New(sha256.New, a.csrfKey)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF guards every unsafe request: a same-origin Origin (when sent), a form body,
// and the token in the X-CSRF-Token header (htmx) or the _csrf field (plain forms).
func (a *App) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != c.Hostname() {
			return errCSRF
		}
	}
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if len(c.Body()) > 0 && !strings.HasPrefix(ct, fiber.MIMEApplicationForm) && !strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		return fiber.ErrUnsupportedMediaType
	}
	sent := c.Get("X-CSRF-Token")
	if sent == "" {
		sent = c.FormValue("_csrf")
	}
	if sent == "" || !hmac.Equal([]byte(sent), []byte(a.csrfToken(c))) {
		return errCSRF
	}
	return c.Next()
}
