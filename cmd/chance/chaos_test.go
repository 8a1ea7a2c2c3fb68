package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/demo"
)

// chaosRounds is how many times the chaos test kills the server: a few in `make test`,
// CHANCE_CHAOS_ROUNDS in `make chaos`.
func chaosRounds(t *testing.T) int {
	v, ok := os.LookupEnv("CHANCE_CHAOS_ROUNDS")
	if !ok {
		return 3
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		t.Fatalf("CHANCE_CHAOS_ROUNDS=%q must be a number from 1 to 1000", v)
	}
	return n
}

// TestChaosKillsTheServerAndNoMoneyIsLostOrDoubled runs `chance serve` as a process,
// drives concurrent customers topping up, renting and checking out, each request
// retried with its Idempotency-Key until it gets a definitive answer, and SIGKILLs the
// server after a random number of answers, restarting it on the same folder. At the
// end `chance audit verify` must be clean, and each customer's account (read from the
// log) must hold exactly the top-ups and debits that were answered, once each.
func TestChaosKillsTheServerAndNoMoneyIsLostOrDoubled(t *testing.T) {
	rounds := chaosRounds(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("chaos: %d kills, seed %d", rounds, seed)
	random := rand.New(rand.NewPCG(seed, seed>>1))
	dir := t.TempDir()
	srv := &serverLife{}
	srv.set(startServer(t, dir))
	defer func() { srv.current().kill() }()

	customers := make([]*customer, 4)
	for i := range customers {
		customers[i] = signUp(t, srv.current().base, fmt.Sprintf("chaos%d@example.ru", i))
	}
	answers := make(chan struct{}, 4096)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range customers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.shop(t, srv, i, answers, stop)
		}()
	}

	deadline := time.After(time.Duration(rounds) * 30 * time.Second)
	for kill := range rounds {
		wait := 2 + random.IntN(12) // kill after this many answers: mid-request for some
		for range wait {
			select {
			case <-answers:
			case <-deadline:
				t.Fatalf("chaos: no progress before kill %d", kill+1)
			}
		}
		s := srv.current()
		s.kill()
		srv.set(startServer(t, dir))
	}
	close(stop)
	wg.Wait()
	srv.current().stop(t)

	out, errOut, status := runChance(t, dir, "audit", "verify")
	if status != 0 {
		t.Fatalf("chance audit verify exited %d:\n%s%s", status, out, errOut)
	}
	t.Logf("%s", out)
	checkBooks(t, dir, customers)
}

// serverLife is the server process of the moment, replaced after each kill.
type serverLife struct {
	mu  sync.Mutex
	cur *server
	up  chan struct{} // closed when the next server is up
}

func (l *serverLife) set(s *server) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cur = s
	if l.up != nil {
		close(l.up)
	}
	l.up = make(chan struct{})
}

func (l *serverLife) current() *server {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}

// next waits until s has been replaced (or a second has passed: s may be alive and
// the failure something else).
func (l *serverLife) next(s *server) {
	l.mu.Lock()
	cur, up := l.cur, l.up
	l.mu.Unlock()
	if cur != s {
		return
	}
	select {
	case <-up:
	case <-time.After(time.Second):
	}
}

// customer is one signed-in customer and what the server answered it.
type customer struct {
	id      uuid.UUID
	token   string
	filled  map[string]int64 // fill key → amount, once answered
	debited map[string]int64 // rent or checkout key → amount paid, once answered
	rentals int              // rentals those orders created
}

func signUp(t testing.TB, base, email string) *customer {
	t.Helper()
	body := map[string]any{"email": email, "password": "correct horse battery", "first_name": "Анна", "last_name": "Каренина"}
	if status, raw := chaosPost(base, "/register", "", "", body); status != http.StatusCreated {
		t.Fatalf("register %s: %d %s", email, status, raw)
	}
	status, raw := chaosPost(base, "/login", "", "", map[string]any{"email": email, "password": "correct horse battery"})
	var login struct{ Token string }
	if status != http.StatusOK || json.Unmarshal(raw, &login) != nil {
		t.Fatalf("login %s: %d %s", email, status, raw)
	}
	var me struct{ ID uuid.UUID }
	if status, raw := chaosDo(base, "GET", "/users", login.Token, "", nil); status != http.StatusOK || json.Unmarshal(raw, &me) != nil {
		t.Fatalf("users: %d %s", status, raw)
	}
	return &customer{id: me.ID, token: login.Token, filled: map[string]int64{}, debited: map[string]int64{}}
}

// shop runs the customer's errands until stop: top-ups (each sent twice at once,
// with one key), rents and checkouts of premieres it does not hold yet, then only
// top-ups.
func (c *customer) shop(t *testing.T, srv *serverLife, n int, answers chan<- struct{}, stop <-chan struct{}) {
	premieres := demo.Catalogue()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		// Once it holds every premiere, the customer only tops up, so that the
		// server keeps answering however many kills were asked for.
		rents := i < len(premieres)
		premiere := premieres[(i+n*7)%len(premieres)].ID.String()
		if i%3 == 0 || !rents {
			key := fmt.Sprintf("fill-%d", i)
			body := map[string]any{"summ": 200_000}
			var twice sync.WaitGroup
			raws := make([][]byte, 2)
			for k := range 2 {
				twice.Go(func() { raws[k] = c.send(t, srv, answers, "/billing/fill", key, body) })
			}
			twice.Wait()
			if raws[0] == nil || raws[1] == nil {
				return
			}
			c.filled[key] = 200_000
		}
		if !rents {
			continue
		}
		if i%4 == 3 {
			c.checkout(t, srv, answers, premiere, fmt.Sprintf("checkout-%d", i))
			continue
		}
		key := fmt.Sprintf("rent-%d", i)
		raw := c.send(t, srv, answers, "/rent", key, map[string]any{"id": premiere, "period": 1 + i%48})
		var rent struct{ Price int64 }
		if raw == nil || json.Unmarshal(raw, &rent) != nil {
			return
		}
		c.debited[key] = rent.Price
		c.rentals++
	}
}

func (c *customer) checkout(t *testing.T, srv *serverLife, answers chan<- struct{}, premiere, key string) {
	if c.send(t, srv, answers, "/cart/items", "", map[string]any{"premiere_id": premiere, "period": 6}) == nil {
		return
	}
	var form struct{ Total int64 }
	raw := c.send(t, srv, answers, "GET /cart/checkout", "", nil)
	if raw == nil || json.Unmarshal(raw, &form) != nil {
		return
	}
	raw = c.send(t, srv, answers, "/cart/checkout", key, map[string]any{"expected_total": form.Total})
	var order struct {
		Total   int64
		Rentals []json.RawMessage
	}
	if raw == nil || json.Unmarshal(raw, &order) != nil {
		return
	}
	c.debited[key] = order.Total
	c.rentals += len(order.Rentals)
}

// send makes a request (a POST unless path starts with "GET ") and retries it, with
// the same key and body, through kills and restarts until it gets a definitive
// answer; it returns the 2xx body, or nil (after reporting) for any other answer.
func (c *customer) send(t *testing.T, srv *serverLife, answers chan<- struct{}, path, key string, body any) []byte {
	method := "POST"
	if rest, ok := cutPrefix(path, "GET "); ok {
		method, path = "GET", rest
	}
	for attempt := 0; attempt < 500; attempt++ {
		s := srv.current()
		status, raw := chaosDo(s.base, method, path, c.token, key, body)
		if status == 0 || status >= 500 || status == http.StatusConflict && bytes.Contains(raw, []byte("in-flight")) {
			srv.next(s) // the server died (or the key is still being applied): try again
			continue
		}
		select {
		case answers <- struct{}{}:
		default:
		}
		if status/100 == 2 || (path == "/cart/items" && status == http.StatusConflict) {
			return raw
		}
		t.Errorf("%s %s (key %q): unexpected %d %s", method, path, key, status, raw)
		return nil
	}
	t.Errorf("%s %s (key %q): no definitive answer after 500 attempts", method, path, key)
	return nil
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}

var chaosClient = &http.Client{Timeout: 30 * time.Second}

func chaosPost(base, path, token, key string, body any) (int, []byte) {
	return chaosDo(base, "POST", path, token, key, body)
}

// chaosDo makes one request; status 0 means no answer (the server is down).
func chaosDo(base, method, path, token, key string, body any) (int, []byte) {
	var r io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		return 0, nil
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := chaosClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil
	}
	return resp.StatusCode, raw
}

// checkBooks reads each customer's account and rentals from the log: every answered
// top-up and order once, nothing else.
func checkBooks(t *testing.T, dir string, customers []*customer) {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo = dir, false
	a, err := app.Open(cfg, clock.System{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	fills, rentals := map[uuid.UUID]int{}, map[uuid.UUID]int{}
	c := codec.Shop()
	for after := eventlog.Start; ; {
		batch, err := a.Events.ReadAll(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			after = r.Position
			switch r.Type {
			case account.FundsAdded{}.EventType(), rental.Rented{}.EventType():
			default:
				continue
			}
			e, err := c.Decode(r.Type, r.Data)
			if err != nil {
				t.Fatal(err)
			}
			switch e := e.(type) {
			case account.FundsAdded:
				fills[e.UserID]++
			case rental.Rented:
				rentals[e.UserID]++
			}
		}
	}
	for _, cu := range customers {
		acct, err := a.Commands.Lookup().LoadAccount(ctx, cu.id)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		for key, amount := range cu.filled {
			want += amount
			if !acct.Processed(commands.PaymentID(cu.id, key)) {
				t.Errorf("customer %s: top-up %s answered but not in the account", cu.id, key)
			}
		}
		for key, amount := range cu.debited {
			want -= amount
			if !acct.Processed(commands.PaymentID(cu.id, key)) {
				t.Errorf("customer %s: order %s answered but not in the account", cu.id, key)
			}
		}
		if int64(acct.Balance) != want {
			t.Errorf("customer %s: balance %d, want %d from %d top-ups and %d orders answered", cu.id, acct.Balance, want, len(cu.filled), len(cu.debited))
		}
		if fills[cu.id] != len(cu.filled) {
			t.Errorf("customer %s: %d top-ups in the log, %d answered: a key applied twice or lost", cu.id, fills[cu.id], len(cu.filled))
		}
		if rentals[cu.id] != cu.rentals {
			t.Errorf("customer %s: %d rentals in the log, %d answered", cu.id, rentals[cu.id], cu.rentals)
		}
	}
}
