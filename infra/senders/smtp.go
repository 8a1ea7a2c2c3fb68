package senders

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/wneessen/go-mail"

	"github.com/chance-video/chance/infra/senders/smtpurl"
	"github.com/chance-video/chance/notifications"
)

// SMTPTimeout bounds one email's whole conversation with the server (connect, TLS,
// authenticate, send); each command also has its own deadline of the same length.
const SMTPTimeout = 30 * time.Second

// SMTP sends emails through an SMTP server, one connection per email (a sender sends
// one message at a time; a pooled connection would only add a way to fail).
type SMTP struct {
	settings smtpurl.Settings
	composer *Composer
	// TLS, when set, replaces the default (the URL's host verified against the system
	// roots, TLS 1.2 or later); tests trust their own certificate with it.
	TLS *tls.Config
}

// NewSMTP sends to the server of rawURL (see package smtpurl).
func NewSMTP(rawURL string, composer *Composer) (*SMTP, error) {
	s, err := smtpurl.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url %s: %w", smtpurl.Redacted(rawURL), err)
	}
	return &SMTP{settings: s, composer: composer}, nil
}

// Handler consumes the email messages, sending each once (see Once).
func (s *SMTP) Handler(once *Once) func(ctx context.Context, m *message.Message) error {
	return once.Handler(notifications.ChannelEmail, s.Send)
}

// Send sends msg's email.
func (s *SMTP) Send(ctx context.Context, msg notifications.Message) error {
	email, err := s.composer.compose(ctx, msg)
	if err != nil {
		return err
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, SMTPTimeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, email); err != nil {
		return fmt.Errorf("smtp %s: %w", s.settings.Address(), err)
	}
	return nil
}

// client is a go-mail client for one email.
func (s *SMTP) client() (*mail.Client, error) {
	tlsConfig := s.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.settings.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []mail.Option{mail.WithPort(s.settings.Port), mail.WithTimeout(SMTPTimeout), mail.WithTLSConfig(tlsConfig)}
	switch s.settings.TLS {
	case smtpurl.Implicit:
		opts = append(opts, mail.WithSSL())
	case smtpurl.Required:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case smtpurl.STARTTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case smtpurl.None:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.settings.User != "" {
		auth := map[smtpurl.Auth]mail.SMTPAuthType{
			smtpurl.AutoAuth:      mail.SMTPAuthAutoDiscover, // never PLAIN or LOGIN in the clear
			smtpurl.PlainAuth:     mail.SMTPAuthPlain,        // in the clear only to localhost
			smtpurl.LoginAuth:     mail.SMTPAuthLogin,        // likewise
			smtpurl.PlainInsecure: mail.SMTPAuthPlainNoEnc,
		}[s.settings.Auth]
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(s.settings.User), mail.WithPassword(s.settings.Password))
	}
	client, err := mail.NewClient(s.settings.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", s.settings.Address(), err)
	}
	return client, nil
}
