// Package smtpurl reads CHANCE_SMTP_URL, the one setting of the SMTP email sender:
//
//	smtp://[user:password@]host[:port][?tls=starttls|required|none][&auth=…]
//	smtps://[user:password@]host[:port][?auth=…]
//
// smtp:// connects in plain text (port 587 by default) and then: tls=starttls (the
// default) upgrades with STARTTLS when the server offers it; tls=required refuses a
// server that does not; tls=none never upgrades. smtps:// is TLS from the first byte
// (implicit TLS, port 465 by default). Certificates are always verified.
//
// Authentication happens only when the URL has a user: auth=auto (the default) picks
// the strongest mechanism the server offers, never sending the password in the clear
// over an unencrypted connection; auth=plain or auth=login force that mechanism
// (allowed over an unencrypted connection only to localhost); auth=plain-insecure
// sends PLAIN even over an unencrypted connection to another host, for a relay on a
// private network (such as Mailpit in the compose file). Reserved characters in the
// user or password must be percent-encoded.
//
// It is a package of its own, with no dependency, so that the configuration can check
// the URL without importing the sender.
package smtpurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// TLS is how the connection is encrypted.
type TLS string

const (
	STARTTLS TLS = "starttls" // upgrade when the server offers it (opportunistic)
	Required TLS = "required" // STARTTLS or fail
	None     TLS = "none"     // never encrypt
	Implicit TLS = "implicit" // smtps://: TLS from the first byte
)

// Auth is the authentication mechanism.
type Auth string

const (
	AutoAuth      Auth = "auto"
	PlainAuth     Auth = "plain"
	LoginAuth     Auth = "login"
	PlainInsecure Auth = "plain-insecure"
)

// Settings are the parts of an SMTP URL.
type Settings struct {
	Host     string
	Port     int
	TLS      TLS
	Auth     Auth   // meaningful only with a User
	User     string // empty: no authentication
	Password string
}

// Parse reads an SMTP URL. Its errors never repeat the password.
func Parse(raw string) (Settings, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's error quotes the whole URL, password included.
		return Settings{}, errors.New("not a URL")
	}
	var s Settings
	switch u.Scheme {
	case "smtp":
		s.Port, s.TLS = 587, STARTTLS
	case "smtps":
		s.Port, s.TLS = 465, Implicit
	default:
		return Settings{}, fmt.Errorf("scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return Settings{}, errors.New("want only scheme, user, host, port and query")
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return Settings{}, errors.New("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Settings{}, fmt.Errorf("port %q: want 1 to 65535", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
		if s.User == "" {
			return Settings{}, errors.New("a password without a user")
		}
	}
	q := u.Query()
	for key := range q {
		if key != "tls" && key != "auth" {
			return Settings{}, fmt.Errorf("unknown option %q: want tls or auth", key)
		}
	}
	if v := q.Get("tls"); v != "" {
		if s.TLS == Implicit {
			return Settings{}, errors.New("tls= with smtps://, which is always TLS")
		}
		switch t := TLS(strings.ToLower(v)); t {
		case STARTTLS, Required, None:
			s.TLS = t
		default:
			return Settings{}, fmt.Errorf("tls=%q: want starttls, required or none", v)
		}
	}
	s.Auth = AutoAuth
	if v := q.Get("auth"); v != "" {
		switch a := Auth(strings.ToLower(v)); a {
		case AutoAuth, PlainAuth, LoginAuth, PlainInsecure:
			s.Auth = a
		default:
			return Settings{}, fmt.Errorf("auth=%q: want auto, plain, login or plain-insecure", v)
		}
	}
	return s, nil
}

// Address is host:port.
func (s Settings) Address() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Redacted is the URL with its password replaced, for messages and logs.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	return u.Redacted()
}
