package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/usecase"
)

// handledMetrics records the use cases the hooks saw, as "kind name outcome".
type handledMetrics struct {
	mu   sync.Mutex
	seen []string
}

func (m *handledMetrics) Observe(name string, kind usecase.Kind, outcome usecase.Outcome, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen = append(m.seen, string(kind)+" "+name+" "+string(outcome))
}

func (m *handledMetrics) saw(entry string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.seen, entry)
}

// Commands and queries served over HTTP pass through the same hooks, named after
// their use case, with their outcome.
func TestCommandsAndQueriesPassTheHooks(t *testing.T) {
	metrics := &handledMetrics{}
	h := newHarnessWith(t, setup{hooks: usecase.Hooks{Metrics: metrics}})
	admin := h.withRole("admin", "admin")
	id := h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "online_price": 50000, "reservation_hours": 48}).
		want(t, http.StatusCreated).str("id")
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin, Body: `{"discount_percent": 100}`}).
		problem(t, http.StatusBadRequest, "discount_percent")
	h.get("/premiere/"+id, admin).want(t, http.StatusOK)
	h.get("/premiere/"+uuid.NewString(), admin).problem(t, http.StatusNotFound)
	for _, want := range []string{"command register ok", "query user_by_email ok", "command publish_premiere ok",
		"command change_premiere refused", "query premiere ok", "query premiere refused"} {
		if !metrics.saw(want) {
			t.Errorf("the hooks did not see %q; saw %v", want, metrics.seen)
		}
	}
}

// The API depends on the handlers it calls, not on the command service: any of them
// can be replaced, and its answer is the API's.
func TestAHandlerCanBeReplaced(t *testing.T) {
	h := newHarness(t, func(d *httpapi.Deps) {
		d.Commands.Fill = usecase.Func[commands.Fill, commands.Payment](func(context.Context, commands.Fill) (commands.Payment, error) {
			return commands.Payment{}, domain.Conflict("top-ups are paused for maintenance")
		})
	})
	token, _ := h.customer("uma")
	h.post("/billing/fill", token, uuid.NewString(), `{"summ": 2000}`).problem(t, http.StatusConflict, "paused for maintenance")
}

func TestEveryHandlerIsRequired(t *testing.T) {
	var deps httpapi.Deps
	newHarness(t, func(d *httpapi.Deps) { deps = *d })
	deps.Commands.Rent = nil
	if _, err := httpapi.New(deps); err == nil || !strings.Contains(err.Error(), "Rent") {
		t.Fatalf("an API without its Rent handler: %v", err)
	}
}
