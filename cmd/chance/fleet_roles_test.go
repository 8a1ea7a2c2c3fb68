package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/infra/demo"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
	"github.com/chance-video/chance/infra/senders/smtptest"
)

// TestFleetOfRoles runs the shop as a fleet of real processes on one PostgreSQL
// database (event store and read models, a fresh schema) with an in-process Kafka
// broker and an SMTP server: two `api`, one `projector,forwarder,recovery`, one
// `notifier,senders`, and two `scheduler` (one standing by). The schedulers' clocks run
// 50 minutes ahead (the test-only offset), so a one-hour term's reminder — due 15
// minutes before its end — is due as soon as it is bought, without waiting.
//
// The journey passes through both APIs; each read on one API sees the writes made on
// the other (X-Chance-Min-Position); the scheduler holding the lease is killed with
// SIGKILL while reminders are due, the standby takes over and issues them: every
// rental gets exactly one reminder email, and no email is sent twice.
func TestFleetOfRoles(t *testing.T) {
	pgURL := pgtest.URL(t)
	schema := pgtest.Schema(t, pgURL)
	broker := kafkatest.Start(t)
	mx := smtptest.Start(t, smtptest.Options{})
	shared := []string{"CHANCE_EVENTSTORE=postgres", "CHANCE_READSTORE=postgres", "CHANCE_POSTGRES_URL=" + pgURL,
		"CHANCE_POSTGRES_SCHEMA=" + schema, "CHANCE_JWT_SECRET=" + strings.Repeat("fleet-secret-", 4),
		"CHANCE_BUS=kafka", "CHANCE_KAFKA_BROKERS=" + strings.Join(broker.Brokers(), ","), "CHANCE_KAFKA_PARTITIONS=2",
		"CHANCE_SMTP_URL=smtp://" + mx.Addr + "?tls=none", "CHANCE_SCHEDULER_INTERVAL=200ms"}
	role := func(roles string, extra ...string) []string {
		return append(append([]string{"CHANCE_ROLES=" + roles}, shared...), extra...)
	}
	ahead := []string{"CHANCE_TEST_ONLY_CLOCK_OFFSET=50m", "CHANCE_TEST_ONLY_ALLOW_CLOCK_OFFSET=yes"}

	// The projector first: the others are ready once the read models caught up.
	projector := launchServer(t, t.TempDir(), role("projector,forwarder,recovery")...)
	defer projector.stop(t)
	awaitReadyz(t, projector)
	var api1, api2, notifier *server
	var starting sync.WaitGroup
	starting.Go(func() { api1 = startServer(t, t.TempDir(), role("api")...) })
	starting.Go(func() { api2 = startServer(t, t.TempDir(), role("api")...) })
	starting.Go(func() { notifier = launchServer(t, t.TempDir(), role("notifier,senders")...) })
	starting.Wait()
	if api1 == nil || api2 == nil || notifier == nil {
		t.FailNow()
	}
	defer api1.stop(t)
	defer api2.stop(t)
	defer notifier.stop(t)
	awaitReadyz(t, notifier)
	// An ops-only process answers /healthz and /readyz, not the API.
	if status, _, raw := call(notifier.base, "GET", "/search/?q=x", "", "", "", nil); status != http.StatusNotFound {
		t.Errorf("the API on a process without the api role: %d %s", status, raw)
	}

	// The projection lag does not make a process without the projector role unready:
	// its /readyz reports it as advisory.
	if resp, err := http.Get(strings.TrimSuffix(api1.base, "/api/v1") + "/readyz"); err != nil {
		t.Fatal(err)
	} else {
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !regexp.MustCompile(`"name":"projection lag"[^}]*"advisory":true`).Match(raw) {
			t.Errorf("/readyz of an api process: %d %s, want the projection lag advisory", resp.StatusCode, raw)
		}
	}

	first := launchServer(t, t.TempDir(), role("scheduler", ahead...)...)
	defer first.kill()
	awaitLog(t, first, leaseAcquired("scheduler"))
	standby := launchServer(t, t.TempDir(), role("scheduler", ahead...)...)
	defer standby.stop(t)
	awaitReadyz(t, standby)

	// Register on one API, sign in on the other.
	body := map[string]any{"email": "fleet-roles@example.com", "password": "correct horse battery", "first_name": "Анна", "last_name": "Каренина"}
	if status, _, raw := call(api1.base, "POST", "/register", "", "", "", body); status != http.StatusCreated {
		t.Fatalf("register on api 1: %d %s", status, raw)
	}
	var login struct{ Token string }
	if status, _, raw := call(api2.base, "POST", "/login", "", "", "", map[string]any{"email": body["email"], "password": body["password"]}); status != http.StatusOK || json.Unmarshal(raw, &login) != nil {
		t.Fatalf("sign in on api 2: %d %s", status, raw)
	}
	token := login.Token

	// Money for five one-hour rentals.
	const rentals = 5
	premieres := demo.Catalogue()[:rentals]
	var total int64
	for _, p := range premieres {
		var quote struct{ Price int64 }
		if status, _, raw := call(api2.base, "GET", fmt.Sprintf("/rent/%s?period=1", p.ID), "", "", "", nil); status != http.StatusOK || json.Unmarshal(raw, &quote) != nil {
			t.Fatalf("quote on api 2: %d %s", status, raw)
		}
		total += quote.Price
	}
	status, h, raw := call(api1.base, "POST", "/billing/fill", token, "fill-1", "", map[string]any{"summ": total})
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("fill on api 1: %d %s", status, raw)
	}
	var balance struct{ Balance int64 }
	if status, _, raw := call(api2.base, "GET", "/billing/amount/", token, "", h.Get("X-Chance-Position"), nil); status != http.StatusOK || json.Unmarshal(raw, &balance) != nil || balance.Balance != total {
		t.Fatalf("balance on api 2 after the top-up on api 1: %d %s, want %d", status, raw, total)
	}

	// rent buys premiere i on one API and reads "my premieres" on the other, which
	// must list it at once.
	apis := []*server{api1, api2}
	rent := func(i int) {
		t.Helper()
		on, other := apis[i%2], apis[(i+1)%2]
		var r struct {
			RentalID string `json:"rental_id"`
		}
		status, h, raw := call(on.base, "POST", "/rent/", token, fmt.Sprintf("rent-%d", i), "", map[string]any{"id": premieres[i].ID.String(), "period": 1})
		if status != http.StatusCreated || json.Unmarshal(raw, &r) != nil {
			t.Fatalf("rent %d: %d %s", i, status, raw)
		}
		var mine struct {
			Items []struct {
				RentalID string `json:"rental_id"`
			}
		}
		asked := time.Now()
		status, _, raw = call(other.base, "GET", "/me/premieres", token, "", h.Get("X-Chance-Position"), nil)
		if status != http.StatusOK || json.Unmarshal(raw, &mine) != nil || len(mine.Items) != i+1 {
			t.Fatalf("my premieres on the other API right after rent %d: %d %s, want %d items", i, status, raw, i+1)
		}
		// The API learns of the projector's progress through the read store's
		// notifications, not its once-a-second look: the wait is short.
		if waited := time.Since(asked); waited > readAfterWriteBound {
			t.Errorf("my premieres on the other API after rent %d took %s, want under %s", i, waited, readAfterWriteBound)
		}
	}
	for i := range 3 {
		rent(i)
	}
	// So far the standby has stood by: it has not got the lease, nor issued anything
	// (a lease always held by both would show here).
	if l := standby.log.String(); leaseAcquired("scheduler").MatchString(l) || issued.MatchString(l) {
		t.Fatalf("the standby scheduler was active while the first one held the lease:\n%s", l)
	}
	// Their reminders are due now: kill the scheduler holding the lease, whatever it
	// has issued so far; the standby takes over.
	first.kill()
	for i := 3; i < rentals; i++ {
		rent(i)
	}
	awaitLog(t, standby, leaseAcquired("scheduler"))
	awaitLog(t, standby, issued) // at least rentals 3 and 4 are the standby's to remind

	// Every rental gets its reminder email, once.
	reminders := func() map[string]int {
		n := map[string]int{}
		for _, e := range mx.Received() {
			if d := e.Decode(t); strings.HasPrefix(d.Subject, "Срок просмотра") {
				n[d.Subject]++
			}
		}
		return n
	}
	deadline := time.Now().Add(40 * time.Second)
	for len(reminders()) < rentals && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // polling an outside server's mailbox, with a deadline
	}
	if got := reminders(); len(got) != rentals {
		t.Fatalf("reminder emails for %d rentals, want %d: %v\nstandby scheduler:\n%s\nnotifier:\n%s", len(got), rentals, got, standby.log, notifier.log)
	}
	// Stop the message flow's processes, then count: nothing more can arrive.
	standby.stop(t)
	notifier.stop(t)
	for subject, n := range reminders() {
		if n != 1 {
			t.Errorf("%d emails %q, want 1", n, subject)
		}
	}
	ids := map[string]int{}
	for _, e := range mx.Received() {
		ids[e.Decode(t).Header.Get("Message-Id")]++
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("email %s sent %d times", id, n)
		}
	}
	if got := countEvents(t, pgURL, schema+"_events", "rental.reminder_due.v1"); got != rentals {
		t.Errorf("%d reminder events in the log, want %d", got, rentals)
	}
	// No read waited its whole bound and answered from read models still behind.
	for i, api := range apis {
		if l := api.log.String(); strings.Contains(l, "answering from read models still behind") {
			t.Errorf("api %d answered from read models still behind:\n%s", i+1, l)
		}
	}
}

// readAfterWriteBound bounds a read on one API of a write made on the other: well
// under the once-a-second look at the store that would serve it without the
// notifications, and generous for a loaded machine.
const readAfterWriteBound = 500 * time.Millisecond

// issued matches a scheduler's log line saying it issued reminders or expiries.
var issued = regexp.MustCompile(`msg="scheduler issued commands"`)

// leaseAcquired matches a process's log line saying it holds the lease name.
func leaseAcquired(name string) *regexp.Regexp {
	return regexp.MustCompile(`msg="lease acquired" lease=` + regexp.QuoteMeta(name) + `\b`)
}

// awaitLog waits until the process has logged a line matching re.
func awaitLog(t *testing.T, s *server, re *regexp.Regexp) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !re.MatchString(s.log.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line matching %s within 30 s:\n%s", re, s.log)
		}
		select {
		case <-s.dead:
			t.Fatalf("chance serve exited: %v\n%s", s.err, s.log)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// awaitReadyz polls a process's /readyz until it answers 200.
func awaitReadyz(t *testing.T, s *server) {
	t.Helper()
	root := strings.TrimSuffix(s.base, "/api/v1")
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(root + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within 30 s:\n%s", root, s.log)
		}
		select {
		case <-s.dead:
			t.Fatalf("chance serve exited while starting: %v\n%s", s.err, s.log)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// countEvents counts the events of one type in the PostgreSQL log's schema.
func countEvents(t *testing.T, url, schema, eventType string) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM `+pgx.Identifier{schema, "events"}.Sanitize()+` WHERE type = $1`, eventType).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
