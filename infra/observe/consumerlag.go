package observe

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// idleAfter is how long a bus handler must have had no message in hand to count as
// caught up (lag 0). The short gap between two messages of a backlog is no idleness.
const idleAfter = time.Second

var (
	consumerLagDesc = prometheus.NewDesc("chance_bus_consumer_lag_seconds",
		"How far behind a bus handler runs: the age (on the shop's clock, at scrape time) of the last message it took, "+
			"from its occurred_at header; 0 once it has had no message in hand for a second.",
		[]string{"handler"}, nil)
	lastMessageDesc = prometheus.NewDesc("chance_bus_last_message_timestamp_seconds",
		"When the last message a bus handler took occurred (its occurred_at header), in Unix seconds.",
		[]string{"handler"}, nil)
)

// takenMessages is what a bus handler's lag is computed from when Prometheus scrapes,
// so that it falls to 0 when the handler is caught up rather than keeping the age of
// the last message of a backlog.
type takenMessages struct {
	mu       sync.Mutex
	now      func() time.Time // the shop's clock
	inHand   int              // messages taken, not yet done
	occurred time.Time        // the last taken message's occurred_at
	idleFrom time.Time        // when inHand last fell to 0
}

func (t *takenMessages) begin(occurred time.Time, now func() time.Time) {
	t.mu.Lock()
	t.now, t.inHand, t.occurred = now, t.inHand+1, occurred
	t.mu.Unlock()
}

func (t *takenMessages) end(now time.Time) {
	t.mu.Lock()
	if t.inHand--; t.inHand == 0 {
		t.idleFrom = now
	}
	t.mu.Unlock()
}

// lag is the handler's lag now, and when its last message occurred; false if it has
// taken none yet.
func (t *takenMessages) lag() (seconds float64, occurred time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.now == nil {
		return 0, time.Time{}, false
	}
	now := t.now()
	if t.inHand == 0 && now.Sub(t.idleFrom) >= idleAfter {
		return 0, t.occurred, true
	}
	return max(now.Sub(t.occurred).Seconds(), 0), t.occurred, true
}

// consumerLag collects every bus handler's lag at scrape time.
type consumerLag struct{ m *Metrics }

func (c consumerLag) Describe(ch chan<- *prometheus.Desc) {
	ch <- consumerLagDesc
	ch <- lastMessageDesc
}

func (c consumerLag) Collect(ch chan<- prometheus.Metric) {
	handlers := c.m.busHandlers.current.Load()
	if handlers == nil {
		return
	}
	for name, h := range *handlers {
		lag, occurred, ok := h.taken.lag()
		if !ok {
			continue
		}
		ch <- prometheus.MustNewConstMetric(consumerLagDesc, prometheus.GaugeValue, lag, name)
		ch <- prometheus.MustNewConstMetric(lastMessageDesc, prometheus.GaugeValue, float64(occurred.UnixNano())/1e9, name)
	}
}
