package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hms/handlers"
	"hms/metrics"
)

func withMetrics(m *metrics.Metrics, token string) option {
	return func(c *handlers.Config) { c.Metrics, c.MetricsToken = m, token }
}

func TestMetricsAreForAdministratorsAndTheScraperToken(t *testing.T) {
	e := newEnv(t, withMetrics(metrics.New(0, nil), "scraper-token-of-some-length"))
	admin := e.as(handlers.RoleAdmin)
	admin.get("/patients") // one timed request under its route pattern

	status, body, _ := admin.get("/metrics")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `hms_http_request_duration_seconds_count{method="GET",route="/patients",status="2xx"}`)
	require.Contains(t, body, "go_goroutines")
	require.NotContains(t, body, "Rajesh", "no patient value in a label")

	status, _, _ = e.as(handlers.RoleNurse).get("/metrics")
	require.Equal(t, http.StatusForbidden, status)

	anon := e.client()
	status, _, _ = anon.get("/metrics", "Authorization", "Bearer wrong")
	require.NotEqual(t, http.StatusOK, status, "a wrong token is no token")
	status, body, _ = anon.get("/metrics", "Authorization", "Bearer scraper-token-of-some-length")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "hms_http_request_duration_seconds")
}

func TestAdminHomeWarnsWhenNoBackupHasBeenTaken(t *testing.T) {
	e := newEnv(t, func(c *handlers.Config) { c.BackupEvery = 24 * time.Hour })
	status, body, _ := e.as(handlers.RoleAdmin).get("/admin")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `data-testid="backup-warning"`)
	require.Contains(t, body, "No backup has been taken yet.")
}
