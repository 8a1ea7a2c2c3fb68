package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chance-video/chance/infra/demo"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
)

// TestTwoServersShareThePostgresStores runs two `chance serve` processes, each with its
// own data folder and port, on one PostgreSQL event store and read store (a fresh
// schema prefix). A customer registers on one and signs in on the other; 20 concurrent
// withdrawals split across both, on money for exactly 5, succeed 5 times; both answer
// the same balance, the journey goes on across them, and the books verify clean.
func TestTwoServersShareThePostgresStores(t *testing.T) {
	pgURL := pgtest.URL(t)
	shared := []string{"CHANCE_EVENTSTORE=postgres", "CHANCE_READSTORE=postgres", "CHANCE_POSTGRES_URL=" + pgURL,
		"CHANCE_POSTGRES_SCHEMA=" + pgtest.Schema(t, pgURL), "CHANCE_JWT_SECRET=" + strings.Repeat("fleet-secret-", 4)}
	dirA, dirB := t.TempDir(), t.TempDir()
	// Started at once: both find an empty log and seed the demo catalogue.
	var a, b *server
	var starting sync.WaitGroup
	starting.Go(func() { a = startServer(t, dirA, shared...) })
	starting.Go(func() { b = startServer(t, dirB, shared...) })
	starting.Wait()
	if a == nil || b == nil {
		t.FailNow()
	}
	defer b.stop(t)
	defer a.stop(t)

	body := map[string]any{"email": "fleet@example.com", "password": "correct horse battery", "first_name": "Анна", "last_name": "Каренина"}
	if status, _, raw := call(a.base, "POST", "/register", "", "", "", body); status != http.StatusCreated {
		t.Fatalf("register on A: %d %s", status, raw)
	}
	var login struct{ Token string }
	if status, _, raw := call(b.base, "POST", "/login", "", "", "", map[string]any{"email": body["email"], "password": body["password"]}); status != http.StatusOK || json.Unmarshal(raw, &login) != nil {
		t.Fatalf("sign in on B: %d %s", status, raw)
	}
	token := login.Token

	// Search on B, quote on A.
	premiere := demo.Catalogue()[0]
	var found struct {
		Items []struct{ ID string }
		Total int
	}
	if status, _, raw := call(b.base, "GET", "/search/?q="+url.QueryEscape(premiere.Card.Title), "", "", "", nil); status != http.StatusOK || json.Unmarshal(raw, &found) != nil || found.Total == 0 {
		t.Fatalf("search %q on B: %d %s", premiere.Card.Title, status, raw)
	}
	if found.Items[0].ID != premiere.ID.String() {
		t.Fatalf("search %q on B found %s first, want %s", premiere.Card.Title, found.Items[0].ID, premiere.ID)
	}
	const period = 24
	var quote struct{ Price int64 }
	if status, _, raw := call(a.base, "GET", fmt.Sprintf("/rent/%s?period=%d", premiere.ID, period), "", "", "", nil); status != http.StatusOK || json.Unmarshal(raw, &quote) != nil || quote.Price <= 0 {
		t.Fatalf("quote on A: %d %s", status, raw)
	}
	price := quote.Price

	// Money for 5 withdrawals and not quite a sixth.
	last := newLatest()
	status, h, raw := call(b.base, "POST", "/billing/fill", token, "fill-1", "", map[string]any{"summ": 6*price - 1})
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("fill on B: %d %s", status, raw)
	}
	last.see(h)

	const tries = 20
	statuses := make([]int, tries)
	payments := make([]string, tries)
	var wg sync.WaitGroup
	for i := range tries {
		srv := []*server{a, b}[i%2]
		wg.Go(func() {
			status, h, raw := call(srv.base, "POST", "/billing/withdraw/", token, fmt.Sprintf("withdraw-%d", i), "",
				map[string]any{"id": premiere.ID.String(), "summ": price, "period": period})
			statuses[i] = status
			last.see(h)
			var p struct {
				PaymentID string `json:"payment_id"`
			}
			if status == http.StatusCreated && json.Unmarshal(raw, &p) == nil {
				payments[i] = p.PaymentID
			} else if status != http.StatusPaymentRequired {
				t.Errorf("withdrawal %d: %d %s", i, status, raw)
			}
		})
	}
	wg.Wait()
	succeeded, declined := 0, 0
	var paid string
	for i, s := range statuses {
		switch s {
		case http.StatusCreated:
			succeeded++
			paid = payments[i]
		case http.StatusPaymentRequired:
			declined++
		}
	}
	if succeeded != 5 || declined != 15 {
		t.Fatalf("%d withdrawals succeeded and %d were declined (statuses %v), want 5 and 15", succeeded, declined, statuses)
	}

	// Redeem one of them on A: a rental without a new charge, after every withdrawal.
	var rent struct {
		RentalID string `json:"rental_id"`
		Balance  int64
	}
	status, h, raw = call(a.base, "POST", "/rent/", token, "rent-1", "", map[string]any{"id": premiere.ID.String(), "period": period, "payment_id": paid})
	if status != http.StatusCreated || json.Unmarshal(raw, &rent) != nil {
		t.Fatalf("rent with payment %s on A: %d %s", paid, status, raw)
	}
	last.see(h)
	at := last.String()

	for name, srv := range map[string]*server{"A": a, "B": b} {
		var balance struct{ Balance int64 }
		if status, _, raw := call(srv.base, "GET", "/billing/amount/", token, "", at, nil); status != http.StatusOK || json.Unmarshal(raw, &balance) != nil || balance.Balance != price-1 {
			t.Errorf("balance on %s: %d %s, want %d", name, status, raw, price-1)
		}
		var mine struct {
			Items []struct {
				RentalID string `json:"rental_id"`
			}
		}
		if status, _, raw := call(srv.base, "GET", "/me/premieres", token, "", at, nil); status != http.StatusOK || json.Unmarshal(raw, &mine) != nil ||
			len(mine.Items) != 1 || mine.Items[0].RentalID != rent.RentalID {
			t.Errorf("my premieres on %s: %d %s, want the rental %s", name, status, raw, rent.RentalID)
		}
		var history struct{ Items []struct{ Kind string } }
		if status, _, raw := call(srv.base, "GET", "/billing/history", token, "", at, nil); status != http.StatusOK || json.Unmarshal(raw, &history) != nil {
			t.Errorf("billing history on %s: %d %s", name, status, raw)
		}
		kinds := map[string]int{}
		for _, line := range history.Items {
			kinds[line.Kind]++
		}
		if kinds["top_up"] != 1 || kinds["withdrawal"] != 5 || kinds["debit_declined"] != 15 {
			t.Errorf("billing history on %s: %v, want 1 top-up, 5 withdrawals and 15 declined debits", name, kinds)
		}
	}

	// The audit, through A's data folder (A runs it), finds the books clean.
	if out, errOut, status := runChanceWith(t, append(chanceEnv(dirA), shared...), "audit", "verify"); status != 0 {
		t.Errorf("audit verify: status %d\n%s\n%s", status, out, errOut)
	}
}

// call makes one request; minPosition, when set, is sent as X-Chance-Min-Position.
func call(base, method, path, token, key, minPosition string, body any) (int, http.Header, []byte) {
	var r io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		return 0, nil, []byte(err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if minPosition != "" {
		req.Header.Set("X-Chance-Min-Position", minPosition)
	}
	resp, err := chaosClient.Do(req)
	if err != nil {
		return 0, nil, []byte(err.Error())
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

// latest keeps the furthest X-Chance-Position answered (commit part first).
type latest struct {
	mu     sync.Mutex
	commit uint64
	raw    string
}

func newLatest() *latest { return &latest{} }

func (l *latest) see(h http.Header) {
	raw := h.Get("X-Chance-Position")
	commit, _, _ := strings.Cut(raw, "/")
	n, err := strconv.ParseUint(commit, 10, 64)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if n >= l.commit {
		l.commit, l.raw = n, raw
	}
}

func (l *latest) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.raw
}
