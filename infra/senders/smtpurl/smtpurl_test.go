package smtpurl_test

import (
	"strings"
	"testing"

	"github.com/chance-video/chance/infra/senders/smtpurl"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want smtpurl.Settings
	}{
		{"smtp://mail.example.ru", smtpurl.Settings{Host: "mail.example.ru", Port: 587, TLS: smtpurl.STARTTLS, Auth: smtpurl.AutoAuth}},
		{"smtp://shop:p%40ss@mail.example.ru:2525?tls=required", smtpurl.Settings{Host: "mail.example.ru", Port: 2525,
			TLS: smtpurl.Required, Auth: smtpurl.AutoAuth, User: "shop", Password: "p@ss"}},
		{"smtps://shop:secret@mail.example.ru?auth=login", smtpurl.Settings{Host: "mail.example.ru", Port: 465,
			TLS: smtpurl.Implicit, Auth: smtpurl.LoginAuth, User: "shop", Password: "secret"}},
		{"smtp://u:p@mailpit:1025?tls=none&auth=plain-insecure", smtpurl.Settings{Host: "mailpit", Port: 1025,
			TLS: smtpurl.None, Auth: smtpurl.PlainInsecure, User: "u", Password: "p"}},
		{"smtp://[::1]:25/", smtpurl.Settings{Host: "::1", Port: 25, TLS: smtpurl.STARTTLS, Auth: smtpurl.AutoAuth}},
	} {
		got, err := smtpurl.Parse(tc.url)
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
}

// A bad URL is refused with a reason that never repeats the password.
func TestParseRefuses(t *testing.T) {
	for _, raw := range []string{
		"http://u:hunter2@mail.example.ru", "smtp://u:hunter2@", "smtp://u:hunter2@h:0", "smtp://u:hunter2@h:99999",
		"smtp://u:hunter2@h?tls=maybe", "smtps://u:hunter2@h?tls=none", "smtp://u:hunter2@h?auth=xoauth",
		"smtp://u:hunter2@h?timeout=3s", "smtp://:hunter2@h", "smtp://u:hunter2@h/path", "smtp://u:hunter2@h:%zz",
	} {
		_, err := smtpurl.Parse(raw)
		if err == nil {
			t.Errorf("%s accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error %q shows the password", raw, err)
		}
	}
	if r := smtpurl.Redacted("smtp://u:hunter2@h:25"); strings.Contains(r, "hunter2") {
		t.Errorf("redacted: %s", r)
	}
}
