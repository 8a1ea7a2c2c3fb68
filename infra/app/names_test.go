package app_test

import (
	"context"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
)

// welcomeTo waits for the whole log to be handled and returns the To address of the
// welcome email to address.
func (sh *shop) welcomeTo(address string) *mail.Address {
	sh.t.Helper()
	sh.settle()
	files, _ := filepath.Glob(filepath.Join(sh.dir, "mail", "*welcome*.eml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			sh.t.Fatal(err)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			sh.t.Fatalf("%s is not an RFC 5322 message: %v", f, err)
		}
		to, err := m.Header.AddressList("To")
		if err != nil {
			sh.t.Fatalf("%s: To %q: %v", f, m.Header.Get("To"), err)
		}
		if len(to) == 1 && to[0].Address == address {
			return to[0]
		}
	}
	sh.t.Fatalf("no welcome email to %s among %v", address, files)
	return nil
}

// Issue 7: a quote in a name reaches the email encoded, decoding back exactly.
func TestQuotedNameReachesTheEmail(t *testing.T) {
	sh := newShop(t)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/register", body: map[string]string{
		"email": "ann@example.ru", "password": "correct horse battery", "first_name": `Ann "Nan" O'Neil`, "last_name": "Тестова"}})
	if to := sh.welcomeTo("ann@example.ru"); to.Name != `Ann "Nan" O'Neil Тестова` {
		t.Fatalf("To name %q, want the name exactly", to.Name)
	}
}

// Issue 7: a user registered before names were checked, whose name holds CR/LF and
// NUL, still gets a valid email (once the sender starts), instead of every delivery
// failing for good.
func TestOldNameWithLineBreaksStillGetsAnEmail(t *testing.T) {
	sh := newShop(t)
	id := uuid.New()
	old := user.Registered{UserID: id, Email: "old@example.ru", FirstName: "Ann\"\r\nBcc: evil@example.ru\x00", LastName: "O'Neil",
		PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", Roles: []string{user.RoleCustomer}, At: start}
	name, data, err := codec.Shop().Encode(old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sh.app.Events.Append(context.Background(), user.Stream(id), eventlog.NoStream,
		[]eventlog.EventData{{ID: uuid.New(), Type: name, Data: data, Metadata: eventlog.Metadata{OccurredAt: start}}}); err != nil {
		t.Fatal(err)
	}
	to := sh.welcomeTo("old@example.ru")
	if strings.ContainsAny(to.Name, "\r\n\x00") || !strings.HasPrefix(to.Name, `Ann"`) {
		t.Fatalf("To name %q", to.Name)
	}
}
