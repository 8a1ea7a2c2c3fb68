package app_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/notifications"
)

// sentOn records the channels of every message published, by kind, in order.
type sentOn struct {
	mu     sync.Mutex
	byKind map[string][][]string
}

func (s *sentOn) handle(_ context.Context, m *message.Message) error {
	msg, err := notifications.Decode(m)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKind[msg.Kind] = append(s.byKind[msg.Kind], msg.Channels)
	return nil
}

func (s *sentOn) of(kind string) [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.byKind[kind])
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// A customer who swaps to the inbox alone gets the next message in the inbox only (no
// email written); swapping back brings email back for the message after.
func TestSwappedChannelsApplyToTheNextMessage(t *testing.T) {
	sent := &sentOn{byKind: map[string][][]string{}}
	sh := newShopWith(t, embedded, func(a *app.App) {
		a.Senders = append(a.Senders, app.Sender{Name: "chance.send-notify.test-recorder", Handle: sent.handle})
	})
	token := sh.signUp("vera@example.ru")
	// Channels are read when a message is composed: let the welcome go out first.
	sh.settle()
	profile := sh.expect(http.StatusOK, call{method: "GET", path: "/users", token: token})
	if got := strs(profile["notification_channels"]); !slices.Equal(got, []string{"inbox", "email"}) {
		t.Fatalf("a new customer's channels: %v", got)
	}

	swapped := sh.expect(http.StatusOK, call{method: "PATCH", path: "/users", token: token, body: map[string]any{"notification_channels": []string{"inbox"}}})
	if got := strs(swapped["notification_channels"]); !slices.Equal(got, []string{"inbox"}) {
		t.Fatalf("after the swap: %v", swapped)
	}
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fill-1", body: map[string]any{"summ": 100_000}})
	sh.settle()

	if got := sent.of("welcome"); len(got) != 1 || !slices.Equal(got[0], []string{"inbox", "email"}) {
		t.Fatalf("welcome sent on %v", got)
	}
	if got := sent.of("funds_added"); len(got) != 1 || !slices.Equal(got[0], []string{"inbox"}) {
		t.Fatalf("top-up after the swap sent on %v, want the inbox alone", got)
	}
	if mails, _ := filepath.Glob(filepath.Join(sh.dir, "mail", "*funds_added*.eml")); len(mails) != 0 {
		t.Fatalf("an email was written after the customer left email: %v", mails)
	}
	if mails, _ := filepath.Glob(filepath.Join(sh.dir, "mail", "*welcome*.eml")); len(mails) != 1 {
		t.Fatalf("welcome emails: %v", mails)
	}
	inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
	if !hasKind(inbox, "funds_added") {
		t.Fatalf("the inbox lacks the top-up: %v", kinds(inbox))
	}

	// Back to email: the next message is written as an email again.
	sh.expect(http.StatusOK, call{method: "PATCH", path: "/users", token: token, body: map[string]any{"notification_channels": []string{"email"}}})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fill-2", body: map[string]any{"summ": 100_000}})
	sh.settle()
	if got := sent.of("funds_added"); len(got) != 2 || !slices.Equal(got[1], []string{"inbox", "email"}) {
		t.Fatalf("top-ups sent on %v", got)
	}
	if mails, _ := filepath.Glob(filepath.Join(sh.dir, "mail", "*funds_added*.eml")); len(mails) != 1 {
		t.Fatalf("top-up emails after swapping back: %v", mails)
	}
}

// A channel the shop is not set up for is a 422 and changes nothing; once the shop
// has an SMS gateway, the same choice is taken.
func TestAChannelTheShopDoesNotSendOnIsRefused(t *testing.T) {
	sh := newShop(t)
	token := sh.signUp("gleb@example.ru")
	choice := map[string]any{"notification_channels": []string{"inbox", "sms"}, "phone": "+79991234567"}
	refused := sh.expect(http.StatusUnprocessableEntity, call{method: "PATCH", path: "/users", token: token, body: choice})
	if detail, _ := refused["detail"].(string); detail == "" || refused["status"] != float64(422) {
		t.Fatalf("422 body %v", refused)
	}
	profile := sh.expect(http.StatusOK, call{method: "GET", path: "/users", token: token})
	if got := strs(profile["notification_channels"]); !slices.Equal(got, []string{"inbox", "email"}) || profile["phone"] != "" {
		t.Fatalf("a refused choice changed the profile: %v", profile)
	}

	withSMS := newShopOn(t, func(_ *testing.T, cfg *config.Config) {
		cfg.SMSGatewayURL, cfg.SMSGatewayToken = "http://127.0.0.1:9/sms", "test-token"
	})
	token = withSMS.signUp("gleb@example.ru")
	taken := withSMS.expect(http.StatusOK, call{method: "PATCH", path: "/users", token: token, body: choice})
	if got := strs(taken["notification_channels"]); !slices.Equal(got, []string{"inbox", "sms"}) || taken["phone"] != "+79991234567" {
		t.Fatalf("sms on a shop with a gateway: %v", taken)
	}
}
