package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

const password = "load test password, not a secret"

// customer is a signed-up customer and what the load generator knows of its rentals.
type customer struct {
	email, token string
	addr         string    // X-Forwarded-For of its sign-up (see clientAddr)
	cursor       int       // next premiere to try renting
	held         []holding // rentals it holds, oldest first
	holds        map[int]bool
}

type holding struct {
	rental   string
	premiere int
}

// clientAddr is a distinct address of the benchmarking range 198.18.0.0/15 (RFC 2544)
// per customer, sent as X-Forwarded-For when signing up. A server that trusts the
// load generator as a proxy (CHANCE_TRUSTED_PROXIES) then limits sign-ups per
// customer, as it would real ones; any other server reads the peer's address, and
// the sign-up waits out its 429s.
func clientAddr(i int) string {
	return fmt.Sprintf("198.%d.%d.%d", 18+(i>>16)&1, (i>>8)&255, i&255)
}

// signUp registers and signs in n customers, parallel clients at a time, and tops
// each up once with the largest amount allowed.
func signUp(ctx context.Context, client *http.Client, base, runID string, n, parallel int, acks *ackLog) ([]*customer, error) {
	out := make([]*customer, n)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i := range n {
		g.Go(func() error {
			c := &customer{email: fmt.Sprintf("load-%s-%d@loadtest.example", runID, i), addr: clientAddr(i), holds: map[int]bool{}}
			if err := c.signUp(ctx, client, base); err != nil {
				return fmt.Errorf("customer %d: %w", i, err)
			}
			topUp := call{method: http.MethodPost, path: "/billing/fill", token: c.token, moneyMoving: true,
				body: map[string]any{"summ": maxTopUp}}
			a := do(ctx, client, base, topUp)
			acks.record(OpTopUp, c.email, topUp, a)
			if !a.ok() {
				return fmt.Errorf("customer %d: top-up: %w", i, a.problem())
			}
			out[i] = c
			return nil
		})
	}
	return out, g.Wait()
}

// maxTopUp is the largest single top-up (money.MaxOperation: 1,000,000 RUB).
const maxTopUp = 100_000_000

func (c *customer) signUp(ctx context.Context, client *http.Client, base string) error {
	reg := call{method: http.MethodPost, path: "/register", forwardedFor: c.addr,
		body: map[string]string{"email": c.email, "password": password, "first_name": "Нагрузка", "last_name": "Тестовая"}}
	if a := patiently(ctx, client, base, reg); !a.ok() {
		return fmt.Errorf("register: %w", a.problem())
	}
	var login struct {
		Token string `json:"token"`
	}
	in := call{method: http.MethodPost, path: "/login", forwardedFor: c.addr, body: map[string]string{"email": c.email, "password": password}}
	if err := patiently(ctx, client, base, in).decode(&login); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	c.token = login.Token
	return nil
}

// patiently sends c again after each 429, waiting as Retry-After says, for at most
// five minutes: sign-ups are limited per client address.
func patiently(ctx context.Context, client *http.Client, base string, c call) answer {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		a := do(ctx, client, base, c)
		if a.status != http.StatusTooManyRequests || time.Now().After(deadline) {
			return a
		}
		wait, err := strconv.Atoi(a.header.Get("Retry-After"))
		if err != nil || wait < 1 {
			wait = 1
		}
		select {
		case <-ctx.Done():
			return answer{err: ctx.Err()}
		case <-time.After(time.Duration(wait) * time.Second):
		}
	}
}

// publish signs the admin in and publishes n premieres; it returns the admin's token.
func publish(ctx context.Context, client *http.Client, base, email, pass string, n, parallel int) (string, error) {
	var login struct {
		Token string `json:"token"`
	}
	if err := patiently(ctx, client, base, call{method: http.MethodPost, path: "/login",
		body: map[string]string{"email": email, "password": pass}}).decode(&login); err != nil {
		return "", fmt.Errorf("admin login: %w", err)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i := range n {
		g.Go(func() error {
			a := do(ctx, client, base, call{method: http.MethodPost, path: "/admin/premieres", token: login.Token, body: map[string]any{
				"title": fmt.Sprintf("Нагрузочная премьера %d", i), "actors": []string{"Актёр Нагрузочный"},
				"description": "Премьера для нагрузочного теста.", "theater_price": 150_000, "online_price": 50_000,
				"reservation_hours": 24, "discount_percent": 10}})
			if !a.ok() {
				return fmt.Errorf("publish premiere %d: %w", i, a.problem())
			}
			return nil
		})
	}
	return login.Token, g.Wait()
}

// catalogue lists every premiere on sale (the token, if any, makes the search wait
// for that user's own publications).
func catalogue(ctx context.Context, client *http.Client, base, token string) ([]string, error) {
	var ids []string
	for page := 1; ; page++ {
		var res struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		a := do(ctx, client, base, call{method: http.MethodGet, path: fmt.Sprintf("/search/?limit=50&page=%d", page), token: token})
		if err := a.decode(&res); err != nil {
			return nil, fmt.Errorf("list the catalogue: %w", err)
		}
		for _, it := range res.Items {
			ids = append(ids, it.ID)
		}
		if len(res.Items) == 0 || len(ids) >= res.Total {
			break
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("the catalogue is empty: start the server with CHANCE_DEMO=true or pass --premieres")
	}
	return ids, nil
}

// serverMetrics are the figures read from /metrics.
type serverMetrics struct {
	head, lag int64 // -1: not found
}

// metricsMu serialises scrapes: the server answers a second concurrent one with 503.
var metricsMu sync.Mutex

// scrape reads the log's head and the largest follower lag from root/metrics.
func scrape(ctx context.Context, client *http.Client, root string) serverMetrics {
	metricsMu.Lock()
	defer metricsMu.Unlock()
	m := serverMetrics{head: -1, lag: -1}
	var a answer
	for try := 0; try < 5; try++ {
		if a = do(ctx, client, root, call{method: http.MethodGet, path: "/metrics"}); a.ok() {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !a.ok() {
		return m
	}
	sc := bufio.NewScanner(bytes.NewReader(a.body))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch {
		case name == "chance_eventstore_head_position":
			m.head = int64(v)
		case strings.Contains(name, "_lag_positions"):
			m.lag = max(m.lag, int64(v))
		}
	}
	return m
}
