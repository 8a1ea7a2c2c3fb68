package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/notifications"
)

// deliveries hears from every sender after each message it has handled (sent, skipped
// as not for its channel, or found already sent): on Kafka, Delivered only means that
// the broker has the events, so tests wait on what the senders did instead.
type deliveries struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on each report
	handled []handled
	senders []string // the names of the senders watched
}

type handled struct {
	sender string // a senders.*Handler name
	msg    notifications.Message
}

func newDeliveries() *deliveries { return &deliveries{changed: make(chan struct{})} }

// watch wraps every sender of a (call it between Open and Run, as a shop's prepare).
func (d *deliveries) watch(a *app.App) {
	d.mu.Lock()
	d.senders = nil
	for _, s := range a.Senders {
		d.senders = append(d.senders, s.Name)
	}
	d.mu.Unlock()
	for i, s := range a.Senders {
		handle := s.Handle
		a.Senders[i].Handle = func(ctx context.Context, m *message.Message) error {
			if err := handle(ctx, m); err != nil {
				return err
			}
			msg, err := notifications.Decode(m)
			if err != nil {
				return err
			}
			d.report(handled{sender: s.Name, msg: msg})
			return nil
		}
	}
}

func (d *deliveries) report(h handled) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.handled = append(d.handled, h)
	close(d.changed)
	d.changed = make(chan struct{})
}

// count is how many messages of kind for user sender has handled.
func (d *deliveries) count(sender string, user uuid.UUID, kind string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, h := range d.handled {
		if h.sender == sender && h.msg.UserID == user && h.msg.Kind == kind {
			n++
		}
	}
	return n
}

// waitFor checks cond now and after each report, failing the test if it does not hold
// within 30 s (far above what any step takes; the wait itself returns at once).
func (d *deliveries) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	for {
		d.mu.Lock()
		changed := d.changed
		d.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			t.Fatalf("still waiting for %s after 30 s", what)
		}
	}
}

// await waits until every watched sender has handled at least want[kind] messages of
// each kind for user. The messages of one event category reach a sender in the order
// of their events; across categories (a top-up and a purchase, say) the order is not
// kept, so a test waits for each message it expects.
func (d *deliveries) await(t *testing.T, user uuid.UUID, want map[string]int) {
	t.Helper()
	d.waitFor(t, fmt.Sprintf("%v handled by %v", want, d.senders), func() bool {
		for _, s := range d.senders {
			for kind, n := range want {
				if d.count(s, user, kind) < n {
					return false
				}
			}
		}
		return true
	})
}

// telegramServer is a Bot API on a local port that records every sendMessage.
type telegramServer struct {
	*httptest.Server
	mu   sync.Mutex
	sent []telegramMessage
}

type telegramMessage struct {
	Path   string
	ChatID string `json:"chat_id"`
	Text   string `json:"text"`
}

func startTelegram(t *testing.T) *telegramServer {
	tg := &telegramServer{}
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m telegramMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || r.Method != http.MethodPost {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"ok":false,"error_code":400,"description":"Bad Request"}`))
			return
		}
		m.Path = r.URL.Path
		tg.mu.Lock()
		tg.sent = append(tg.sent, m)
		tg.mu.Unlock()
		_, _ = w.Write([]byte(`{"ok":true,"result":{"message_id":1}}`))
	}))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *telegramServer) received() []telegramMessage {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return append([]telegramMessage(nil), tg.sent...)
}
