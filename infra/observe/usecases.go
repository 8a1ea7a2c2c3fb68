package observe

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chance-video/chance/usecase"
)

type useCaseKey struct {
	name    string
	kind    usecase.Kind
	outcome usecase.Outcome
}

// UseCases are the metrics side of the use-case hooks (usecase.Metrics).
func (m *Metrics) UseCases() usecase.Metrics { return useCaseMetrics{m} }

type useCaseMetrics struct{ m *Metrics }

// Observe records one command or query handled.
func (u useCaseMetrics) Observe(name string, kind usecase.Kind, outcome usecase.Outcome, took time.Duration) {
	u.m.useCaseChilds.get(useCaseKey{name, kind, outcome}, u.resolve).Observe(took.Seconds())
}

func (u useCaseMetrics) resolve(k useCaseKey) prometheus.Observer {
	return u.m.useCases.WithLabelValues(k.name, string(k.kind), string(k.outcome))
}
