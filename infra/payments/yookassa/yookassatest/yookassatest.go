// Package yookassatest is a fake YooKassa (API v3) for tests: it creates payments
// (Basic auth, Idempotence-Key), answers them by id, lets a test pay or cancel them as
// a customer would, and sends notifications — true ones or forged ones.
package yookassatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// Server is the fake YooKassa.
type Server struct {
	*httptest.Server
	ShopID, SecretKey string

	mu       sync.Mutex
	payments map[string]*Payment
	byKey    map[string]keyed
	creates  int
	down     bool
}

// Payment is a payment the fake keeps.
type Payment struct {
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	Paid        bool              `json:"paid"`
	Amount      Amount            `json:"amount"`
	Description string            `json:"description,omitempty"`
	Metadata    map[string]string `json:"metadata"`
	ReturnURL   string            `json:"-"`
	// Confirmation is set while the payment waits for the customer.
	Confirmation *Confirmation `json:"confirmation,omitempty"`
}

// Amount is YooKassa's amount object.
type Amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// Confirmation is YooKassa's redirect confirmation.
type Confirmation struct {
	Type            string `json:"type"`
	ConfirmationURL string `json:"confirmation_url"`
}

type keyed struct {
	id   string
	body string
}

// New starts a fake YooKassa for a shop.
func New(shopID, secretKey string) *Server {
	s := &Server{ShopID: shopID, SecretKey: secretKey, payments: map[string]*Payment{}, byKey: map[string]keyed{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/payments", s.create)
	mux.HandleFunc("GET /v3/payments/{id}", s.get)
	s.Server = httptest.NewServer(s.authorised(mux))
	return s
}

func (s *Server) authorised(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		down := s.down
		s.mu.Unlock()
		if down {
			fail(w, http.StatusInternalServerError, "internal_server_error", "the fake is down")
			return
		}
		if id, secret, ok := r.BasicAuth(); !ok || id != s.ShopID || secret != s.SecretKey {
			fail(w, http.StatusUnauthorized, "invalid_credentials", "wrong shop id or secret key")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func fail(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"type": "error", "code": code, "description": description})
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotence-Key")
	if key == "" {
		fail(w, http.StatusBadRequest, "invalid_request", "Idempotence-Key is required")
		return
	}
	var body struct {
		Amount       Amount `json:"amount"`
		Capture      bool   `json:"capture"`
		Confirmation struct {
			Type      string `json:"type"`
			ReturnURL string `json:"return_url"`
		} `json:"confirmation"`
		Description string            `json:"description"`
		Metadata    map[string]string `json:"metadata"`
	}
	var raw bytes.Buffer
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	if err := dec.Decode(&body); err != nil {
		fail(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	json.NewEncoder(&raw).Encode(body)
	if body.Amount.Currency != "RUB" || body.Amount.Value == "" || !body.Capture || body.Confirmation.Type != "redirect" || body.Confirmation.ReturnURL == "" {
		fail(w, http.StatusBadRequest, "invalid_request", "want amount in RUB, capture true, a redirect confirmation with a return_url")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creates++
	if k, seen := s.byKey[key]; seen {
		if k.body != raw.String() {
			fail(w, http.StatusBadRequest, "invalid_request", "Idempotence-Key reused with another request")
			return
		}
		reply(w, s.payments[k.id])
		return
	}
	id := uuid.NewString()
	p := &Payment{ID: id, Status: "pending", Amount: body.Amount, Description: body.Description, Metadata: body.Metadata,
		ReturnURL: body.Confirmation.ReturnURL, Confirmation: &Confirmation{Type: "redirect", ConfirmationURL: s.URL + "/checkout/" + id}}
	s.payments[id] = p
	s.byKey[key] = keyed{id: id, body: raw.String()}
	reply(w, p)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[r.PathValue("id")]
	if !ok {
		fail(w, http.StatusNotFound, "not_found", "payment not found")
		return
	}
	reply(w, p)
}

func reply(w http.ResponseWriter, p *Payment) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(p)
}

// Creates counts create requests, repeated ones included.
func (s *Server) Creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// SetDown makes every request fail with a 500 (true) or be answered again (false).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Payments are copies of the payments created, in no order.
func (s *Server) Payments() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Payment
	for _, p := range s.payments {
		out = append(out, *p)
	}
	return out
}

// ByConfirmation is the payment a confirmation URL opens.
func (s *Server) ByConfirmation(confirmationURL string) (Payment, bool) {
	id, ok := strings.CutPrefix(confirmationURL, s.URL+"/checkout/")
	if !ok {
		return Payment{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return Payment{}, false
	}
	return *p, true
}

// Settle ends a pending payment as the customer would: "succeeded" (paid) or
// "canceled". A test may also change a payment in other ways (change).
func (s *Server) Settle(id, status string, change ...func(*Payment)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.payments[id]
	p.Status, p.Paid, p.Confirmation = status, status == "succeeded", nil
	for _, c := range change {
		c(p)
	}
}

// Notify sends YooKassa's notification about payment id to the shop's webhook and
// answers the shop's status code. The object is the payment as the fake holds it.
func (s *Server) Notify(ctx context.Context, webhook, id string) (int, error) {
	s.mu.Lock()
	p, ok := s.payments[id]
	var object Payment
	if ok {
		object = *p
	}
	s.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("no payment %s", id)
	}
	return Send(ctx, webhook, "payment."+object.Status, object)
}

// Send posts a notification with any object: how a forger would.
func Send(ctx context.Context, webhook, event string, object Payment) (int, error) {
	body, err := json.Marshal(map[string]any{"type": "notification", "event": event, "object": object})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhook, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}
