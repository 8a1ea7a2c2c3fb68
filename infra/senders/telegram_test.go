package senders_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
)

const botToken = "123456:AAE-secret_token"

// waits records the pauses a Telegram sender asked for, instead of pausing.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return nil
}

func (w *waits) seen() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func telegram(api string, w *waits) *senders.Telegram {
	return &senders.Telegram{APIURL: api, Token: botToken, Recipients: recipients(ann), Wait: w.wait}
}

const botOK = `{"ok":true,"result":{"message_id":7}}`

// The exact request of a Telegram message: POST {api}/bot{token}/sendMessage with
// JSON {"chat_id","text"}; "ok" in the answer means sent.
func TestTelegramRequest(t *testing.T) {
	g := newGateway(t, func(_ int, w http.ResponseWriter, _ *http.Request) { io.WriteString(w, botOK) })
	p := newPipeline(t)
	p.run(senders.TelegramHandler, telegram(g.URL+"/", &waits{}).Handler(p.once))
	msg := message1(notifications.ChannelTelegram)
	p.publish(msg)
	p.publish(msg) // redelivered: not sent again

	got := g.seen()
	want := request{"POST", "/bot" + botToken + "/sendMessage", "application/json", "", map[string]any{"chat_id": "123456789", "text": msg.Short}}
	if len(got) != 1 || !same(got[0], want) {
		t.Fatalf("requests %+v, want one %+v", got, want)
	}
	if !p.sent(notifications.ChannelTelegram, msg.ID) {
		t.Fatal("not recorded as sent")
	}
}

// A 429 with retry_after: the sender waits what it asks before failing, the router
// tries again, and the message is sent once. A 200 whose "ok" is false, and a 500,
// are failures too.
func TestTelegramFailuresAreRetried(t *testing.T) {
	g := newGateway(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`)
		case 2:
			io.WriteString(w, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
		case 3:
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, `<html>Bad Gateway</html>`)
		default:
			io.WriteString(w, botOK)
		}
	})
	p := newPipeline(t)
	p.retry.Attempts = 4
	w := &waits{}
	p.run(senders.TelegramHandler, telegram(g.URL, w).Handler(p.once))
	msg := message1(notifications.ChannelTelegram)
	p.publish(msg)
	if got := g.seen(); len(got) != 4 || !p.sent(notifications.ChannelTelegram, msg.ID) || len(p.deadLetters()) != 0 {
		t.Fatalf("%d requests, sent %v, dead letters %+v", len(got), p.sent(notifications.ChannelTelegram, msg.ID), p.deadLetters())
	}
	if got := w.seen(); len(got) != 1 || got[0] != 3*time.Second {
		t.Fatalf("waited %v, want 3s once (the 429's retry_after)", got)
	}
}

// A chat the bot cannot write to (403): dead-lettered after the attempts, with
// Telegram's reason and never the token, which is in the URL.
func TestTelegramRefusedIsDeadLetteredWithoutTheToken(t *testing.T) {
	g := newGateway(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
	})
	p := newPipeline(t)
	p.run(senders.TelegramHandler, telegram(g.URL, &waits{}).Handler(p.once))
	msg := message1(notifications.ChannelTelegram)
	p.publish(msg)
	dead := p.deadLetters()
	if len(g.seen()) != fastRetry.Attempts || len(dead) != 1 || !strings.Contains(dead[0].Reason, "bot was blocked") || p.sent(notifications.ChannelTelegram, msg.ID) {
		t.Fatalf("%d requests, dead letters %+v", len(g.seen()), dead)
	}
	if strings.Contains(dead[0].Reason, "secret_token") {
		t.Fatalf("the dead letter shows the token: %s", dead[0].Reason)
	}
}

// The Bot API cannot be reached: the error (which Go's HTTP client words with the
// URL) never shows the token either.
func TestTelegramUnreachableHidesTheToken(t *testing.T) {
	err := telegram("http://"+closedPort(t), &waits{}).Send(context.Background(), message1(notifications.ChannelTelegram))
	if err == nil || strings.Contains(err.Error(), "secret_token") {
		t.Fatalf("error %v: want one without the token", err)
	}
}

// A Bot API URL that redirects (a 301, as a proxy moved elsewhere would answer): not
// followed, not sent, and the reason names the status, never the URL with the token.
func TestTelegramRedirectIsRefused(t *testing.T) {
	g := newGateway(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/sendMessage") && !strings.HasPrefix(r.URL.Path, "/moved") {
			http.Redirect(w, r, "/moved"+r.URL.Path, http.StatusMovedPermanently)
			return
		}
		io.WriteString(w, botOK)
	})
	p := newPipeline(t)
	p.run(senders.TelegramHandler, telegram(g.URL, &waits{}).Handler(p.once))
	msg := message1(notifications.ChannelTelegram)
	p.publish(msg)
	for _, r := range g.seen() {
		if r.method != http.MethodPost || strings.HasPrefix(r.path, "/moved") {
			t.Fatalf("the redirect was followed: %s %s", r.method, r.path)
		}
	}
	dead := p.deadLetters()
	if p.sent(notifications.ChannelTelegram, msg.ID) || len(dead) != 1 || !strings.Contains(dead[0].Reason, "301") {
		t.Fatalf("sent %v, dead letters %+v; want not sent, one dead letter naming 301", p.sent(notifications.ChannelTelegram, msg.ID), dead)
	}
	if strings.Contains(dead[0].Reason, "secret_token") {
		t.Fatalf("the dead letter shows the token: %s", dead[0].Reason)
	}
}

// A long description from the Bot API is quoted by its first 200 characters only.
func TestTelegramLongDescriptionIsClipped(t *testing.T) {
	g := newGateway(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"ok":false,"error_code":400,"description":"Bad Request: %s"}`, strings.Repeat("x", 2000))
	})
	err := telegram(g.URL, &waits{}).Send(context.Background(), message1(notifications.ChannelTelegram))
	if err == nil || !strings.Contains(err.Error(), "Bad Request: xxx") || utf8.RuneCountInString(err.Error()) > 400 {
		t.Fatalf("error of %d characters: %v", utf8.RuneCountInString(fmt.Sprint(err)), err)
	}
}
