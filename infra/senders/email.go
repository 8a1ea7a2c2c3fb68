package senders

import (
	"context"
	"fmt"
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

// Sender is the shop's From address.
const Sender = "Шанс-видео <noreply@chance-video.ru>"

// compose builds the email of a message: RFC 5322, UTF-8, with a stable Message-ID
// derived from the message id, so a redelivery is recognisably the same email.
func compose(ctx context.Context, recipients Recipients, msg notifications.Message) (*mail.Msg, error) {
	u, err := recipients.User(ctx, msg.UserID)
	if err != nil {
		return nil, fmt.Errorf("recipient of %s: %w", msg.ID, err)
	}
	m := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP))
	if err := m.From(Sender); err != nil {
		return nil, err
	}
	// The address is built as a value, never as text to parse: a quote in a name is
	// legitimate and comes out as an RFC 2047 (or quoted) display name.
	m.SetAddrHeaderFromMailAddress(mail.HeaderTo, &netmail.Address{Name: displayName(u), Address: u.Email})
	m.Subject(domain.StripNonText(msg.Subject))
	m.SetMessageIDWithValue(msg.ID.String() + "@chance-video.ru")
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
func EmailFiles(dir string, recipients Recipients) func(ctx context.Context, m *message.Message) error {
	return func(ctx context.Context, m *message.Message) error {
		msg, err := notifications.Decode(m)
		if err != nil || !msg.For(notifications.ChannelEmail) {
			return err
		}
		email, err := compose(ctx, recipients, msg)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
		final := filepath.Join(dir, msg.CreatedAt.UTC().Format("20060102T150405Z")+"-"+msg.Kind+"-"+msg.ID.String()+".eml")
		tmp := final + ".tmp"
		if err := email.WriteToFile(tmp); err != nil {
			return fmt.Errorf("write %s: %w", tmp, err)
		}
		return os.Rename(tmp, final)
	}
}
