package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/infra/auth"
)

func TestProblemFor(t *testing.T) {
	rental, payment, order := uuid.New(), uuid.New(), uuid.New()
	wrapped := func(err error) error { return fmt.Errorf("append to account-123 at 7: %w", err) }
	for _, tc := range []struct {
		name   string
		err    error
		status int
		detail string
		ext    map[string]any
	}{
		{"invalid", wrapped(domain.Invalid("period is bad")), 400, "period is bad", nil},
		{"not found", wrapped(domain.NotFound("rental not found")), 404, "rental not found", nil},
		{"conflict", wrapped(domain.Conflict("the term has ended")), 409, "the term has ended", nil},
		{"funds", wrapped(&account.InsufficientFunds{Balance: 100, Needed: 350}), 402, "top up 250",
			map[string]any{"balance": float64(100), "needed": float64(350), "shortfall": float64(250)}},
		{"declined", wrapped(&commands.Declined{InsufficientFunds: &account.InsufficientFunds{Balance: 100, Needed: 350, PaymentID: payment}}), 402, "top up 250 kopecks; this payment was declined: after topping up, send the request again with a new Idempotency-Key",
			map[string]any{"payment_id": payment.String(), "shortfall": float64(250), "needed": float64(350)}},
		{"cart paid", wrapped(&account.CartAlreadyPaid{OrderID: order}), 409, "already paid for by order " + order.String(),
			map[string]any{"order_id": order.String(), "type": typeCartAlreadyPaid}},
		{"price", &commands.PriceChanged{Expected: 10, Quote: 12}, 409, "12", map[string]any{"price": float64(12), "quote": float64(12)}},
		{"total", totalChanged{&commands.PriceChanged{Expected: 10, Quote: 12}}, 409, "cart total is now 12", map[string]any{"total": float64(12)}},
		{"holding", &commands.AlreadyHolding{PremiereID: uuid.New(), RentalID: rental}, 409, "change its term", map[string]any{"rental_id": rental.String()}},
		{"key reused", fmt.Errorf("account-1: %w", commands.ErrKeyReused), 422, "already used", nil},
		{"key required", commands.ErrKeyRequired, 400, "Idempotency-Key", nil},
		{"password policy", auth.ErrPasswordTooShort, 400, "at least 8", nil},
		{"anything else", errors.New("disk I/O error at /var/lib/chance/events.db"), 500, "on our side", nil},
		{"store unreachable", fmt.Errorf("balance of u: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), 503, "cannot be reached", nil},
		{"store shutting down", fmt.Errorf("token revocation: %w", sqlStateError("57P01")), 503, "retry in a moment", nil},
		{"a constraint is our fault", fmt.Errorf("put: %w", sqlStateError("23505")), 500, "on our side", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := problemFor(tc.err)
			if p.Status != tc.status || !strings.Contains(p.Detail, tc.detail) {
				t.Fatalf("problem = %d %q, want %d containing %q", p.Status, p.Detail, tc.status, tc.detail)
			}
			if strings.Contains(p.Detail, "account-") || strings.Contains(p.Detail, "/var/lib") {
				t.Fatalf("detail leaks internals: %q", p.Detail)
			}
			raw, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			for k, v := range tc.ext {
				if m[k] != v {
					t.Fatalf("%s = %v, want %v in %s", k, m[k], v, raw)
				}
			}
		})
	}
}

// sqlStateError stands for a driver error with a SQLSTATE, as pgx's are.
type sqlStateError string

func (e sqlStateError) Error() string    { return "SQLSTATE " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

func TestPanicsBecomeLoggedProblems(t *testing.T) {
	var logs bytes.Buffer
	a := &api{log: slog.New(slog.NewJSONHandler(&logs, nil))}
	releaseMode.Do(func() { gin.SetMode(gin.ReleaseMode) })
	e := gin.New()
	e.Use(a.logRequests, a.recoverPanics)
	e.GET("/boom", func(*gin.Context) { panic("nil map write in a handler") })
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if w.Code != http.StatusInternalServerError || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "nil map") {
		t.Fatalf("the client sees the panic: %s", w.Body)
	}
	id := w.Header().Get("X-Request-Id")
	if !strings.Contains(logs.String(), "nil map write") || !strings.Contains(logs.String(), id) {
		t.Fatalf("the panic is not logged with the request id %s:\n%s", id, logs.String())
	}
	if !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Fatalf("the shop's own failure is not logged as an error:\n%s", logs.String())
	}
}
