package senders_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
)

// gateway is a local HTTP server standing in for an SMS gateway or the Bot API: it
// records every request and answers as answer says for the nth one (from 1).
type gateway struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

type request struct {
	method, path, contentType, authorization string
	body                                     map[string]any
}

func newGateway(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *gateway {
	t.Helper()
	g := &gateway{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("the request's body is not JSON: %q", raw)
		}
		g.mu.Lock()
		g.requests = append(g.requests, request{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Authorization"), body})
		n := len(g.requests)
		g.mu.Unlock()
		answer(n, w, r)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *gateway) seen() []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]request(nil), g.requests...)
}

func (p *pipeline) sms(url string, c *http.Client) *senders.SMS {
	return &senders.SMS{GatewayURL: url, Token: "gw-token", Recipients: recipients(ann), Client: c}
}

// The exact request of an SMS: POST JSON {"to","text"} with the bearer token; the
// text is the message's short form.
func TestSMSRequest(t *testing.T) {
	g := newGateway(t, func(int, http.ResponseWriter, *http.Request) {})
	p := newPipeline(t)
	p.run(senders.SMSHandler, p.sms(g.URL+"/v1/send", nil).Handler(p.once))
	msg := message1(notifications.ChannelSMS)
	p.publish(msg)

	got := g.seen()
	want := request{"POST", "/v1/send", "application/json", "Bearer gw-token", map[string]any{"to": "+79991234567", "text": msg.Short}}
	if len(got) != 1 || !same(got[0], want) {
		t.Fatalf("requests %+v, want one %+v", got, want)
	}
	if !p.sent(notifications.ChannelSMS, msg.ID) {
		t.Fatal("the sms is not recorded as sent")
	}
	// Redelivered (the ack lost): not sent again.
	p.publish(msg)
	if got := g.seen(); len(got) != 1 {
		t.Fatalf("a redelivered message was sent again: %d requests", len(got))
	}
	// Without a short form, the subject.
	plain := message1(notifications.ChannelSMS)
	plain.Short = ""
	p.publish(plain)
	if got := g.seen(); len(got) != 2 || got[1].body["text"] != plain.Subject {
		t.Fatalf("requests %+v", got)
	}
}

func same(a, b request) bool {
	ja, _ := json.Marshal(a.body)
	jb, _ := json.Marshal(b.body)
	a.body, b.body = nil, nil
	return a.method == b.method && a.path == b.path && a.contentType == b.contentType && a.authorization == b.authorization && string(ja) == string(jb)
}

// A gateway that fails for a moment (a 500, then a request that times out, then a
// 429) gets the message again, and it is sent once it answers 2xx.
func TestSMSFailuresAreRetried(t *testing.T) {
	g := newGateway(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1:
			w.WriteHeader(http.StatusInternalServerError)
		case 2:
			<-r.Context().Done() // hangs until the client gives up
		case 3:
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	})
	p := newPipeline(t)
	p.retry.Attempts = 4
	// A second, not less: under a loaded race run a shorter timeout gave up on other
	// attempts before they reached the gateway, and the four attempts ran out.
	p.run(senders.SMSHandler, p.sms(g.URL, &http.Client{Timeout: time.Second}).Handler(p.once))
	msg := message1(notifications.ChannelSMS)
	p.publish(msg)
	if got := g.seen(); len(got) != 4 || !p.sent(notifications.ChannelSMS, msg.ID) || len(p.deadLetters()) != 0 {
		t.Fatalf("%d requests, sent %v, dead letters %+v; want 4, sent, none", len(got), p.sent(notifications.ChannelSMS, msg.ID), p.deadLetters())
	}
}

// A gateway that keeps refusing (a 400): tried as often as the router allows, then
// dead-lettered with the gateway's reason, nothing recorded as sent.
func TestSMSRefusedIsDeadLettered(t *testing.T) {
	g := newGateway(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid number"}`)
	})
	p := newPipeline(t)
	p.run(senders.SMSHandler, p.sms(g.URL, nil).Handler(p.once))
	msg := message1(notifications.ChannelSMS)
	p.publish(msg)
	dead := p.deadLetters()
	if len(g.seen()) != fastRetry.Attempts || len(dead) != 1 || dead[0].Handler != senders.SMSHandler ||
		!strings.Contains(dead[0].Reason, "400") || !strings.Contains(dead[0].Reason, "invalid number") || p.sent(notifications.ChannelSMS, msg.ID) {
		t.Fatalf("%d requests, dead letters %+v", len(g.seen()), dead)
	}
	if strings.Contains(dead[0].Reason, "gw-token") {
		t.Fatalf("the dead letter shows the token: %s", dead[0].Reason)
	}
}

// A customer without a phone (an old message, from before the phone was removed):
// nothing to send, acked, not recorded.
func TestSMSWithoutAPhone(t *testing.T) {
	g := newGateway(t, func(int, http.ResponseWriter, *http.Request) {})
	p := newPipeline(t)
	noPhone := ann
	noPhone.Phone = ""
	s := &senders.SMS{GatewayURL: g.URL, Token: "gw-token", Recipients: recipients(noPhone)}
	p.run(senders.SMSHandler, s.Handler(p.once))
	msg := message1(notifications.ChannelSMS)
	p.publish(msg)
	if len(g.seen()) != 0 || len(p.deadLetters()) != 0 || p.sent(notifications.ChannelSMS, msg.ID) {
		t.Fatalf("requests %v, dead letters %v", g.seen(), p.deadLetters())
	}
}

// A gateway that redirects (a 302 to another path): the redirect is not followed
// (Go's client would follow it with a GET and take the page's 200 for sent), the
// message is not recorded as sent, and the dead letter names the status, not the token.
func TestSMSRedirectIsRefused(t *testing.T) {
	g := newGateway(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/send" {
			http.Redirect(w, r, "/v2/send?token=gw-token", http.StatusFound)
		}
	})
	p := newPipeline(t)
	p.run(senders.SMSHandler, p.sms(g.URL+"/v1/send", nil).Handler(p.once))
	msg := message1(notifications.ChannelSMS)
	p.publish(msg)
	for _, r := range g.seen() {
		if r.method != http.MethodPost || r.path != "/v1/send" {
			t.Fatalf("the redirect was followed: %s %s", r.method, r.path)
		}
	}
	dead := p.deadLetters()
	if p.sent(notifications.ChannelSMS, msg.ID) || len(dead) != 1 || !strings.Contains(dead[0].Reason, "302") {
		t.Fatalf("sent %v, dead letters %+v; want not sent, one dead letter naming 302", p.sent(notifications.ChannelSMS, msg.ID), dead)
	}
	if strings.Contains(dead[0].Reason, "gw-token") {
		t.Fatalf("the dead letter shows the token: %s", dead[0].Reason)
	}
}

// A gateway's long answer (an error page) is quoted in the error, and so in dead
// letters and logs, by its first 200 characters only.
func TestSMSLongAnswerIsClipped(t *testing.T) {
	page := "Ошибка: " + strings.Repeat("ы", 2000)
	g := newGateway(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, page)
	})
	p := newPipeline(t)
	err := p.sms(g.URL, nil).Send(context.Background(), message1(notifications.ChannelSMS))
	if err == nil || !strings.Contains(err.Error(), "Ошибка: ыыы") || utf8.RuneCountInString(err.Error()) > 400 {
		t.Fatalf("error of %d characters: %v", utf8.RuneCountInString(fmt.Sprint(err)), err)
	}
}
