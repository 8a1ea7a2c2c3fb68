package senders_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/infra/senders/smtptest"
	"github.com/chance-video/chance/notifications"
)

// newSMTP is the SMTP sender to url, from the shop's address at example.ru.
func newSMTP(t *testing.T, url string) *senders.SMTP {
	t.Helper()
	composer, err := senders.NewComposer("Шанс-видео <shop@example.ru>", recipients(ann))
	if err != nil {
		t.Fatal(err)
	}
	s, err := senders.NewSMTP(url, composer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// An email goes to the customer's address through a real SMTP server, upgraded with
// STARTTLS and authenticated: UTF-8 subject and body intact, a Message-ID made of the
// message id and the From domain.
func TestSMTPDeliversTheEmail(t *testing.T) {
	server := smtptest.Start(t, smtptest.Options{TLS: true, User: "shop", Password: "p@ss word"})
	s := newSMTP(t, "smtp://shop:p%40ss%20word@"+server.Addr+"?tls=required")
	s.TLS = server.Trust()
	msg := message1(notifications.ChannelEmail)
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := server.Received()
	if len(got) != 1 {
		t.Fatalf("the server received %d emails, want 1", len(got))
	}
	r := got[0]
	if r.From != "shop@example.ru" || len(r.To) != 1 || r.To[0] != "ann@example.ru" || r.User != "shop" || !r.TLS {
		t.Fatalf("envelope from %q to %v, authenticated as %q, TLS %v", r.From, r.To, r.User, r.TLS)
	}
	d := r.Decode(t)
	m, subject, body := d, d.Subject, d.Body
	if subject != msg.Subject || body != msg.Body {
		t.Fatalf("subject %q, body %q; want %q, %q", subject, body, msg.Subject, msg.Body)
	}
	if id := m.Header.Get("Message-Id"); id != "<"+msg.ID.String()+"@example.ru>" {
		t.Fatalf("Message-ID %q, want <%s@example.ru>", id, msg.ID)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Анна Тестова" || to[0].Address != "ann@example.ru" {
		t.Fatalf("To %q: %v %v", m.Header.Get("To"), to, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Шанс-видео" || from[0].Address != "shop@example.ru" {
		t.Fatalf("From %q: %v %v", m.Header.Get("From"), from, err)
	}
}

// The process dies after the email was sent, before the bus got the ack: the message
// comes again, and the customer still gets one email.
func TestSMTPCrashBetweenSendAndAckSendsOnce(t *testing.T) {
	server := smtptest.Start(t, smtptest.Options{})
	s := newSMTP(t, "smtp://"+server.Addr)
	p := newPipeline(t)
	handle, calls := ackLost(s.Handler(p.once))
	p.run(senders.EmailHandler, handle)
	msg := message1(notifications.ChannelEmail)
	p.publish(msg)

	if got := server.Received(); len(got) != 1 || calls(msg.ID) != 2 {
		t.Fatalf("the server received %d emails from %d deliveries, want exactly 1 from 2", len(got), calls(msg.ID))
	}
	if !p.sent(notifications.ChannelEmail, msg.ID) || len(p.deadLetters()) != 0 {
		t.Fatalf("sent %v, dead letters %v", p.sent(notifications.ChannelEmail, msg.ID), p.deadLetters())
	}
	// A message not for email is not sent (nor recorded).
	other := message1(notifications.ChannelSMS)
	p.publish(other)
	if got := server.Received(); len(got) != 1 || p.sent(notifications.ChannelEmail, other.ID) {
		t.Fatalf("an sms-only message went by email: %d emails", len(got))
	}
}

// Without TLS, auth=auto never sends the password in the clear: the server offers
// only PLAIN, so nothing is sent (an error: retried, then dead-lettered). With
// auth=plain-insecure the operator says the network is private, and it is sent.
func TestSMTPPasswordInTheClearOnlyWhenAsked(t *testing.T) {
	server := smtptest.Start(t, smtptest.Options{User: "shop", Password: "secret"})
	err := newSMTP(t, "smtp://shop:secret@"+server.Addr).Send(context.Background(), message1(notifications.ChannelEmail))
	if err == nil || len(server.Received()) != 0 {
		t.Fatalf("auth=auto over a plain connection: %v, %d emails; want refused, none", err, len(server.Received()))
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("the error shows the password: %v", err)
	}
	if err := newSMTP(t, "smtp://shop:secret@"+server.Addr+"?auth=plain-insecure").Send(context.Background(), message1(notifications.ChannelEmail)); err != nil {
		t.Fatalf("auth=plain-insecure: %v", err)
	}
	if got := server.Received(); len(got) != 1 || got[0].User != "shop" || got[0].TLS {
		t.Fatalf("received %+v", got)
	}
}

// tls=required refuses a server without STARTTLS rather than send in the clear.
func TestSMTPRequiredTLSRefusesAPlainServer(t *testing.T) {
	server := smtptest.Start(t, smtptest.Options{})
	if err := newSMTP(t, "smtp://"+server.Addr+"?tls=required").Send(context.Background(), message1(notifications.ChannelEmail)); err == nil {
		t.Fatal("sent without TLS")
	}
	if got := server.Received(); len(got) != 0 {
		t.Fatalf("received %d emails", len(got))
	}
}

// A server that cannot be reached is a failure: retried, then dead-lettered, nothing
// recorded as sent.
func TestSMTPUnreachableIsDeadLettered(t *testing.T) {
	p := newPipeline(t)
	p.run(senders.EmailHandler, newSMTP(t, "smtp://"+closedPort(t)).Handler(p.once))
	msg := message1(notifications.ChannelEmail)
	p.publish(msg)
	dead := p.deadLetters()
	if len(dead) != 1 || dead[0].Handler != senders.EmailHandler || dead[0].Attempts != fastRetry.Attempts || p.sent(notifications.ChannelEmail, msg.ID) {
		t.Fatalf("dead letters %+v", dead)
	}
}

// closedPort is a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
