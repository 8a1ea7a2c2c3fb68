package commands_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
)

// provider is a payment provider in memory: it creates payments, and says what tests
// make it say about them.
type provider struct {
	mu       sync.Mutex
	created  map[uuid.UUID]commands.TopUpOrder // by our payment id
	payments map[string]commands.VerifiedPayment
	creates  int
	down     bool
}

func newProvider() *provider {
	return &provider{created: map[uuid.UUID]commands.TopUpOrder{}, payments: map[string]commands.VerifiedPayment{}}
}

func (p *provider) Name() string { return "yookassa" }

func (p *provider) Create(_ context.Context, o commands.TopUpOrder) (commands.ProviderPayment, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return commands.ProviderPayment{}, errors.New("connection refused")
	}
	p.creates++
	id := "yk-" + o.Payment.String()
	if _, ok := p.created[o.Payment]; !ok { // the Idempotence-Key: the same payment again
		p.created[o.Payment] = o
		p.payments[id] = commands.VerifiedPayment{ID: id, Status: "pending", Amount: o.Amount, Currency: "RUB", Payment: o.Payment, UserID: o.UserID}
	}
	return commands.ProviderPayment{ID: id, ConfirmationURL: "https://pay.example/" + id}, nil
}

func (p *provider) Payment(_ context.Context, id string) (commands.VerifiedPayment, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return commands.VerifiedPayment{}, errors.New("connection refused")
	}
	v, ok := p.payments[id]
	if !ok {
		return v, commands.ErrUnknownAtProvider
	}
	return v, nil
}

// set changes what the provider says of a payment.
func (p *provider) set(id string, change func(*commands.VerifiedPayment)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.payments[id]
	change(&v)
	p.payments[id] = v
}

func paymentsShop(t *testing.T) (*shop, *provider) {
	p := newProvider()
	return newShop(t, commands.WithPayments(commands.Payments{Provider: p, Verifier: p, PendingTTL: 30 * time.Minute})), p
}

func TestAProviderTopUpIsPendingUntilTheProviderSaysItWasPaid(t *testing.T) {
	sh, prov := paymentsShop(t)
	user := sh.customer()
	top, err := sh.svc.Fill(sh.ctx, user, 50_000, key("top-1"))
	if err != nil {
		t.Fatal(err)
	}
	if top.TopUp != account.TopUpPending || top.Balance != 0 || top.ConfirmationURL != "https://pay.example/yk-"+top.PaymentID.String() {
		t.Fatalf("top-up = %+v, want pending, nothing credited, the provider's confirmation URL", top)
	}
	again, err := sh.svc.Fill(sh.ctx, user, 50_000, key("top-1"))
	if err != nil || !again.Replayed || again.PaymentID != top.PaymentID || again.TopUp != account.TopUpPending || again.ConfirmationURL != top.ConfirmationURL {
		t.Fatalf("a retry = %+v, %v; want the same pending payment", again, err)
	}
	if prov.creates != 1 {
		t.Fatalf("the provider was asked %d times; a retry is answered from the log", prov.creates)
	}
	_, err = sh.svc.Fill(sh.ctx, user, 60_000, commands.Request{Key: "top-1", Fingerprint: "another body"})
	mustErr(t, err, commands.ErrKeyReused)

	id := "yk-" + top.PaymentID.String()
	// A notification while the provider still says pending settles nothing.
	n, err := sh.svc.TopUpNotified(sh.ctx, id)
	if err != nil || n.Outcome != commands.OutcomeIgnored {
		t.Fatalf("notice = %+v, %v; want ignored while pending", n, err)
	}
	mustEqual(t, "balance while pending", sh.balance(user), 0)

	prov.set(id, func(v *commands.VerifiedPayment) { v.Status = "succeeded" })
	for range 3 { // the provider repeats its notification: credited once
		n, err = sh.svc.TopUpNotified(sh.ctx, id)
		if err != nil || n.Outcome != commands.OutcomeSettled || n.Settled.Status != account.TopUpSucceeded {
			t.Fatalf("notice = %+v, %v; want settled, succeeded", n, err)
		}
	}
	mustEqual(t, "balance once paid", sh.balance(user), 50_000)
	// Canceled after success: no change.
	prov.set(id, func(v *commands.VerifiedPayment) { v.Status = "canceled" })
	if n, err = sh.svc.TopUpNotified(sh.ctx, id); err != nil || n.Settled.Changed {
		t.Fatalf("a cancel after success = %+v, %v", n, err)
	}
	mustEqual(t, "balance after a late cancel", sh.balance(user), 50_000)
	again, err = sh.svc.Fill(sh.ctx, user, 50_000, key("top-1"))
	if err != nil || again.TopUp != account.TopUpSucceeded || again.Balance != 50_000 {
		t.Fatalf("a retry after success = %+v, %v", again, err)
	}
}

func TestNotificationsAreVerifiedWithTheProvider(t *testing.T) {
	sh, prov := paymentsShop(t)
	user := sh.customer()
	top, err := sh.svc.Fill(sh.ctx, user, 10_000, key("top"))
	if err != nil {
		t.Fatal(err)
	}
	id := "yk-" + top.PaymentID.String()
	outcome := func(id string, want commands.NoticeOutcome) {
		t.Helper()
		n, err := sh.svc.TopUpNotified(sh.ctx, id)
		if err != nil || n.Outcome != want {
			t.Fatalf("notice about %s = %+v, %v; want %s", id, n, err, want)
		}
		mustEqual(t, "balance", sh.balance(user), 0)
	}
	// Forged: the provider knows no such payment.
	outcome("yk-forged", commands.OutcomeIgnored)
	// The provider took another amount, or another currency: refused, nothing credited.
	prov.set(id, func(v *commands.VerifiedPayment) { v.Status, v.Amount = "succeeded", 1_000_000 })
	outcome(id, commands.OutcomeRefused)
	prov.set(id, func(v *commands.VerifiedPayment) { v.Amount, v.Currency = 10_000, "USD" })
	outcome(id, commands.OutcomeRefused)
	// A provider payment that names our top-up but is not the one recorded for it.
	prov.set("yk-other", func(v *commands.VerifiedPayment) {
		*v = commands.VerifiedPayment{ID: "yk-other", Status: "succeeded", Amount: 10_000, Currency: "RUB", Payment: top.PaymentID, UserID: user}
	})
	outcome("yk-other", commands.OutcomeRefused)
	// A paid payment that names no top-up of ours, or an unknown one.
	prov.set("yk-stranger", func(v *commands.VerifiedPayment) {
		*v = commands.VerifiedPayment{ID: "yk-stranger", Status: "succeeded", Amount: 10_000, Currency: "RUB"}
	})
	outcome("yk-stranger", commands.OutcomeIgnored)
	prov.set("yk-unknown", func(v *commands.VerifiedPayment) {
		*v = commands.VerifiedPayment{ID: "yk-unknown", Status: "succeeded", Amount: 10_000, Currency: "RUB", Payment: uuid.New(), UserID: user}
	})
	outcome("yk-unknown", commands.OutcomeIgnored)
	// The provider out of reach: an error, so the provider sends the notification again.
	prov.down = true
	if _, err := sh.svc.TopUpNotified(sh.ctx, id); !errors.Is(err, commands.ErrProviderUnavailable) {
		t.Fatalf("provider down: %v", err)
	}
	prov.down = false
	// Declined at the provider: canceled, and a later "paid" changes nothing.
	prov.set(id, func(v *commands.VerifiedPayment) { v.Status, v.Currency = "canceled", "RUB" })
	n, err := sh.svc.TopUpNotified(sh.ctx, id)
	if err != nil || n.Settled.Status != account.TopUpDeclined {
		t.Fatalf("canceled: %+v, %v", n, err)
	}
	prov.set(id, func(v *commands.VerifiedPayment) { v.Status = "succeeded" })
	outcome(id, commands.OutcomeSettled)
}

func TestAProviderOutOfReachOpensNoTopUp(t *testing.T) {
	sh, prov := paymentsShop(t)
	user := sh.customer()
	prov.down = true
	_, err := sh.svc.Fill(sh.ctx, user, 10_000, key("top"))
	mustErr(t, err, commands.ErrProviderUnavailable)
	if len(sh.accountEvents(user)) != 0 {
		t.Fatal("a top-up the provider never opened was recorded")
	}
	prov.down = false
	top, err := sh.svc.Fill(sh.ctx, user, 10_000, key("top"))
	if err != nil || top.TopUp != account.TopUpPending {
		t.Fatalf("the retry = %+v, %v", top, err)
	}
	_, err = sh.svc.Fill(sh.ctx, user, 0, key("zero"))
	mustErr(t, err, domain.ErrInvalid)
}

func TestATopUpExpiresAndALatePaymentIsStillCredited(t *testing.T) {
	sh, prov := paymentsShop(t)
	user := sh.customer()
	top, err := sh.svc.Fill(sh.ctx, user, 25_000, key("top"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = sh.svc.ExpireTopUp(sh.ctx, user, top.PaymentID)
	mustErr(t, err, account.ErrTopUpNotExpired)
	sh.clock.Advance(30 * time.Minute)
	s, err := sh.svc.ExpireTopUp(sh.ctx, user, top.PaymentID)
	if err != nil || s.Status != account.TopUpExpired || !s.Changed {
		t.Fatalf("expire = %+v, %v", s, err)
	}
	if s, err = sh.svc.ExpireTopUp(sh.ctx, user, top.PaymentID); err != nil || s.Changed {
		t.Fatalf("expire again = %+v, %v; want no change", s, err)
	}
	// The customer paid on the provider's page just after: the money was taken.
	id := "yk-" + top.PaymentID.String()
	prov.set(id, func(v *commands.VerifiedPayment) { v.Status = "succeeded" })
	n, err := sh.svc.TopUpNotified(sh.ctx, id)
	if err != nil || n.Settled.Status != account.TopUpSucceeded || !n.Settled.Changed {
		t.Fatalf("late payment = %+v, %v", n, err)
	}
	mustEqual(t, "balance", sh.balance(user), money.Kopecks(25_000))
}

// A customer cannot open top-ups without end: one over account.MaxPendingTopUps waiting
// is refused before the provider is asked, so no payment is opened there for nothing.
func TestOpenTopUpsAreBoundedBeforeTheProviderIsAsked(t *testing.T) {
	sh, prov := paymentsShop(t)
	user := sh.customer()
	var first commands.Payment
	for i := range account.MaxPendingTopUps {
		top, err := sh.svc.Fill(sh.ctx, user, 1_000, key(fmt.Sprint("top-", i)))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = top
		}
	}
	_, err := sh.svc.Fill(sh.ctx, user, 1_000, key("one-more"))
	mustErr(t, err, account.ErrTooManyTopUps)
	mustErr(t, err, domain.ErrConflict)
	if prov.creates != account.MaxPendingTopUps {
		t.Fatalf("the provider was asked %d times for %d top-ups opened", prov.creates, account.MaxPendingTopUps)
	}
	// A retry of an open one is still answered.
	if again, err := sh.svc.Fill(sh.ctx, user, 1_000, key("top-0")); err != nil || again.PaymentID != first.PaymentID {
		t.Fatalf("a retry = %+v, %v", again, err)
	}
	// Once one is paid, another may be opened.
	id := "yk-" + first.PaymentID.String()
	prov.set(id, func(v *commands.VerifiedPayment) { v.Status = "succeeded" })
	if _, err := sh.svc.TopUpNotified(sh.ctx, id); err != nil {
		t.Fatal(err)
	}
	if top, err := sh.svc.Fill(sh.ctx, user, 1_000, key("one-more")); err != nil || top.TopUp != account.TopUpPending {
		t.Fatalf("after one was paid = %+v, %v", top, err)
	}
	// Past their expiry they wait for nobody, whether the scheduler expired them or not.
	sh.clock.Advance(30 * time.Minute)
	if top, err := sh.svc.Fill(sh.ctx, user, 1_000, key("later")); err != nil || top.TopUp != account.TopUpPending {
		t.Fatalf("past the expiry = %+v, %v", top, err)
	}
}

// A shop restarted without its provider (CHANCE_PAYMENTS back to demo) answers a retry
// of a top-up still pending as pending: never as a top-up credited at once.
func TestARetryAfterTheProviderWasDroppedStillSaysPending(t *testing.T) {
	sh, _ := paymentsShop(t)
	user := sh.customer()
	top, err := sh.svc.Fill(sh.ctx, user, 30_000, key("top"))
	if err != nil {
		t.Fatal(err)
	}
	sh.restart()
	again, err := sh.svc.Fill(sh.ctx, user, 30_000, key("top"))
	if err != nil || !again.Replayed || again.PaymentID != top.PaymentID || again.TopUp != account.TopUpPending || again.Balance != 0 {
		t.Fatalf("a retry in the demo = %+v, %v; want the same top-up, pending, nothing credited", again, err)
	}
	mustEqual(t, "balance", sh.balance(user), 0)
}
