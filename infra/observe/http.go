package observe

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type requestKey struct {
	route, method string
	status        int
}

// Request records one answered HTTP request under its route template (the router's,
// such as /api/v1/rent/:id; "unmatched" when no route matched), its method and status.
//
// WARNING: route must be a template, never the request's path: every distinct value is
// a time series kept until the process exits.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	k := requestKey{route: route, method: knownMethod(method), status: status}
	m.httpChildren.get(k, m.resolveRequest).Observe(took.Seconds())
}

func (m *Metrics) resolveRequest(k requestKey) prometheus.Observer {
	return m.httpDuration.WithLabelValues(k.route, k.method, strconv.Itoa(k.status))
}

// knownMethod keeps a client's invented methods out of the labels.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	default:
		return "OTHER"
	}
}
