// Package observe is how an operator sees the shop run: Prometheus metrics on a
// registry of the App's own, JSON or text logs that carry the request and correlation
// ids, and OpenTelemetry traces from an HTTP request to the message it sends.
//
// Every metric is named chance_* with its unit in the name, and labelled only with
// values from a small fixed set (route templates, use-case names, handler and
// projection names, channels, outcomes): never a user id, a raw path or a stream id.
package observe

import (
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are one process's metrics. Each App has its own registry, so that tests
// running several Apps in one process do not collide, and nothing registers on
// Prometheus's global default.
type Metrics struct {
	registry *prometheus.Registry

	httpDuration  *prometheus.HistogramVec
	httpChildren  children[requestKey, prometheus.Observer]
	useCases      *prometheus.HistogramVec
	useCaseChilds children[useCaseKey, prometheus.Observer]
	appendTook    *prometheus.HistogramVec
	appendOK      prometheus.Observer
	appendSize    prometheus.Histogram
	commitAppends prometheus.Histogram
	commitEvents  prometheus.Histogram
	leases        *prometheus.GaugeVec

	busMessages    *prometheus.CounterVec
	busFailures    *prometheus.CounterVec
	busDuration    *prometheus.HistogramVec
	busLag         *prometheus.GaugeVec
	notifications  *prometheus.CounterVec
	busHandlers    children[string, *handlerMetrics]
	channelsByName sync.Map // handler name → channel (string), see Channel
}

// latencyBuckets suit a shop whose answers take a millisecond or two: fine at the
// low end, up to the 30 s write timeout at the top.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// NewMetrics builds the registry with the Go runtime's and the process's collectors
// and every chance_* metric.
func NewMetrics() *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry()}
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "chance_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route template (\"unmatched\" for no route), method and status.",
		Buckets: latencyBuckets,
	}, []string{"route", "method", "status"})
	m.useCases = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "chance_usecase_duration_seconds",
		Help:    "Time a command or query took, by use case, kind (command|query) and outcome (ok|refused|canceled|failed); _count counts outcomes.",
		Buckets: latencyBuckets,
	}, []string{"use_case", "kind", "outcome"})
	m.appendTook = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "chance_eventstore_append_duration_seconds",
		Help:    "Time a command's append to the event store took, group commit included, by outcome (ok|conflict|failed).",
		Buckets: latencyBuckets,
	}, []string{"outcome"})
	m.appendOK = m.appendTook.WithLabelValues(appendOK)
	m.appendSize = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "chance_eventstore_append_events", Help: "Events in one successful append.",
		Buckets: []float64{1, 2, 3, 4, 6, 8, 16, 32, 64},
	})
	m.commitAppends = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "chance_eventstore_commit_batch_appends", Help: "Appends committed together in one group commit (SQLite and PostgreSQL event stores).",
		Buckets: prometheus.ExponentialBuckets(1, 2, 12),
	})
	m.commitEvents = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "chance_eventstore_commit_batch_events", Help: "Events committed together in one group commit (SQLite and PostgreSQL event stores).",
		Buckets: prometheus.ExponentialBuckets(1, 2, 13),
	})
	m.leases = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "chance_lease_held", Help: "1 while this process holds the lease of a single-active role, else 0.",
	}, []string{"lease"})
	m.registerBus()
	m.registry.MustRegister(m.httpDuration, m.useCases, m.appendTook, m.appendSize, m.commitAppends, m.commitEvents, m.leases)
	return m
}

// Handler serves the metrics in Prometheus's text (or OpenMetrics) format: mount it
// at GET /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry, EnableOpenMetrics: true})
}

// Registry is where the metrics are registered; a part of the shop may add its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// LeaseHeld records whether this process holds the named lease now. Call it on every
// change (taken, lost, released); a nil Metrics records nothing.
func (m *Metrics) LeaseHeld(name string, held bool) {
	if m == nil {
		return
	}
	v := 0.0
	if held {
		v = 1
	}
	m.leases.WithLabelValues(name).Set(v)
}

// Committed records one group commit of the event store: how many appends and
// events it took. The SQLite and PostgreSQL stores call it (their OnCommit option).
func (m *Metrics) Committed(appends, events int) {
	m.commitAppends.Observe(float64(appends))
	m.commitEvents.Observe(float64(events))
}

// children resolves a vector's label values to its child once per distinct key, so
// the hot path is a map read with no allocation. The map is copied on write: keys
// are few (route × method × status, handler × outcome) and all seen within minutes
// of a start.
type children[K comparable, V any] struct {
	mu      sync.Mutex
	current atomic.Pointer[map[K]V]
}

func (c *children[K, V]) get(k K, resolve func(K) V) V {
	if m := c.current.Load(); m != nil {
		if v, ok := (*m)[k]; ok {
			return v
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.current.Load()
	next := map[K]V{}
	if old != nil {
		if v, ok := (*old)[k]; ok {
			return v
		}
		next = make(map[K]V, len(*old)+1)
		for k, v := range *old {
			next[k] = v
		}
	}
	v := resolve(k)
	next[k] = v
	c.current.Store(&next)
	return v
}
