// Package smtptest runs a real SMTP server (emersion/go-smtp) in a test's process,
// keeping every email it accepts, for the tests of the SMTP sender and of the app.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server listening on 127.0.0.1 until the test ends.
type Server struct {
	Addr string            // host:port
	cert *x509.Certificate // nil without TLS

	mu     sync.Mutex
	emails []Email
}

// Email is one email the server accepted.
type Email struct {
	From string
	To   []string
	User string // authenticated as; empty: not authenticated
	TLS  bool   // received over TLS (STARTTLS)
	Data []byte // the message, as sent
}

// Options configure a Server.
type Options struct {
	TLS      bool   // offer STARTTLS, with a certificate for 127.0.0.1 (see Trust)
	User     string // require PLAIN authentication as User/Password
	Password string
}

// Start starts a server; it stops when the test ends.
func Start(t testing.TB, opt Options) *Server {
	t.Helper()
	s := &Server{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{server: s, opt: opt, tls: isTLS}, nil
	}))
	srv.Domain = "mx.test"
	srv.EnableSMTPUTF8 = true
	srv.AllowInsecureAuth = true // whether a client sends a password in the clear is the client's choice under test
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = nopLogger{}
	if opt.TLS {
		srv.TLSConfig, s.cert = selfSigned(t)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	go srv.Serve(l) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return s
}

// Received is every email accepted so far.
func (s *Server) Received() []Email {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Email(nil), s.emails...)
}

// Trust is a client TLS configuration that trusts the server's certificate.
func (s *Server) Trust() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(s.cert)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

type session struct {
	server *Server
	opt    Options
	tls    bool
	user   string
	email  Email
}

func (s *session) AuthMechanisms() []string {
	if s.opt.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.opt.User || password != s.opt.Password {
			return errors.New("invalid credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.opt.User != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.email = Email{From: from, User: s.user, TLS: s.tls}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.email.To = append(s.email.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.email.Data = data
	s.server.mu.Lock()
	s.server.emails = append(s.server.emails, s.email)
	s.server.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.email = Email{} }
func (s *session) Logout() error { return nil }

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// selfSigned makes a certificate for 127.0.0.1.
func selfSigned(t testing.TB) (*tls.Config, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.test"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}, cert
}

// Decoded is an email as its reader sees it: headers, the subject decoded (RFC 2047)
// and the body decoded (quoted-printable), its lines ending in "\n" (CRLF on the wire).
type Decoded struct {
	Header  mail.Header
	Subject string
	Body    string
}

// Decode reads the email the server received, failing the test if it is not a valid
// RFC 5322 message.
func (e Email) Decode(t testing.TB) Decoded {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(e.Data)))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, e.Data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", m.Header.Get("Subject"), err)
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return Decoded{Header: m.Header, Subject: subject, Body: strings.ReplaceAll(string(raw), "\r\n", "\n")}
}
