package senders_test

import (
	"context"
	"encoding/json"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
)

// recipients is the one user the test sends to.
type recipients user.State

func (r recipients) User(context.Context, uuid.UUID) (user.State, error) { return user.State(r), nil }

// sendOne writes one email to u through EmailFiles and parses the .eml back.
func sendOne(t *testing.T, u user.State, subject string) *mail.Message {
	t.Helper()
	dir := t.TempDir()
	msg := notifications.Message{ID: uuid.New(), UserID: u.ID, Kind: "welcome", Subject: subject, Body: "Здравствуйте!\n",
		Channels: []string{notifications.ChannelEmail}, CreatedAt: time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)}
	payload, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	composer, err := senders.NewComposer("", recipients(u))
	if err != nil {
		t.Fatal(err)
	}
	if err := senders.EmailFiles(dir, composer)(context.Background(), message.NewMessage(msg.ID.String(), payload)); err != nil {
		t.Fatalf("the email was not written: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("emails: %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, raw)
	}
	return parsed
}

// A quote or an apostrophe in a name is legitimate (issue 7): the To header carries
// it encoded, and decodes back to exactly the name.
func TestEmailDisplayNameKeepsQuotes(t *testing.T) {
	u := user.State{ID: uuid.New(), Email: "ann@example.ru", FirstName: `Ann "Nan" O'Neil`, LastName: "Тестова"}
	m := sendOne(t, u, "Добро пожаловать")
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 {
		t.Fatalf("To %q: %v %v", m.Header.Get("To"), to, err)
	}
	if to[0].Name != `Ann "Nan" O'Neil Тестова` || to[0].Address != "ann@example.ru" {
		t.Fatalf("To decodes to %q <%s>, want the name exactly", to[0].Name, to[0].Address)
	}
}

// A name recorded before the domain refused control characters still gets a valid
// email, to the right address and nobody else, instead of failing for good.
func TestEmailToAnOldNameWithLineBreaks(t *testing.T) {
	u := user.State{ID: uuid.New(), Email: "ann@example.ru", FirstName: "Ann\"\r\nBcc: evil@example.ru\x00", LastName: "O'Neil\u202e"}
	m := sendOne(t, u, "Тема\r\nBcc: evil@example.ru")
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "ann@example.ru" {
		t.Fatalf("To %q: %v %v", m.Header.Get("To"), to, err)
	}
	if strings.ContainsAny(to[0].Name, "\r\n\x00\u202e") {
		t.Fatalf("display name %q keeps control characters", to[0].Name)
	}
	if len(m.Header["Bcc"]) != 0 || len(m.Header["Cc"]) != 0 {
		t.Fatalf("a name injected headers: %v", m.Header)
	}
}

// The mail folder is created when it is missing (it is looked for only then), and a
// redelivered message replaces its own file.
func TestEmailFilesCreateTheirFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "mail")
	u := user.State{ID: uuid.New(), Email: "anna@example.ru", FirstName: "Анна"}
	msg := notifications.Message{ID: uuid.New(), UserID: u.ID, Kind: "welcome", Subject: "Добро пожаловать", Body: "Здравствуйте!\n",
		Channels: []string{notifications.ChannelEmail}, CreatedAt: time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)}
	payload, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	composer, err := senders.NewComposer("", recipients(u))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := senders.EmailFiles(dir, composer)(context.Background(), message.NewMessage(msg.ID.String(), payload)); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 || !strings.HasSuffix(files[0], "-welcome-"+msg.ID.String()+".eml") {
		t.Fatalf("files in the mail folder: %v", files)
	}
}
