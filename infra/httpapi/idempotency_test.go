package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestMoneyMovingRequestsNeedAKey(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("ilya")
	h.fill(token, 5000)
	film := h.publish("Маузер", nil, 1000, 10, 0)
	rental := h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 5}).want(t, http.StatusCreated).str("rental_id")
	for _, tc := range []struct{ path, body string }{
		{"/billing/fill", `{"summ": 100}`},
		{"/billing/withdraw/", `{"id": "` + film.String() + `", "summ": 500, "period": 5}`},
		{"/rent/", `{"id": "` + film.String() + `", "period": 5}`},
		{"/rent/" + rental + "/term", `{"period": 6}`},
		{"/rent/" + rental + "/cancel", ``},
		{"/cart/checkout", `{"expected_total": 100}`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			h.post(tc.path, token, "", tc.body).problem(t, http.StatusBadRequest, "Idempotency-Key")
		})
	}
	h.post("/billing/fill", token, "a key with spaces", `{"summ": 100}`).problem(t, http.StatusBadRequest, "Idempotency-Key")
	if got := h.balance(token); got != 4500 {
		t.Fatalf("balance %d, want 4500: requests without a key moved money", got)
	}
}

func TestReplayReturnsTheOriginalResult(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("klara")
	key := uuid.NewString()
	first := h.post("/billing/fill", token, key, `{"summ": 2500}`).want(t, http.StatusCreated)
	if first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatal("the first request is not a replay")
	}
	// The same request again, re-serialised with other spacing and member order,
	// and sent to the trailing-slash spelling of the path.
	again := h.post("/billing/fill/", token, key, "{ \"summ\" : 2500 }\n").want(t, http.StatusOK)
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay headers %v", again.Header)
	}
	if !bytes.Equal(first.Raw, again.Raw) {
		t.Fatalf("replay body differs:\n%s\n%s", first.Raw, again.Raw)
	}
	if got := h.balance(token); got != 2500 {
		t.Fatalf("balance %d after a replay, want 2500", got)
	}
	status := h.get("/billing/status/"+first.str("payment_id"), token).want(t, http.StatusOK)
	if status.str("status") != "succeeded" || status.num("amount") != 2500 || status.str("kind") != "top_up" {
		t.Fatalf("payment status = %s", status.Raw)
	}

	h.post("/billing/fill", token, key, `{"summ": 9999}`).problem(t, http.StatusUnprocessableEntity, "different request")
	if got := h.balance(token); got != 2500 {
		t.Fatalf("balance %d after a reused key, want 2500", got)
	}
	// Keys belong to their user: another customer's identical key is a new request.
	other, _ := h.customer("lev")
	h.post("/billing/fill", other, key, `{"summ": 2500}`).want(t, http.StatusCreated)
}

func TestRentReplayGivesTheSameRental(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("mila")
	h.fill(token, 10000)
	film := h.publish("Маузер", nil, 1000, 10, 0)
	key := uuid.NewString()
	body := map[string]any{"id": film, "period": 10}
	first := h.post("/rent/", token, key, body).want(t, http.StatusCreated)
	again := h.post("/rent", token, key, body).want(t, http.StatusOK)
	if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.Raw, again.Raw) {
		t.Fatalf("replay = %s %v, first %s", again.Raw, again.Header, first.Raw)
	}
	if got := h.balance(token); got != 9000 {
		t.Fatalf("balance %d, want 9000: paid once", got)
	}
}

// A retry that arrives while the original is still running is refused rather than
// run: the original is held inside the rent flow, after paying, by the commands'
// step hook.
func TestConcurrentRequestWithTheSameKeyIsAConflict(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("nina")
	h.fill(token, 10000)
	film := h.publish("Маузер", nil, 1000, 10, 0)
	key := uuid.NewString()
	body := map[string]any{"id": film, "period": 10}

	entered, release := h.gate.arm("paid")
	done := make(chan response)
	go func() { done <- h.post("/rent", token, key, body) }()
	<-entered
	h.post("/rent", token, key, body).problem(t, http.StatusConflict, "still being processed")
	other := uuid.NewString() // a different key is not held up
	h.post("/billing/fill", token, other, `{"summ": 1}`).want(t, http.StatusCreated)
	release()
	first := <-done
	first.want(t, http.StatusCreated)

	again := h.post("/rent", token, key, body).want(t, http.StatusOK)
	if again.str("rental_id") != first.str("rental_id") || again.str("payment_id") != first.str("payment_id") {
		t.Fatalf("after the original finished, the retry replays it: %s vs %s", again.Raw, first.Raw)
	}
	if got := h.balance(token); got != 9001 {
		t.Fatalf("balance %d, want 9001", got)
	}
}

// One request has one key. Two Idempotency-Key headers (even equal ones), a list in
// one header (what a proxy makes of two), an empty or an over-long key are a 400
// that says which, and move no money; the request then goes through with one key.
func TestAmbiguousOrMalformedKeysAreRefused(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("rita")
	for _, tc := range []struct {
		name      string
		keys      []string
		detailHas []string
	}{
		{"two different keys", []string{"key-one", "key-two"}, []string{"2 Idempotency-Key headers", "exactly one"}},
		{"the same key twice", []string{"key-one", "key-one"}, []string{"2 Idempotency-Key headers", "exactly one"}},
		{"a list in one header", []string{"key-one, key-two"}, []string{"Idempotency-Key", "list", "exactly one key"}},
		{"a list without spaces", []string{"key-one,key-two"}, []string{"Idempotency-Key", "list"}},
		{"an empty key", []string{""}, []string{"Idempotency-Key header is empty"}},
		{"a blank key", []string{"   "}, []string{"Idempotency-Key header is empty"}},
		{"an over-long key", []string{strings.Repeat("k", 256)}, []string{"Idempotency-Key", "at most 255 characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.send(req{Method: http.MethodPost, Path: "/billing/fill", Token: token, Body: `{"summ": 100}`,
				Headers: http.Header{"Idempotency-Key": tc.keys}}).problem(t, http.StatusBadRequest, tc.detailHas...)
		})
	}
	if got := h.balance(token); got != 0 {
		t.Fatalf("balance %d, want 0: a request with an ambiguous key moved money", got)
	}
	// The longest key allowed, alone, is fine; and the refusals did not spend "key-one".
	h.send(req{Method: http.MethodPost, Path: "/billing/fill", Token: token, Body: `{"summ": 100}`,
		Headers: http.Header{"Idempotency-Key": {strings.Repeat("k", 255)}}}).want(t, http.StatusCreated)
	h.post("/billing/fill", token, "key-one", `{"summ": 100}`).want(t, http.StatusCreated)
	if got := h.balance(token); got != 200 {
		t.Fatalf("balance %d, want 200", got)
	}
}
