package app_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
)

// replaceSender swaps the App's sender of that name for wrap(the original).
func replaceSender(a *app.App, name string, wrap func(bus.Handler) bus.Handler) {
	for i, s := range a.Senders {
		if s.Name == name {
			a.Senders[i].Handle = wrap(s.Handle)
			return
		}
	}
	panic("no sender " + name)
}

// fastDelivery retries a failing sender three times, a few milliseconds apart.
func fastDelivery(_ *testing.T, cfg *config.Config) {
	cfg.DeliveryAttempts, cfg.DeliveryRetryFirst, cfg.DeliveryRetryMax = 3, time.Millisecond, 5*time.Millisecond
}

// Issue 7: one sign-up whose email cannot be sent stopped every notification for
// good. Now its email is dead-lettered after bounded retries and shown to admins, the
// inbox still gets it, later messages flow, and a requeue once the cause is fixed
// sends it once.
func TestAnEmailThatCannotBeSentIsDeadLetteredAndRequeued(t *testing.T) {
	var fixed atomic.Bool
	var shopApp *app.App
	sh := newShopWith(t, fastDelivery, func(a *app.App) {
		shopApp = a
		replaceSender(a, senders.EmailHandler, func(send bus.Handler) bus.Handler {
			return func(ctx context.Context, m *message.Message) error {
				msg, err := notifications.Decode(m)
				if err != nil {
					return err
				}
				u, err := shopApp.Commands.Lookup().User(ctx, msg.UserID)
				if err != nil {
					return err
				}
				if u.Email == "broken@example.ru" && !fixed.Load() {
					return errors.New("recipient broken@example.ru: mailbox unavailable")
				}
				return send(ctx, m)
			}
		})
	})
	sh.signUp("admin@example.ru")
	sh.grant("admin@example.ru", "admin")
	admin := sh.signIn("admin@example.ru")

	broken := sh.signUp("broken@example.ru")
	sh.signUp("next@example.ru") // signed up after the failing one
	sh.settle()                  // returns only because the failing message no longer blocks the notifier

	if inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: broken})["items"].([]any); !hasKind(inbox, "welcome") {
		t.Fatalf("the inbox of the customer whose email failed: %v", kinds(inbox))
	}
	if got := emails(t, sh, "next@example.ru"); len(got) != 1 {
		t.Fatalf("emails to the customer who signed up next: %v", got)
	}
	if got := emails(t, sh, "broken@example.ru"); len(got) != 0 {
		t.Fatalf("emails to the failing recipient: %v", got)
	}

	list := sh.expect(http.StatusOK, call{method: "GET", path: "/admin/dead-letters", token: admin})
	items := list["items"].([]any)
	if len(items) != 1 || num(list["total"]) != 1 || num(list["page"]) != 1 || num(list["limit"]) != 20 {
		t.Fatalf("dead letters: %v", list)
	}
	dead := items[0].(map[string]any)
	if dead["handler"] != senders.EmailHandler || dead["topic"] != notifications.Topic || dead["status"] != "dead" ||
		num(dead["attempts"]) != 3 || !strings.Contains(dead["reason"].(string), "mailbox unavailable") ||
		dead["metadata"].(map[string]any)["kind"] != "welcome" || dead["payload"].(map[string]any)["kind"] != "welcome" ||
		dead["first_failed_at"] != start.Format(time.RFC3339) || dead["requeued_at"] != nil {
		t.Fatalf("dead letter: %v", dead)
	}
	id := dead["id"].(string)

	customer := sh.signIn("next@example.ru")
	sh.expect(http.StatusForbidden, call{method: "GET", path: "/admin/dead-letters", token: customer})
	sh.expect(http.StatusForbidden, call{method: "POST", path: "/admin/dead-letters/" + id + "/requeue", token: customer})
	sh.expect(http.StatusNotFound, call{method: "POST", path: "/admin/dead-letters/0d9c1f43-3f0b-4a8e-9a45-0d6f3a1c2b7e/requeue", token: admin})
	sh.expect(http.StatusBadRequest, call{method: "GET", path: "/admin/dead-letters?limit=1000", token: admin})

	fixed.Store(true)
	requeued := sh.expect(http.StatusOK, call{method: "POST", path: "/admin/dead-letters/" + id + "/requeue", token: admin})
	if requeued["status"] != "requeued" || num(requeued["requeues"]) != 1 {
		t.Fatalf("requeued: %v", requeued)
	}
	sh.expect(http.StatusOK, call{method: "POST", path: "/admin/dead-letters/" + id + "/requeue", token: admin}) // harmless
	if got := emails(t, sh, "broken@example.ru"); len(got) != 1 {
		t.Fatalf("emails to the fixed recipient after two requeues: %v, want the welcome once", got)
	}
	if inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: broken})["items"].([]any); len(inbox) != 1 {
		t.Fatalf("inbox after the requeues: %v, want the welcome once", kinds(inbox))
	}
}

// emails lists the .eml files addressed to email.
func emails(t *testing.T, sh *shop, email string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sh.dir, "mail", "*.eml"))
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), email) {
			out = append(out, filepath.Base(f))
		}
	}
	return out
}

// Issue 7: every signed-in read after a write waited the whole read wait while the
// notifier was stuck. Reads wait only for the read models they read: with the email
// sender stalled (so the notifier cannot move), a read right after a write answers at
// once, with the write in it.
func TestReadsDoNotWaitForAStalledNotifier(t *testing.T) {
	const readWait = 20 * time.Second
	release, entered := make(chan struct{}), make(chan struct{})
	var once sync.Once
	sh := newShopWith(t, func(_ *testing.T, cfg *config.Config) { cfg.ReadWait = readWait }, func(a *app.App) {
		replaceSender(a, senders.EmailHandler, func(bus.Handler) bus.Handler {
			return func(ctx context.Context, _ *message.Message) error {
				once.Do(func() { close(entered) })
				select { // an SMTP server that never answers
				case <-release:
				case <-ctx.Done():
				}
				return ctx.Err()
			}
		})
	})
	defer close(release) // before the shop stops (cleanups run after deferred calls)

	token := sh.signUp("vera@example.ru")
	<-entered // its welcome email has stalled the notifier
	started := time.Now()
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "f", body: map[string]any{"summ": 5000}})
	balance := num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"])
	sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})
	elapsed := time.Since(started)
	if balance != 5000 {
		t.Fatalf("balance right after the top-up: %d, want 5000", balance)
	}
	if elapsed > readWait/2 {
		t.Fatalf("a write and two reads took %s with the notifier stalled; the read wait is %s", elapsed, readWait)
	}
}
