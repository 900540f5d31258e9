package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const localsRequestID = "request_id"

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localsRequestID).(string)
	return id
}

// recoverPanics turns a panic into a 500 page with an incident id, and logs the stack.
func (a *App) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

// accessLog gives each request an id and logs one line for it. It logs the path but
// never the query string, which may hold a searched name.
func (a *App) accessLog(c *fiber.Ctx) error {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals(localsRequestID, id)
	c.Set("X-Request-ID", id)
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := a.errorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	user := ""
	if u := currentUser(c); u != nil {
		user = u.Username
	}
	a.observe(c, start)
	a.log.Info("request", "request_id", id, "method", c.Method(), "path", c.Path(),
		"status", c.Response().StatusCode(), "ms", time.Since(start).Milliseconds(), "user", user, "ip", c.IP())
	return nil
}

// securityHeaders sets the headers every response carries.
func (a *App) securityHeaders(c *fiber.Ctx) error {
	a.setSecurityHeaders(c)
	return c.Next()
}

func (a *App) setSecurityHeaders(c *fiber.Ctx) {
	h := func(k, v string) { c.Set(k, v) }
	h("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h("X-Content-Type-Options", "nosniff")
	h("X-Frame-Options", "DENY")
	h("Referrer-Policy", "same-origin")
	h("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h("Cross-Origin-Opener-Policy", "same-origin")
	if a.cfg.SecureCookies {
		h("Strict-Transport-Security", "max-age=31536000")
	}
	if !strings.HasPrefix(c.Path(), "/static/") {
		h(fiber.HeaderCacheControl, "no-store") // pages may hold PHI: never cached
	}
}

// safeNext accepts only a local path, so ?next= cannot send people to another site.
func safeNext(next string) bool {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return false
	}
	u, err := url.Parse(next)
	return err == nil && u.Scheme == "" && u.Host == ""
}

func queryEscape(s string) string { return url.QueryEscape(s) }
