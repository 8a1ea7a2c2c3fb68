package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/config"
)

// scrape reads the shop's /metrics as Prometheus would.
func (sh *shop) scrape() map[string]*dto.MetricFamily {
	sh.t.Helper()
	resp, err := http.Get(sh.server.URL + "/metrics")
	if err != nil {
		sh.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		sh.t.Fatalf("GET /metrics: %d %s", resp.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		sh.t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// series finds the one series of a family with these labels (a subset of its own).
func series(t *testing.T, families map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	t.Helper()
	f, ok := families[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	var found []*dto.Metric
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		found = append(found, m)
	}
	if len(found) != 1 {
		var all []string
		for _, m := range f.GetMetric() {
			all = append(all, m.String())
		}
		t.Fatalf("%s%v: %d series match, want 1; the family has:\n%s", name, labels, len(found), strings.Join(all, "\n"))
	}
	return found[0]
}

// A short journey shows in the metrics: the HTTP histogram by route template, the
// rent command's outcome, appends, the projections and the forwarder caught up, the
// inbox sender's messages, the Go runtime.
func TestMetricsAfterAJourney(t *testing.T) { metricsAfterAJourney(t, newShop(t)) }

// The same on PostgreSQL (events and read models): its group commits are measured too.
func TestMetricsAfterAJourneyOnPostgres(t *testing.T) {
	metricsAfterAJourney(t, newShopOn(t, postgresEverything))
}

// And on the EventStoreDB fake, whose positions are not event numbers.
func TestMetricsAfterAJourneyOnESDBFake(t *testing.T) {
	metricsAfterAJourney(t, newShopOn(t, esdbFake))
}

func metricsAfterAJourney(t *testing.T, sh *shop) {
	premieres := sh.publish(1)
	token := sh.signUp("mila@example.ru")
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund", body: map[string]any{"summ": 100_000}})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "rent", body: map[string]any{"id": premieres[0], "period": 2}})
	sh.expect(http.StatusNotFound, call{method: "GET", path: "/premiere/" + "00000000-0000-4000-8000-000000000000"})
	sh.do(call{method: "GET", path: "/no/such/thing"})
	sh.settle()

	m := sh.scrape()
	if got := series(t, m, "chance_usecase_duration_seconds", map[string]string{"use_case": "rent", "kind": "command", "outcome": "ok"}).GetHistogram().GetSampleCount(); got != 1 {
		t.Errorf("rent commands ok = %d, want 1", got)
	}
	if got := series(t, m, "chance_usecase_duration_seconds", map[string]string{"use_case": "premiere", "kind": "query", "outcome": "refused"}).GetHistogram().GetSampleCount(); got != 1 {
		t.Errorf("premiere queries refused = %d, want 1", got)
	}
	rents := series(t, m, "chance_http_request_duration_seconds", map[string]string{"route": "/api/v1/rent", "method": "POST", "status": "201"}).GetHistogram()
	if rents.GetSampleCount() != 1 || rents.GetSampleSum() <= 0 {
		t.Errorf("POST /api/v1/rent 201: count %d, sum %v", rents.GetSampleCount(), rents.GetSampleSum())
	}
	if got := series(t, m, "chance_http_request_duration_seconds", map[string]string{"route": "/api/v1/premiere/:id", "status": "404"}).GetHistogram().GetSampleCount(); got != 1 {
		t.Errorf("GET /api/v1/premiere/:id 404 = %d, want 1", got)
	}
	if got := series(t, m, "chance_http_request_duration_seconds", map[string]string{"route": "unmatched", "status": "404"}).GetHistogram().GetSampleCount(); got != 1 {
		t.Errorf("unmatched 404 = %d, want 1", got)
	}
	for _, f := range m["chance_http_request_duration_seconds"].GetMetric() {
		for _, l := range f.GetLabel() {
			if l.GetName() == "route" && strings.Contains(l.GetValue(), "00000000") {
				t.Errorf("a raw path leaked into the route label: %s", l.GetValue())
			}
		}
	}
	appends := series(t, m, "chance_eventstore_append_duration_seconds", map[string]string{"outcome": "ok"}).GetHistogram()
	if appends.GetSampleCount() < 4 {
		t.Errorf("appends ok = %d, want at least 4 (publish, register, fill, rent)", appends.GetSampleCount())
	}
	events := func(m map[string]*dto.MetricFamily) float64 {
		return series(t, m, "chance_eventstore_append_events", nil).GetHistogram().GetSampleSum()
	}
	if n := series(t, m, "chance_eventstore_append_events", nil).GetHistogram().GetSampleCount(); n != appends.GetSampleCount() || events(m) < float64(n) {
		t.Errorf("events per append: %d appends, %v events", n, events(m))
	}
	groupCommits := sh.cfg.EventStore != config.ESDB // EventStoreDB commits each append itself
	if batches := series(t, m, "chance_eventstore_commit_batch_events", nil).GetHistogram(); groupCommits && (batches.GetSampleCount() == 0 || batches.GetSampleSum() < events(m)) {
		t.Errorf("group commits: %d holding %v events", batches.GetSampleCount(), batches.GetSampleSum())
	}
	head := series(t, m, "chance_eventstore_head_position", nil).GetGauge().GetValue()
	if head < 4 {
		t.Errorf("log head %v", head)
	}
	for _, f := range m["chance_projection_lag_positions"].GetMetric() {
		if f.GetGauge().GetValue() != 0 {
			t.Errorf("projection lag after settling: %v", f)
		}
	}
	if len(m["chance_projection_lag_positions"].GetMetric()) < 3 {
		t.Errorf("projection lag series: %v", m["chance_projection_lag_positions"])
	}
	if got := series(t, m, "chance_projection_position", map[string]string{"projection": sh.app.Runner.Names()[0]}).GetGauge().GetValue(); got != head {
		t.Errorf("projection position %v, head %v", got, head)
	}
	if got := series(t, m, "chance_forwarder_lag_positions", nil).GetGauge().GetValue(); got != 0 {
		t.Errorf("forwarder lag %v", got)
	}
	if got := series(t, m, "chance_forwarder_lag_seconds", nil).GetGauge().GetValue(); got != 0 {
		t.Errorf("forwarder lag seconds %v", got)
	}
	// Welcome ×2, funds added, purchase: each to the inbox.
	if got := series(t, m, "chance_notification_messages_total", map[string]string{"channel": "inbox", "outcome": "sent"}).GetCounter().GetValue(); got < 4 {
		t.Errorf("inbox messages sent = %v, want at least 4", got)
	}
	if got := series(t, m, "chance_notification_messages_total", map[string]string{"channel": "email", "outcome": "dead_lettered"}).GetCounter().GetValue(); got != 0 {
		t.Errorf("email dead letters = %v", got)
	}
	if got := series(t, m, "chance_bus_messages_total", map[string]string{"handler": "chance.send-notify.inbox", "outcome": "handled"}).GetCounter().GetValue(); got < 4 {
		t.Errorf("inbox handler handled %v", got)
	}
	// The shop's clock has not moved: every message is 0 s old, the last one occurred now.
	if lag := series(t, m, "chance_bus_consumer_lag_seconds", map[string]string{"handler": "chance.send-notify.inbox"}).GetGauge().GetValue(); lag != 0 {
		t.Errorf("inbox consumer lag %v s, want 0", lag)
	}
	if at := series(t, m, "chance_bus_last_message_timestamp_seconds", map[string]string{"handler": "chance.send-notify.inbox"}).GetGauge().GetValue(); at != float64(sh.clock.Now().Unix()) {
		t.Errorf("inbox's last message at %v, want %v", at, sh.clock.Now().Unix())
	}
	if _, ok := m["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
	if _, ok := m["process_start_time_seconds"]; !ok {
		t.Error("no process metrics")
	}
}

// Each App has a registry of its own: two shops in one process do not collide, and
// neither counts the other's requests.
func TestMetricsArePerApp(t *testing.T) {
	one, two := newShop(t), newShop(t)
	one.do(call{method: "GET", path: "/no/such/thing"})
	if m := two.scrape(); m["chance_http_request_duration_seconds"] != nil {
		for _, s := range m["chance_http_request_duration_seconds"].GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetValue() == "unmatched" {
					t.Fatalf("the second shop counted the first's request: %v", s)
				}
			}
		}
	}
}

// The process's leases show as held (all of them on the embedded store, where the data
// folder's lock makes this the only process), and a process without the api role
// serves /metrics beside /healthz and /readyz.
func TestLeasesAndOpsOnlyMetrics(t *testing.T) {
	sh := newShop(t)
	// The roles take their leases as they start, the projections' among them: wait
	// for the three named here, not for any three series.
	roles := []string{app.SchedulerLease, app.ForwarderLease, app.RecoveryLease}
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := sh.scrape()
		seen := map[string]float64{}
		for _, metric := range m["chance_lease_held"].GetMetric() {
			for _, l := range metric.GetLabel() {
				if l.GetName() == "lease" {
					seen[l.GetValue()] = metric.GetGauge().GetValue()
				}
			}
		}
		held := 0
		for _, lease := range roles {
			if seen[lease] == 1 {
				held++
			}
		}
		if held == len(roles) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("leases held after 10 s: %v, want %v", seen, roles)
		}
		time.Sleep(5 * time.Millisecond) // a lease has no position to wait on: poll the scrape
	}
	w := httptest.NewRecorder()
	sh.app.OpsHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "chance_eventstore_head_position") {
		t.Fatalf("ops-only /metrics: %d %.300s", w.Code, w.Body.String())
	}
}

// Right after a restart, before the runner has loaded the projections' checkpoints,
// the projections' series are left out rather than showing the whole log as lag;
// they are back, caught up, once it has.
func TestProjectionLagRightAfterARestart(t *testing.T) {
	sh := newShop(t)
	sh.publish(2)
	sh.signUp("mila@example.ru")
	sh.settle()
	var m map[string]*dto.MetricFamily
	sh.prepare = func(a *app.App) { // opened, not running yet
		w := httptest.NewRecorder()
		a.OpsHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		parser := expfmt.NewTextParser(model.UTF8Validation)
		var err error
		if m, err = parser.TextToMetricFamilies(w.Body); err != nil {
			t.Fatal(err)
		}
	}
	sh.restart()
	if head := series(t, m, "chance_eventstore_head_position", nil).GetGauge().GetValue(); head < 3 {
		t.Fatalf("log head %v", head)
	}
	for _, name := range []string{"chance_projection_position", "chance_projection_lag_positions", "chance_projection_lag_seconds"} {
		if f := m[name]; f != nil {
			t.Errorf("%s before the checkpoints are loaded: %v", name, f.GetMetric())
		}
	}
	sh.settle()
	m = sh.scrape()
	head := series(t, m, "chance_eventstore_head_position", nil).GetGauge().GetValue()
	for _, name := range sh.app.Runner.Names() {
		if got := series(t, m, "chance_projection_position", map[string]string{"projection": name}).GetGauge().GetValue(); got != head {
			t.Errorf("%s at %v after settling, head %v", name, got, head)
		}
		if got := series(t, m, "chance_projection_lag_positions", map[string]string{"projection": name}).GetGauge().GetValue(); got != 0 {
			t.Errorf("%s lag %v after settling", name, got)
		}
	}
}
