package app_test

import (
	"mime"
	"net/http"
	"net/mail"
	"strings"
	"testing"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/infra/senders/smtptest"
)

// With CHANCE_SMTP_URL set, a purchase is emailed through the SMTP server, once,
// from CHANCE_MAIL_FROM, and no .eml file is written.
func TestAPurchaseIsEmailedOverSMTP(t *testing.T) {
	server := smtptest.Start(t, smtptest.Options{})
	sh := newShopOn(t, func(_ *testing.T, cfg *config.Config) {
		cfg.SMTPURL = "smtp://" + server.Addr + "?tls=none"
		cfg.MailFrom = "Шанс-видео <noreply@shop.example.ru>"
	})
	id := sh.publish(1)[0]
	token := sh.signUp("vera@example.ru")
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund", body: map[string]any{"summ": 10_000}})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "rent-1", body: map[string]any{"id": id, "period": 2}})
	sh.settle()

	var subjects []string
	for _, e := range server.Received() {
		if len(e.To) != 1 || e.To[0] != "vera@example.ru" {
			continue
		}
		m, err := mail.ReadMessage(strings.NewReader(string(e.Data)))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		subjects = append(subjects, subject)
		if e.From != "noreply@shop.example.ru" || !strings.HasSuffix(m.Header.Get("Message-Id"), "@shop.example.ru>") {
			t.Errorf("email %q from %s, Message-ID %s", subject, e.From, m.Header.Get("Message-Id"))
		}
	}
	purchases := 0
	for _, s := range subjects {
		if strings.Contains(s, "Премьера 0") && strings.Contains(s, "оплачена") {
			purchases++
		}
	}
	if purchases != 1 {
		t.Fatalf("emails to vera: %q; want one about the purchase", subjects)
	}
	if files := emails(t, sh, "vera@example.ru"); len(files) != 0 {
		t.Fatalf(".eml files written beside SMTP: %v", files)
	}
}

// The configuration's default From is the senders' (config cannot import them).
func TestDefaultMailFromIsTheSenders(t *testing.T) {
	if config.DefaultMailFrom != senders.Sender {
		t.Fatalf("config.DefaultMailFrom %q, senders.Sender %q", config.DefaultMailFrom, senders.Sender)
	}
}
