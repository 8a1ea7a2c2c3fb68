package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/infra/payments/testpay"
	"github.com/chance-video/chance/infra/payments/yookassa"
	"github.com/chance-video/chance/infra/payments/yookassa/yookassatest"
)

// providerOperations are the operations only a shop with a payment provider answers
// with success: exercised here, not in the demo journey.
var providerOperations = []string{"getTestPaymentPage", "settleTestPayment", "yookassaNotification"}

// page sends a request to the test provider's page (outside the API prefix): a form
// POST when form is set.
func (h *harness) page(method, path, form string) *httptest.ResponseRecorder {
	h.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(form))
	if form != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	w := httptest.NewRecorder()
	h.api.ServeHTTP(w, r)
	return w
}

// atHead waits until the read models have applied the whole log (a provider's write
// is nobody's own write to wait for).
func (h *harness) atHead() {
	h.t.Helper()
	head, err := h.events.Head(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	h.settle(head)
}

func TestTopUpsThroughTheTestProvider(t *testing.T) {
	c := newContract(t)
	h := newHarnessWith(t, setup{payments: &commands.Payments{Provider: testpay.Provider{}, PendingTTL: 30 * time.Minute}, testPay: true})
	h.api = c.wrap(t, h.api)
	token, user := h.customer("pay")
	var balance int64 // the balance unchanged by a pending top-up
	open := func(key string, amount int) (id, page string) {
		t.Helper()
		r := h.post("/billing/fill", token, key, map[string]any{"summ": amount}).want(t, http.StatusCreated)
		id = r.str("payment_id")
		if r.str("status") != "pending" || r.num("balance") != balance || r.str("confirmation_url") != "/pay/test/"+id ||
			r.Header.Get("Location") != "/api/v1/billing/status/"+id {
			t.Fatalf("fill = %s %v", r.Raw, r.Header)
		}
		return id, r.str("confirmation_url")
	}
	status := func(id, want string) response {
		t.Helper()
		r := h.get("/billing/status/"+id, token).want(t, http.StatusOK)
		if r.str("status") != want {
			t.Fatalf("status of %s: %s, want %s", id, r.Raw, want)
		}
		return r
	}
	key := uuid.NewString()
	id, page := open(key, 20_000)
	again := h.post("/billing/fill", token, key, map[string]any{"summ": 20_000}).want(t, http.StatusOK)
	if again.str("payment_id") != id || again.str("status") != "pending" || again.str("confirmation_url") != page {
		t.Fatalf("a retry = %s", again.Raw)
	}
	s := status(id, "pending")
	if s.str("confirmation_url") != page || s.str("expires_at") != start.Add(30*time.Minute).Format(time.RFC3339) {
		t.Fatalf("pending status = %s", s.Raw)
	}

	w := h.page(http.MethodGet, page, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Оплатить") || !strings.Contains(w.Body.String(), "200,00") ||
		w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("page: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
	for _, path := range []string{"/pay/test/not-a-uuid", "/pay/test/" + uuid.NewString()} {
		if w := h.page(http.MethodGet, path, ""); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "не найден") {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
	}
	if w := h.page(http.MethodPost, page, "action=steal"); w.Code != http.StatusBadRequest {
		t.Fatalf("a bad action: %d", w.Code)
	}
	status(id, "pending")
	if w := h.page(http.MethodPost, page, "action=pay"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/#/wallet?payment="+id {
		t.Fatalf("pay: %d %v", w.Code, w.Header())
	}
	h.atHead()
	if w := h.page(http.MethodPost, page, "action=decline"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Оплачено") {
		t.Fatalf("decline after paying: %d\n%s", w.Code, w.Body)
	}
	if w := h.page(http.MethodPost, page, "action=pay"); w.Code != http.StatusOK {
		t.Fatalf("pay again: %d", w.Code)
	}
	status(id, "succeeded")
	if balance = h.balance(token); balance != 20_000 {
		t.Fatalf("balance %d after one paid top-up of 20000", balance)
	}

	declined, declinedPage := open(uuid.NewString(), 5_000)
	if w := h.page(http.MethodPost, declinedPage, "action=decline"); w.Code != http.StatusSeeOther {
		t.Fatalf("decline: %d", w.Code)
	}
	h.atHead()
	if w := h.page(http.MethodPost, declinedPage, "action=pay"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "отклонён") {
		t.Fatalf("pay after declining: %d\n%s", w.Code, w.Body)
	}
	status(declined, "canceled")

	expired, expiredPage := open(uuid.NewString(), 7_000)
	h.clock.Advance(30 * time.Minute)
	if _, err := h.cmd.ExpireTopUp(context.Background(), user, uuid.MustParse(expired)); err != nil {
		t.Fatal(err)
	}
	h.atHead()
	if w := h.page(http.MethodPost, expiredPage, "action=pay"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "истёк") {
		t.Fatalf("pay after expiry: %d\n%s", w.Code, w.Body)
	}
	status(expired, "expired")
	if b := h.balance(token); b != 20_000 {
		t.Fatalf("balance %d: only the paid top-up may count", b)
	}
	// The history shows money that moved: the paid top-up alone.
	if lines := h.get("/billing/history", token).want(t, http.StatusOK).items(t); len(lines) != 1 || lines[0]["amount"].(float64) != 20_000 {
		t.Fatalf("history: %v", lines)
	}
	// No YooKassa here: its notifications are not taken.
	h.post("/payments/yookassa/notifications", "", "", map[string]any{"object": map[string]any{"id": "x"}}).problem(t, http.StatusNotFound)
	wantSucceeded(t, c, "getTestPaymentPage", "settleTestPayment")
}

// wantSucceeded checks that the contract saw each operation answer a 2xx or 3xx.
func wantSucceeded(t *testing.T, c *contract, ops ...string) {
	t.Helper()
	seen := c.exercised()
	for _, op := range ops {
		if !slices.ContainsFunc(seen, func(s string) bool { return strings.HasPrefix(s, op+" 2") || strings.HasPrefix(s, op+" 3") }) {
			t.Errorf("%s never succeeded: %v", op, seen)
		}
	}
}

func TestYooKassaNotificationsAreVerified(t *testing.T) {
	fake := yookassatest.New("123456", "test_secret")
	defer fake.Close()
	client := &yookassa.Client{API: fake.URL, ShopID: fake.ShopID, SecretKey: fake.SecretKey,
		ReturnURL: func(p uuid.UUID) string { return "https://shop.example/#/wallet?payment=" + p.String() }}
	c := newContract(t)
	h := newHarnessWith(t, setup{payments: &commands.Payments{Provider: client, Verifier: client, PendingTTL: 30 * time.Minute}})
	h.api = c.wrap(t, h.api)
	shop := httptest.NewServer(h.api)
	defer shop.Close()
	webhook := shop.URL + "/api/v1/payments/yookassa/notifications"
	ctx := context.Background()
	token, _ := h.customer("yk")
	open := func(amount int) (ours string, theirs yookassatest.Payment) {
		t.Helper()
		r := h.post("/billing/fill", token, uuid.NewString(), map[string]any{"summ": amount}).want(t, http.StatusCreated)
		p, ok := fake.ByConfirmation(r.str("confirmation_url"))
		if r.str("status") != "pending" || !ok {
			t.Fatalf("fill = %s", r.Raw)
		}
		return r.str("payment_id"), p
	}
	notify := func(id string, want int) {
		t.Helper()
		code, err := fake.Notify(ctx, webhook, id)
		if err != nil || code != want {
			t.Fatalf("notification about %s: %d, %v; want %d", id, code, err, want)
		}
		h.atHead()
	}
	balance := func(want int64) {
		t.Helper()
		if b := h.balance(token); b != want {
			t.Fatalf("balance %d, want %d", b, want)
		}
	}
	paid, p := open(30_000)
	notify(p.ID, http.StatusOK) // still pending at YooKassa: nothing happens
	balance(0)
	fake.Settle(p.ID, "succeeded")
	notify(p.ID, http.StatusOK)
	notify(p.ID, http.StatusOK) // YooKassa sends it again
	balance(30_000)
	if s := h.get("/billing/status/"+paid, token).want(t, http.StatusOK); s.str("status") != "succeeded" || s.str("confirmation_url") != "" {
		t.Fatalf("status = %s", s.Raw)
	}

	// Forged: a payment YooKassa does not know, claiming success and our top-up.
	forged, _ := open(10_000)
	code, err := yookassatest.Send(ctx, webhook, "payment.succeeded", yookassatest.Payment{ID: uuid.NewString(), Status: "succeeded", Paid: true,
		Amount: yookassatest.Amount{Value: "100.00", Currency: "RUB"}, Metadata: map[string]string{"payment_id": forged}})
	if err != nil || code != http.StatusOK {
		t.Fatalf("forged: %d %v", code, err)
	}
	h.atHead()
	balance(30_000)
	// Paid at YooKassa, but another amount than the top-up's: refused.
	short, sp := open(10_000)
	fake.Settle(sp.ID, "succeeded", func(p *yookassatest.Payment) { p.Amount.Value = "1.00" })
	notify(sp.ID, http.StatusOK)
	balance(30_000)
	h.get("/billing/status/"+short, token).want(t, http.StatusOK)
	// Canceled at YooKassa.
	canceled, cp := open(5_000)
	fake.Settle(cp.ID, "canceled")
	notify(cp.ID, http.StatusOK)
	if s := h.get("/billing/status/"+canceled, token).want(t, http.StatusOK); s.str("status") != "canceled" {
		t.Fatalf("status = %s", s.Raw)
	}
	balance(30_000)

	// Bad bodies, and YooKassa out of reach (a 503 asks it to send again).
	h.post("/payments/yookassa/notifications", "", "", "not json").problem(t, http.StatusBadRequest)
	h.post("/payments/yookassa/notifications", "", "", map[string]any{"object": map[string]any{}}).problem(t, http.StatusBadRequest)
	h.post("/payments/yookassa/notifications", "", "", `{"object":{"id":"`+strings.Repeat("x", 70<<10)+`"}}`).problem(t, http.StatusBadRequest)
	fake.SetDown(true)
	h.post("/payments/yookassa/notifications", "", "", map[string]any{"object": map[string]any{"id": p.ID}}).problem(t, http.StatusServiceUnavailable)
	h.post("/billing/fill", token, uuid.NewString(), map[string]any{"summ": 100}).problem(t, http.StatusServiceUnavailable)
	fake.SetDown(false)
	wantSucceeded(t, c, "yookassaNotification")
}

// stuckProvider is a provider whose answers about payments wait until released.
type stuckProvider struct {
	entered chan struct{}
	release chan struct{}
}

func (stuckProvider) Name() string { return "yookassa" }
func (stuckProvider) Create(context.Context, commands.TopUpOrder) (commands.ProviderPayment, error) {
	return commands.ProviderPayment{}, nil
}
func (p stuckProvider) Payment(ctx context.Context, id string) (commands.VerifiedPayment, error) {
	p.entered <- struct{}{}
	<-p.release
	return commands.VerifiedPayment{}, commands.ErrUnknownAtProvider
}

// Notifications verified at once are bounded: one more is a 503 (sent again later).
func TestNotificationsInFlightAreBounded(t *testing.T) {
	p := stuckProvider{entered: make(chan struct{}), release: make(chan struct{})}
	h := newHarnessWith(t, setup{payments: &commands.Payments{Provider: p, Verifier: p, PendingTTL: time.Hour}})
	const bound = 16
	done := make(chan int, bound)
	for range bound {
		go func() {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/payments/yookassa/notifications", strings.NewReader(`{"object":{"id":"x"}}`))
			w := httptest.NewRecorder()
			h.api.ServeHTTP(w, r)
			done <- w.Code
		}()
	}
	for range bound {
		<-p.entered
	}
	h.post("/payments/yookassa/notifications", "", "", map[string]any{"object": map[string]any{"id": "y"}}).problem(t, http.StatusServiceUnavailable, "too many")
	close(p.release)
	for range bound {
		if code := <-done; code != http.StatusOK {
			t.Fatalf("a notification within the bound: %d", code)
		}
	}
	go func() { <-p.entered }()
	h.post("/payments/yookassa/notifications", "", "", map[string]any{"object": map[string]any{"id": "z"}}).want(t, http.StatusOK)
}

// The test provider takes no payment once the top-up's expiry has passed, even while
// the read model still shows it pending (the scheduler has not ticked yet, or its
// expiry is not projected yet): the shop may already have expired it, and the page
// must not credit a top-up the customer was told had expired.
func TestTestProviderRefusesPaymentPastExpiry(t *testing.T) {
	h := newHarnessWith(t, setup{payments: &commands.Payments{Provider: testpay.Provider{}, PendingTTL: 30 * time.Minute}, testPay: true})
	token, _ := h.customer("late")
	r := h.post("/billing/fill", token, uuid.NewString(), map[string]any{"summ": 7_000}).want(t, http.StatusCreated)
	id, page := r.str("payment_id"), r.str("confirmation_url")
	h.clock.Advance(30 * time.Minute)
	h.atHead()
	if w := h.page(http.MethodGet, page, ""); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "Оплатить") || !strings.Contains(w.Body.String(), "истёк") {
		t.Fatalf("page past expiry: %d\n%s", w.Code, w.Body)
	}
	if w := h.page(http.MethodPost, page, "action=pay"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "истёк") {
		t.Fatalf("pay past expiry: %d\n%s", w.Code, w.Body)
	}
	h.atHead()
	if b := h.balance(token); b != 0 {
		t.Fatalf("balance %d: a top-up paid past its expiry on the test page was credited", b)
	}
	if s := h.get("/billing/status/"+id, token).want(t, http.StatusOK); s.str("status") != "pending" {
		t.Fatalf("status %s: the page past expiry must leave the top-up for the scheduler to expire", s.Raw)
	}
}

// A notification's payment id is the only thing read from it, and it is written to the
// log: one longer than any YooKassa gives (36 characters) is a 400, never logged whole.
func TestALongNotificationIDIsRefusedUnlogged(t *testing.T) {
	var logged bytes.Buffer
	h := newHarnessWith(t, setup{payments: &commands.Payments{Provider: unknownPayments{}, Verifier: unknownPayments{}, PendingTTL: 30 * time.Minute}},
		func(d *httpapi.Deps) { d.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
	long := strings.Repeat("x", 60<<10)
	h.post("/payments/yookassa/notifications", "", "", `{"object":{"id":"`+long+`"}}`).problem(t, http.StatusBadRequest)
	if strings.Contains(logged.String(), strings.Repeat("x", 100)) {
		t.Fatalf("the id was logged: %d bytes of log", logged.Len())
	}
}

// unknownPayments is a provider that knows no payment.
type unknownPayments struct{}

func (unknownPayments) Name() string { return "yookassa" }
func (unknownPayments) Create(context.Context, commands.TopUpOrder) (commands.ProviderPayment, error) {
	return commands.ProviderPayment{}, errors.New("down")
}
func (unknownPayments) Payment(context.Context, string) (commands.VerifiedPayment, error) {
	return commands.VerifiedPayment{}, commands.ErrUnknownAtProvider
}
