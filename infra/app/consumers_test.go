package app_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/notifications"
	"github.com/chance-video/chance/readmodel/ledger"
)

// billingFromBus runs the Kafka mode's wiring of the billing history (fed by its
// consumer of the accounts topic, read-your-writes per account stream) on the
// in-process bus. With a Kafka broker, set CHANCE_BUS=kafka instead.
func billingFromBus(_ *testing.T, cfg *config.Config) { cfg.BillingFromBus = true }

func TestCustomerJourneyWithBillingFromTheBus(t *testing.T) {
	customerJourney(t, newShopOn(t, billingFromBus))
}

func TestCustomerJourneyWithBillingFromTheBusOnPostgres(t *testing.T) {
	customerJourney(t, newShopOn(t, both(postgresReads, billingFromBus)))
}

// An event message delivered again (Kafka redelivers what was handled but not acked)
// composes the same message ids: the inbox shows the welcome once, one email is written.
func TestARedeliveredEventLeavesOneInboxItem(t *testing.T) {
	sh := newShop(t)
	token := sh.signUp("anna@example.ru")
	sh.settle()
	ctx := context.Background()
	u, err := sh.app.Commands.Lookup().UserByEmail(ctx, "anna@example.ru")
	if err != nil {
		t.Fatal(err)
	}
	records, err := sh.app.Events.ReadStream(ctx, user.Stream(u.ID), 0)
	if err != nil || len(records) == 0 {
		t.Fatalf("the user's stream: %d records, %v", len(records), err)
	}
	for range 2 { // publish returns once every consumer has handled it (in-process bus)
		if err := sh.app.Bus.Publish(integration.TopicUsers, integration.Encode(records[0])); err != nil {
			t.Fatal(err)
		}
	}
	inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
	if len(inbox) != 1 || !hasKind(inbox, notifications.KindWelcome) {
		t.Fatalf("inbox after the sign-up's event was delivered thrice: %v; want the welcome once", kinds(inbox))
	}
	if got := emails(t, sh, "anna@example.ru"); len(got) != 1 {
		t.Fatalf("emails after the sign-up's event was delivered thrice: %v", got)
	}
}

// failingRentals is the policy's lookup with rentals that cannot be loaded while broken.
type failingRentals struct {
	notifications.Lookup
	broken *atomic.Bool
}

func (f failingRentals) LoadRental(ctx context.Context, id uuid.UUID) (rental.State, error) {
	if f.broken.Load() {
		return rental.State{}, errors.New("rental " + id.String() + ": store unreachable")
	}
	return f.Lookup.LoadRental(ctx, id)
}

// An event the policy cannot compose a message for is retried, then dead-lettered under
// the policy's handler, and the events behind it flow; requeued once the cause is
// fixed, it reaches that handler only and the customer is told once.
func TestAnEventThePolicyFailsOnIsDeadLetteredAndRequeued(t *testing.T) {
	var broken atomic.Bool
	sh := newShopWith(t, both(fastDelivery, billingFromBus), func(a *app.App) {
		a.Policy.Lookup = failingRentals{Lookup: a.Policy.Lookup, broken: &broken}
	})
	premiere := sh.publish(1)[0]
	admin := sh.signIn("admin@example.ru")
	token := sh.signUp("vera@example.ru")
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fill", body: map[string]any{"summ": 10_000}})
	rented := sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "rent", body: map[string]any{"id": premiere, "period": 2}})
	broken.Store(true) // the cancellation's message needs the rental's title
	sh.expect(http.StatusOK, call{method: "POST", path: "/rent/" + rented["rental_id"].(string) + "/cancel", token: token, key: "cancel"})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fill-after", body: map[string]any{"summ": 500}})
	sh.settle() // returns because the failing event was dead-lettered

	inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
	if hasKind(inbox, notifications.KindCancelled) || count(inbox, notifications.KindFundsAdded) != 2 {
		t.Fatalf("inbox with the cancellation failing: %v; want both top-ups and no cancellation", kinds(inbox))
	}
	list := sh.expect(http.StatusOK, call{method: "GET", path: "/admin/dead-letters", token: admin})["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("dead letters: %v", list)
	}
	dead := list[0].(map[string]any)
	if dead["handler"] != notifications.PolicyRentals || dead["topic"] != integration.TopicRentals || num(dead["attempts"]) != 3 ||
		dead["metadata"].(map[string]any)[integration.MetaType] != (rental.Cancelled{}).EventType() {
		t.Fatalf("dead letter: %v", dead)
	}
	if h := sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history", token: token})["items"].([]any); len(h) != 4 {
		t.Fatalf("billing history: %v; want two top-ups, the debit and the refund (the billing feed is not the failing handler)", h)
	}

	broken.Store(false)
	sh.expect(http.StatusOK, call{method: "POST", path: "/admin/dead-letters/" + dead["id"].(string) + "/requeue", token: admin})
	sh.expect(http.StatusOK, call{method: "POST", path: "/admin/dead-letters/" + dead["id"].(string) + "/requeue", token: admin}) // harmless
	inbox = sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
	if count(inbox, notifications.KindCancelled) != 1 || count(inbox, notifications.KindPurchase) != 1 || count(inbox, notifications.KindFundsAdded) != 2 {
		t.Fatalf("inbox after two requeues: %v; want the cancellation once, the rest unchanged", kinds(inbox))
	}
}

func count(items []any, kind string) int {
	n := 0
	for _, k := range kinds(items) {
		if k == kind {
			n++
		}
	}
	return n
}

// Fed from the bus, the billing history still shows a customer's own writes at once:
// each read waits until the history has applied the customer's account stream.
func TestBillingHistoryFromTheBusShowsTheCustomersOwnWrites(t *testing.T) {
	testBillingHistoryShowsTheCustomersOwnWrites(t, billingFromBus)
}

func testBillingHistoryShowsTheCustomersOwnWrites(t *testing.T, b backend) {
	sh := newShopOn(t, b)
	if sh.app.Billing == nil {
		t.Fatal("the billing history is not fed from the bus")
	}
	if got := len(sh.app.Runner.Names()); got != 5 {
		t.Fatalf("the runner projects %v; want every read model but the billing history", sh.app.Runner.Names())
	}
	token := sh.signUp("vera@example.ru")
	for i := 1; i <= 10; i++ {
		sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: fmt.Sprint("fill-", i), body: map[string]any{"summ": 100 * i}})
		h := sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history", token: token})["items"].([]any)
		if len(h) != i || num(h[i-1].(map[string]any)["amount"]) != int64(100*i) {
			t.Fatalf("history right after top-up %d: %v", i, h)
		}
	}
}

func TestReplayOfTheBillingHistoryFromTheBusLosesNothing(t *testing.T) {
	testReplayOfTheBillingHistoryFromTheBus(t, billingFromBus)
}

func TestReplayOfTheBillingHistoryFromTheBusLosesNothingOnPostgres(t *testing.T) {
	testReplayOfTheBillingHistoryFromTheBus(t, both(postgresReads, billingFromBus))
}

// Rebuilding the billing history while its consumer keeps writing loses no line: the
// fresh tables are caught up with the log again once swapped in.
func testReplayOfTheBillingHistoryFromTheBus(t *testing.T, b backend) {
	sh := newShopOn(t, b)
	sh.signUp("root@example.ru")
	sh.grant("root@example.ru", "admin")
	admin := sh.signIn("root@example.ru")
	tokens := []string{sh.signUp("anna@example.ru"), sh.signUp("vera@example.ru")}
	var fills atomic.Int64
	fill := func(token string) {
		sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: uuid.NewString(), body: map[string]any{"summ": 100}})
		fills.Add(1)
	}
	for i := range 40 {
		fill(tokens[i%2])
	}

	stop, writing := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for _, token := range tokens {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				fill(token)
				if i == 0 {
					writing <- struct{}{}
				}
			}
		})
	}
	<-writing
	<-writing
	before := fills.Load()
	for range 3 {
		sh.expect(http.StatusOK, call{method: "POST", path: "/admin/replay/" + ledger.Name, token: admin})
	}
	during := fills.Load() - before
	close(stop)
	wg.Wait()
	sh.settle()

	// Each customer's history read waits until the history has applied their account
	// stream (on Kafka the consumer may still be behind the forwarder).
	total := 0
	for _, token := range tokens {
		total += len(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history?limit=1000", token: token})["items"].([]any))
	}
	lines, err := sh.app.Reads.Ledger(context.Background(), ledger.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if int64(total) != fills.Load() || len(lines) != total {
		t.Fatalf("%d billing-history lines (%d in the customers' histories) for %d top-ups (%d of them during the rebuilds)",
			len(lines), total, fills.Load(), during)
	}
	t.Logf("%d top-ups, %d of them during three rebuilds", fills.Load(), during)

	// The books agree with the log: the audit judges a fed history per account stream,
	// not by a checkpoint its consumer never moves.
	var report strings.Builder
	if err := sh.app.VerifyBooks(context.Background(), 10*time.Second, false, &report); err != nil || !strings.Contains(report.String(), "result: clean") {
		t.Fatalf("audit verify: %v\n%s", err, report.String())
	}
}

// kafkaBus runs the shop on Kafka (an in-process Kafka-protocol broker, through the
// real client): CHANCE_BUS=kafka, so the billing history is fed from the bus too.
func kafkaBus(t *testing.T, cfg *config.Config) {
	broker := kafkatest.Start(t)
	cfg.Bus, cfg.KafkaBrokers, cfg.KafkaPartitions = config.Kafka, broker.Brokers(), 3
}

func TestBillingHistoryOnKafkaShowsTheCustomersOwnWrites(t *testing.T) {
	testBillingHistoryShowsTheCustomersOwnWrites(t, kafkaBus)
}

func TestReplayOfTheBillingHistoryOnKafkaLosesNothing(t *testing.T) {
	testReplayOfTheBillingHistoryFromTheBus(t, kafkaBus)
}
