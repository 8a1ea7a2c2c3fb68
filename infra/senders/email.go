package senders

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/wneessen/go-mail"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/notifications"
)

// Recipients finds where to send a customer's email.
type Recipients interface {
	User(ctx context.Context, id uuid.UUID) (user.State, error)
}

// Sender is the shop's From address unless CHANCE_MAIL_FROM says otherwise.
const Sender = "Шанс-видео <noreply@chance-video.ru>"

// Composer builds the emails of messages, from the shop's address to the customer's.
type Composer struct {
	from       *netmail.Address
	domain     string // of from: the right-hand side of every Message-ID
	recipients Recipients
}

// NewComposer composes emails from the address from (Sender if empty).
func NewComposer(from string, recipients Recipients) (*Composer, error) {
	if from == "" {
		from = Sender
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail from %q: %w", from, err)
	}
	_, domain, ok := strings.Cut(addr.Address, "@")
	if !ok || domain == "" {
		return nil, fmt.Errorf("mail from %q: no domain", from)
	}
	return &Composer{from: addr, domain: domain, recipients: recipients}, nil
}

// compose builds the email of a message: RFC 5322, UTF-8, with a stable Message-ID
// derived from the message id (and the From domain), so a redelivery is recognisably
// the same email.
func (c *Composer) compose(ctx context.Context, msg notifications.Message) (*mail.Msg, error) {
	u, err := c.recipients.User(ctx, msg.UserID)
	if err != nil {
		return nil, fmt.Errorf("recipient of %s: %w", msg.ID, err)
	}
	m := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP))
	m.SetAddrHeaderFromMailAddress(mail.HeaderFrom, c.from)
	// The address is built as a value, never as text to parse: a quote in a name is
	// legitimate and comes out as an RFC 2047 (or quoted) display name.
	m.SetAddrHeaderFromMailAddress(mail.HeaderTo, &netmail.Address{Name: displayName(u), Address: u.Email})
	m.Subject(domain.StripNonText(msg.Subject))
	m.SetMessageIDWithValue(msg.ID.String() + "@" + c.domain)
	m.SetDateWithValue(msg.CreatedAt)
	m.SetBodyString(mail.TypeTextPlain, msg.Body)
	return m, nil
}

// displayName is the recipient's name for the To header. Names recorded before the
// domain refused control characters may still hold CR/LF, NUL or bidi overrides:
// they are dropped here, so such a user still gets a valid email instead of every
// delivery failing for good.
func displayName(u user.State) string {
	return strings.TrimSpace(domain.StripNonText(u.FirstName) + " " + domain.StripNonText(u.LastName))
}

// EmailFiles writes each email message as an .eml file into dir, named by the
// message id: a redelivered message overwrites its own file instead of duplicating.
func EmailFiles(dir string, composer *Composer) func(ctx context.Context, m *message.Message) error {
	return func(ctx context.Context, m *message.Message) error {
		msg, err := notifications.Decode(m)
		if err != nil || !msg.For(notifications.ChannelEmail) {
			return err
		}
		email, err := composer.compose(ctx, msg)
		if err != nil {
			return err
		}
		final := filepath.Join(dir, msg.CreatedAt.UTC().Format("20060102T150405Z")+"-"+msg.Kind+"-"+msg.ID.String()+".eml")
		tmp := final + ".tmp"
		var b bytes.Buffer
		if _, err := email.WriteTo(&b); err != nil {
			return fmt.Errorf("compose %s: %w", final, err)
		}
		if err := writeInto(dir, tmp, b.Bytes()); err != nil {
			return fmt.Errorf("write %s: %w", tmp, err)
		}
		return os.Rename(tmp, final)
	}
}

// writeInto writes a file in dir with one write, creating dir only when it is missing:
// a stat of the folder and a write per line of the message were half of each message's
// system calls under load.
func writeInto(dir, name string, b []byte) error {
	err := os.WriteFile(name, b, 0o666)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
		err = os.WriteFile(name, b, 0o666)
	}
	return err
}
