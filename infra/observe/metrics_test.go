package observe_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chance-video/chance/infra/observe"
)

// blockingCollector holds a scrape until released.
type blockingCollector struct{ entered, release chan struct{} }

func (c blockingCollector) Describe(chan<- *prometheus.Desc) {}
func (c blockingCollector) Collect(chan<- prometheus.Metric) {
	c.entered <- struct{}{}
	<-c.release
}

// One scrape at a time: a second one while the first gathers is refused (503), not
// queued behind it.
func TestMetricsServesOneScrapeAtATime(t *testing.T) {
	m := observe.NewMetrics()
	c := blockingCollector{entered: make(chan struct{}), release: make(chan struct{})}
	m.Registry().MustRegister(c)
	h := m.Handler()
	first := make(chan int)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		first <- w.Code
	}()
	<-c.entered
	second := make(chan int)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		second <- w.Code
	}()
	select {
	case code := <-second:
		if code != http.StatusServiceUnavailable {
			t.Errorf("a second scrape meanwhile: %d, want 503", code)
		}
		close(c.release)
	case <-c.entered:
		t.Error("a second scrape gathered while the first was gathering")
		close(c.release)
		<-second
	}
	if code := <-first; code != http.StatusOK {
		t.Errorf("the first scrape: %d", code)
	}
}
