package senders

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/notifications"
)

// HTTPTimeout bounds one request to an SMS gateway or the Telegram Bot API.
const HTTPTimeout = 15 * time.Second

// SMS sends text messages through an HTTP gateway: POST GatewayURL with
// {"to": "+7…", "text": "…"} and the bearer token. A 2xx answer means sent.
type SMS struct {
	GatewayURL string
	Token      string
	Recipients Recipients
	Client     *http.Client // nil: one with HTTPTimeout
}

// Handler consumes the sms messages, sending each once (see Once).
func (s *SMS) Handler(once *Once) func(ctx context.Context, m *message.Message) error {
	return once.Handler(notifications.ChannelSMS, s.Send)
}

// Send texts msg's short form to the customer's phone.
//
// Every failure is an error, retried by the router and then dead-lettered, where an
// admin sees why and can requeue it: a 5xx, a timeout, 408 or 429 may pass; another
// 4xx (a number the gateway refuses, a bad token) will not until someone acts, but a
// dead letter is where someone acts.
func (s *SMS) Send(ctx context.Context, msg notifications.Message) error {
	u, err := s.Recipients.User(ctx, msg.UserID)
	if err != nil {
		return fmt.Errorf("recipient of %s: %w", msg.ID, err)
	}
	if u.Phone == "" {
		return errNoAddress
	}
	body, err := json.Marshal(struct {
		To   string `json:"to"`
		Text string `json:"text"`
	}{u.Phone, shortText(msg)})
	if err != nil {
		return err
	}
	status, answer, err := post(ctx, s.Client, s.GatewayURL, s.Token, body)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	if status < 200 || status > 299 {
		return fmt.Errorf("sms gateway answered %d%s: %s", status, permanence(status), clipAnswer(answer))
	}
	return nil
}

// shortText is the SMS and Telegram form of a message: its short form, or its subject
// when it has none.
func shortText(msg notifications.Message) string {
	if msg.Short != "" {
		return msg.Short
	}
	return msg.Subject
}

// maxAnswer is how much of a gateway's or the Bot API's answer an error quotes: enough
// for a reason, not a whole error page in every log line and dead letter.
const maxAnswer = 200

// clipAnswer keeps the first maxAnswer characters of an answer.
func clipAnswer(answer string) string {
	if r := []rune(answer); len(r) > maxAnswer {
		return string(r[:maxAnswer]) + "…"
	}
	return answer
}

func permanence(status int) string {
	if status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests {
		return " (the request was refused: retrying will not help until the cause is fixed)"
	}
	return ""
}

// post POSTs JSON to endpoint (with a bearer token if given) within HTTPTimeout and
// returns the status and the start of the answer. Its errors never name the endpoint:
// a Bot API URL holds the bot's token.
//
// A redirect is not followed but refused: Go's client would follow a 301 or 302 with a
// GET (no message, and a page's 200 taken for sent) and could carry the token
// elsewhere. The gateway's final URL belongs in the configuration.
func post(ctx context.Context, client *http.Client, endpoint, token string, body []byte) (int, string, error) {
	noRedirects := http.Client{Timeout: HTTPTimeout}
	if client != nil {
		noRedirects = *client
	}
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client = &noRedirects
	ctx, cancel := context.WithTimeout(ctx, HTTPTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, "", errors.New("bad endpoint URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // without the URL
		}
		return 0, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		// Neither the URL nor the Location: either may hold the token.
		return resp.StatusCode, "", fmt.Errorf("answered %d, a redirect, which is not followed: configure the final URL", resp.StatusCode)
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return resp.StatusCode, "", fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, string(bytes.TrimSpace(answer)), nil
}
