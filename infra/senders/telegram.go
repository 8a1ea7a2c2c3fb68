package senders

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/notifications"
)

// Telegram sends messages through the Bot API: POST {APIURL}/bot{Token}/sendMessage
// with {"chat_id", "text"}; the answer's "ok" says whether it was sent.
//
// WARNING: the token is part of the URL: it must never reach a log or an error (post
// drops the URL from its errors).
type Telegram struct {
	APIURL     string // https://api.telegram.org by default
	Token      string
	Recipients Recipients
	Client     *http.Client // nil: one with HTTPTimeout
	// Wait pauses for a 429's retry_after (at most MaxRetryAfter) before the failure
	// is reported, so the router's retry comes after it; nil: a timer. Tests record.
	Wait Wait
}

// MaxRetryAfter caps the pause a 429 asks for: a sender holds its messages meanwhile,
// and the router's own pauses follow.
const MaxRetryAfter = 30 * time.Second

// Handler consumes the telegram messages, sending each once (see Once).
func (t *Telegram) Handler(once *Once) func(ctx context.Context, m *message.Message) error {
	return once.Handler(notifications.ChannelTelegram, t.Send)
}

// botAnswer is the part of a Bot API answer a sender reads.
type botAnswer struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// Send sends msg's short form to the customer's chat. A failure is an error, retried
// by the router and then dead-lettered (see SMS.Send); after a 429 it first
// waits the retry_after the answer asks for.
func (t *Telegram) Send(ctx context.Context, msg notifications.Message) error {
	u, err := t.Recipients.User(ctx, msg.UserID)
	if err != nil {
		return fmt.Errorf("recipient of %s: %w", msg.ID, err)
	}
	if u.TelegramChatID == "" {
		return errNoAddress
	}
	// A chat id is a 64-bit number (a user's, or a group's or channel's, negative;
	// user.CheckTelegramChatID refuses a channel's "@name"). The Bot API takes it as a
	// JSON string, so no digit is lost to a float.
	body, err := json.Marshal(struct {
		ChatID string `json:"chat_id"`
		Text   string `json:"text"`
	}{u.TelegramChatID, shortText(msg)})
	if err != nil {
		return err
	}
	endpoint := strings.TrimRight(t.APIURL, "/") + "/bot" + t.Token + "/sendMessage"
	status, raw, err := post(ctx, t.Client, endpoint, "", body)
	if err != nil {
		return fmt.Errorf("telegram sendMessage: %w", err)
	}
	var answer botAnswer
	if err := json.Unmarshal([]byte(raw), &answer); err != nil {
		return fmt.Errorf("telegram sendMessage answered %d, not a Bot API answer", status)
	}
	switch {
	case answer.OK && status == http.StatusOK:
		return nil
	case status == http.StatusTooManyRequests || answer.ErrorCode == http.StatusTooManyRequests:
		pause := min(time.Duration(answer.Parameters.RetryAfter)*time.Second, MaxRetryAfter)
		if err := t.wait(ctx, pause); err != nil {
			return err
		}
		return fmt.Errorf("telegram sendMessage: too many requests, retry after %d s: %s", answer.Parameters.RetryAfter, clipAnswer(answer.Description))
	default:
		return fmt.Errorf("telegram sendMessage answered %d%s: %s", status, permanence(status), clipAnswer(answer.Description))
	}
}

func (t *Telegram) wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	return sleep(ctx, d, t.Wait)
}
