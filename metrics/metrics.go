// Package metrics keeps the server's operational figures in Prometheus form: request
// latency per route, database command durations per collection and command, the
// connection pool, and the Go runtime. It also logs database commands slower than a
// threshold with their filter's shape (keys and operators, never values).
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Metrics is one registry with the server's collectors.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	commands *prometheus.HistogramVec
	failures *prometheus.CounterVec
	pool     *prometheus.GaugeVec
	slow     time.Duration
	log      *slog.Logger
	inflight sync.Map // request id → started command
}

// New returns the registry. Commands slower than slow are logged (0 disables the log).
func New(slow time.Duration, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	buckets := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	m := &Metrics{reg: prometheus.NewRegistry(), slow: slow, log: log,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hms_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern, method and status class.", Buckets: buckets},
			[]string{"route", "method", "status"}),
		commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hms_db_command_duration_seconds",
			Help: "Database command latency by collection and command.", Buckets: buckets},
			[]string{"collection", "command"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hms_db_command_failures_total",
			Help: "Database commands that returned an error, by collection and command."},
			[]string{"collection", "command"}),
		pool: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "hms_db_pool_connections",
			Help: "Database connections by state: open (established) and in_use (checked out)."},
			[]string{"state"}),
	}
	m.reg.MustRegister(m.requests, m.commands, m.failures, m.pool,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveRequest records one HTTP request. route is the route pattern ("/patients/:id"),
// never the path, so ids do not become label values.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, statusClass(status)).Observe(d.Seconds())
}

func statusClass(code int) string {
	switch {
	case code >= 500:
		return "5xx"
	case code >= 400:
		return "4xx"
	case code >= 300:
		return "3xx"
	default:
		return "2xx"
	}
}

type started struct {
	coll, name, shape string
}

// CommandMonitor times every database command; chain it with another monitor (a
// benchmark's counter) through Chain.
func (m *Metrics) CommandMonitor() *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			coll, shape := Describe(e.CommandName, e.Command)
			m.inflight.Store(e.RequestID, started{coll: coll, name: e.CommandName, shape: shape})
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { m.finish(e.RequestID, e.Duration, false) },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { m.finish(e.RequestID, e.Duration, true) },
	}
}

func (m *Metrics) finish(id int64, d time.Duration, failed bool) {
	v, ok := m.inflight.LoadAndDelete(id)
	if !ok {
		return
	}
	s := v.(started)
	m.commands.WithLabelValues(s.coll, s.name).Observe(d.Seconds())
	if failed {
		m.failures.WithLabelValues(s.coll, s.name).Inc()
	}
	if m.slow > 0 && d >= m.slow {
		m.log.Warn("slow database command", "collection", s.coll, "command", s.name, "filter_shape", s.shape,
			"ms", d.Milliseconds(), "failed", failed)
	}
}

// PoolMonitor keeps the connection gauges.
func (m *Metrics) PoolMonitor() *event.PoolMonitor {
	open, inUse := m.pool.WithLabelValues("open"), m.pool.WithLabelValues("in_use")
	return &event.PoolMonitor{Event: func(e *event.PoolEvent) {
		switch e.Type {
		case event.ConnectionCreated:
			open.Inc()
		case event.ConnectionClosed:
			open.Dec()
		case event.ConnectionCheckedOut:
			inUse.Inc()
		case event.ConnectionCheckedIn:
			inUse.Dec()
		}
	}}
}
