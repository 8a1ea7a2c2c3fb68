package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/config"
)

func testPayments(_ *testing.T, cfg *config.Config) { cfg.Payments.Provider = config.PaymentsTest }

// page fetches (or posts the form of) the test provider's page, not following redirects.
func (sh *shop) page(method, confirmation, action string) (int, http.Header, string) {
	sh.t.Helper()
	var body io.Reader
	if action != "" {
		body = strings.NewReader(url.Values{"action": {action}}.Encode())
	}
	req, err := http.NewRequest(method, sh.server.URL+confirmation, body)
	if err != nil {
		sh.t.Fatal(err)
	}
	if action != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		sh.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(raw)
}

// The whole shop with CHANCE_PAYMENTS=test: a top-up is pending until paid on the
// test page, the "balance topped up" message comes on payment only, a top-up left
// unpaid expires on the scheduler's tick, and the books stay clean.
func TestTopUpsThroughTheTestProviderEndToEnd(t *testing.T) {
	sh := newShopOn(t, testPayments)
	ctx := context.Background()
	token := sh.signUp("pay@example.ru")
	fill := func(key string, amount int) map[string]any {
		t.Helper()
		r := sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: key, body: map[string]any{"summ": amount}})
		if r["status"] != "pending" {
			t.Fatalf("fill = %v", r)
		}
		return r
	}
	balance := func() int64 {
		return num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"])
	}
	toppedUp := func() int {
		inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
		n := 0
		for _, m := range inbox {
			if m.(map[string]any)["kind"] == "funds_added" {
				n++
			}
		}
		return n
	}
	paid := fill("paid", 25_000)
	sh.settle()
	if balance() != 0 || toppedUp() != 0 {
		t.Fatalf("a pending top-up credited %d or told the customer (%d)", balance(), toppedUp())
	}
	page := paid["confirmation_url"].(string)
	if code, _, html := sh.page(http.MethodGet, page, ""); code != http.StatusOK || !strings.Contains(html, "250,00") {
		t.Fatalf("page: %d %s", code, html)
	}
	code, header, _ := sh.page(http.MethodPost, page, "pay")
	if code != http.StatusSeeOther || header.Get("Location") != "/#/wallet?payment="+paid["payment_id"].(string) {
		t.Fatalf("pay: %d %v", code, header)
	}
	sh.settle()
	if code, _, html := sh.page(http.MethodPost, page, "pay"); code != http.StatusOK || !strings.Contains(html, "Оплачено") {
		t.Fatalf("pay again: %d %s", code, html)
	}
	sh.settle()
	if balance() != 25_000 || toppedUp() != 1 {
		t.Fatalf("after paying: balance %d, %d top-up messages; want 25000 and 1", balance(), toppedUp())
	}

	left := fill("left", 10_000)
	tick := func() int {
		t.Helper()
		sh.settle()
		n, err := sh.app.Scheduler.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sh.settle()
		return n
	}
	if n := tick(); n != 0 {
		t.Fatalf("%d commands before the top-up expired", n)
	}
	sh.clock.Advance(config.DefaultPendingTTL)
	if n := tick(); n != 1 {
		t.Fatalf("%d commands at the expiry, want 1", n)
	}
	if n := tick(); n != 0 {
		t.Fatalf("%d commands on the next tick, want none", n)
	}
	st := sh.expect(http.StatusOK, call{method: "GET", path: "/billing/status/" + left["payment_id"].(string), token: token})
	if st["status"] != "expired" || st["confirmation_url"] != nil {
		t.Fatalf("status = %v", st)
	}
	if code, _, _ := sh.page(http.MethodPost, left["confirmation_url"].(string), "pay"); code != http.StatusOK {
		t.Fatalf("paying an expired top-up: %d", code)
	}
	sh.settle()
	if balance() != 25_000 {
		t.Fatalf("balance %d after an expired top-up", balance())
	}
	var out bytes.Buffer
	if err := sh.app.VerifyBooks(ctx, 10*time.Second, false, &out); err != nil {
		t.Fatalf("audit: %v\n%s", err, out.String())
	}
}
