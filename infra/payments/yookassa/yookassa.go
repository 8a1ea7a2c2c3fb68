// Package yookassa takes top-ups through YooKassa's API v3 (https://yookassa.ru/developers/api):
// a payment is created with capture (one stage) and a redirect confirmation, the
// customer pays on YooKassa's page, and YooKassa's notification only prompts the shop
// to ask YooKassa for the payment, whose answer (status, amount, metadata) is what counts.
package yookassa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/money"
)

// Name is the provider's name, recorded with its top-ups.
const Name = "yookassa"

// Limits of a conversation with YooKassa.
const (
	// Timeout bounds one request, so a slow provider cannot hold a customer's top-up
	// (or a notification) for long; the caller retries with the same key.
	Timeout = 15 * time.Second
	// maxAnswer bounds an answer read; a payment object is a few KiB.
	maxAnswer = 1 << 20
	// maxIDLength bounds a payment id asked about (YooKassa's are 36 characters).
	maxIDLength = 64
)

// Client speaks to YooKassa for one shop.
type Client struct {
	API       string // https://api.yookassa.ru, without a trailing slash
	ShopID    string
	SecretKey string
	// ReturnURL is where YooKassa sends the customer after paying a top-up.
	ReturnURL func(payment uuid.UUID) string
	// Description is shown to the customer on YooKassa's page.
	Description string
	HTTP        *http.Client // nil: one with Timeout
}

var (
	_ commands.PaymentProvider = (*Client)(nil)
	_ commands.PaymentVerifier = (*Client)(nil)
)

// Name is "yookassa".
func (*Client) Name() string { return Name }

type amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type confirmation struct {
	Type            string `json:"type"`
	ReturnURL       string `json:"return_url,omitempty"`
	ConfirmationURL string `json:"confirmation_url,omitempty"`
}

type metadata struct {
	Payment string `json:"payment_id"`
	UserID  string `json:"user_id"`
}

type createRequest struct {
	Amount       amount       `json:"amount"`
	Capture      bool         `json:"capture"`
	Confirmation confirmation `json:"confirmation"`
	Description  string       `json:"description,omitempty"`
	Metadata     metadata     `json:"metadata"`
}

// payment is YooKassa's payment object, as far as the shop reads it.
type payment struct {
	ID           string       `json:"id"`
	Status       string       `json:"status"`
	Amount       amount       `json:"amount"`
	Confirmation confirmation `json:"confirmation"`
	Metadata     metadata     `json:"metadata"`
}

// Create opens a payment for a top-up. The Idempotence-Key is the top-up's id, so a
// retry (after a lost answer or a crash) gets the same payment, never a second one.
func (c *Client) Create(ctx context.Context, o commands.TopUpOrder) (commands.ProviderPayment, error) {
	body, err := json.Marshal(createRequest{
		Amount: amount{Value: value(o.Amount), Currency: money.Currency}, Capture: true,
		Confirmation: confirmation{Type: "redirect", ReturnURL: c.ReturnURL(o.Payment)},
		Description:  c.Description,
		Metadata:     metadata{Payment: o.Payment.String(), UserID: o.UserID.String()},
	})
	if err != nil {
		return commands.ProviderPayment{}, err
	}
	var p payment
	if err := c.do(ctx, http.MethodPost, "/v3/payments", o.Payment.String(), body, &p); err != nil {
		return commands.ProviderPayment{}, fmt.Errorf("yookassa: create payment for top-up %s: %w", o.Payment, err)
	}
	if p.ID == "" || p.Confirmation.ConfirmationURL == "" {
		return commands.ProviderPayment{}, fmt.Errorf("yookassa: created payment %q for top-up %s without a confirmation URL", p.ID, o.Payment)
	}
	return commands.ProviderPayment{ID: p.ID, ConfirmationURL: p.Confirmation.ConfirmationURL}, nil
}

// errNotFound is YooKassa's 404.
var errNotFound = errors.New("not found")

// Payment asks YooKassa for a payment: commands.ErrUnknownAtProvider if it has none.
func (c *Client) Payment(ctx context.Context, id string) (commands.VerifiedPayment, error) {
	if !validID(id) {
		return commands.VerifiedPayment{}, commands.ErrUnknownAtProvider // never sent on: not an id YooKassa gives
	}
	var p payment
	err := c.do(ctx, http.MethodGet, "/v3/payments/"+url.PathEscape(id), "", nil, &p)
	if errors.Is(err, errNotFound) {
		return commands.VerifiedPayment{}, commands.ErrUnknownAtProvider
	}
	if err != nil {
		return commands.VerifiedPayment{}, fmt.Errorf("yookassa: get payment %s: %w", id, err)
	}
	v := commands.VerifiedPayment{ID: p.ID, Status: p.Status, Currency: p.Amount.Currency}
	if v.Amount, err = kopecks(p.Amount.Value); err != nil {
		return commands.VerifiedPayment{}, fmt.Errorf("yookassa: payment %s: %w", id, err)
	}
	// Metadata the shop wrote itself; anything else names no top-up (uuid.Nil).
	v.Payment, _ = uuid.Parse(p.Metadata.Payment)
	v.UserID, _ = uuid.Parse(p.Metadata.UserID)
	return v, nil
}

// validID reports whether id looks like a YooKassa payment id: letters, digits and
// dashes, at most maxIDLength.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLength {
		return false
	}
	return strings.IndexFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) < 0
}

// do sends one request and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, method, path, idempotenceKey string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.API+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.ShopID, c.SecretKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotenceKey != "" {
		req.Header.Set("Idempotence-Key", idempotenceKey)
	}
	client := c.HTTP
	if client == nil {
		client = &http.Client{Timeout: Timeout}
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	if len(answer) > maxAnswer {
		return fmt.Errorf("the answer is over %d bytes", maxAnswer)
	}
	switch {
	case res.StatusCode == http.StatusNotFound:
		return errNotFound
	case res.StatusCode < 200 || res.StatusCode > 299:
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, snippet(answer))
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("decode the answer: %w", err)
	}
	return nil
}

// snippet is the start of an error answer, for the log (YooKassa's {type, code, description}).
func snippet(b []byte) string {
	const most = 300
	if len(b) > most {
		b = b[:most]
	}
	return strings.ToValidUTF8(string(b), "?")
}
