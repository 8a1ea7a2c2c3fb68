package senders_test

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
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server in the test process (emersion/go-smtp): it keeps
// every email it accepts.
type smtpServer struct {
	addr string
	cert *x509.Certificate // nil without TLS

	mu     sync.Mutex
	emails []received
}

type received struct {
	from string
	to   []string
	user string // authenticated as; empty: not authenticated
	tls  bool
	data []byte
}

type serverOptions struct {
	tls      bool   // offer STARTTLS
	user     string // require PLAIN authentication as user/password
	password string
}

func startSMTP(t *testing.T, opt serverOptions) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{server: s, opt: opt, tls: isTLS}, nil
	}))
	srv.Domain = "mx.test"
	srv.EnableSMTPUTF8 = true
	srv.AllowInsecureAuth = true // whether a client sends a password in the clear is the client's choice under test
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = nopLogger{}
	if opt.tls {
		srv.TLSConfig, s.cert = selfSigned(t)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go srv.Serve(l) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.emails...)
}

// trust is a client TLS configuration that trusts the server's certificate.
func (s *smtpServer) trust() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(s.cert)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

type session struct {
	server *smtpServer
	opt    serverOptions
	tls    bool
	user   string
	email  received
}

func (s *session) AuthMechanisms() []string {
	if s.opt.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.opt.user || password != s.opt.password {
			return errors.New("invalid credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.opt.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.email = received{from: from, user: s.user, tls: s.tls}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.email.to = append(s.email.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.email.data = data
	s.server.mu.Lock()
	s.server.emails = append(s.server.emails, s.email)
	s.server.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.email = received{} }
func (s *session) Logout() error { return nil }

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// selfSigned makes a certificate for 127.0.0.1.
func selfSigned(t *testing.T) (*tls.Config, *x509.Certificate) {
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
