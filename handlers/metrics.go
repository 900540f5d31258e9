package handlers

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
)

// metricsPage serves /metrics to a signed-in administrator (the route's permission).
func (a *App) metricsPage(c *fiber.Ctx) error {
	if a.cfg.Metrics == nil {
		return fiber.ErrNotFound
	}
	return adaptor.HTTPHandler(a.cfg.Metrics.Handler())(c)
}

// metricsScrape lets a Prometheus scraper read /metrics with the bearer token of
// HMS_METRICS_TOKEN instead of a session; anything else goes on to the route's
// permission check.
func (a *App) metricsScrape(c *fiber.Ctx) error {
	if c.Path() != "/metrics" || a.cfg.MetricsToken == "" || a.cfg.Metrics == nil {
		return c.Next()
	}
	got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.MetricsToken)) != 1 {
		return c.Next()
	}
	return adaptor.HTTPHandler(a.cfg.Metrics.Handler())(c)
}

// observe records a request's latency under its route pattern, never its path.
func (a *App) observe(c *fiber.Ctx, started time.Time) {
	if a.cfg.Metrics == nil {
		return
	}
	route := c.Route().Path
	if route == "/" && c.Path() != "/" { // the not-found catch-all: paths must not become labels
		route = "unmatched"
	}
	a.cfg.Metrics.ObserveRequest(route, c.Method(), c.Response().StatusCode(), time.Since(started))
}
