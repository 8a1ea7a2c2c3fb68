package account

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
	"github.com/chance-video/chance/domain/money"
)

var expiresAt = now.Add(30 * time.Minute)

func requested(p uuid.UUID, amount money.Kopecks) TopUpRequested {
	return TopUpRequested{UserID: user, Payment: p, Amount: amount, Provider: "yookassa", ProviderPayment: "yk-" + p.String()[:8],
		ConfirmationURL: "https://pay.example/" + p.String(), ExpiresAt: expiresAt, At: now}
}

func request(p uuid.UUID, amount money.Kopecks) RequestTopUp {
	return RequestTopUp{UserID: user, Payment: p, Amount: amount, Provider: "yookassa", ProviderPayment: "yk-" + p.String()[:8],
		ConfirmationURL: "https://pay.example/" + p.String(), ExpiresAt: expiresAt, Now: now}
}

func paid(p uuid.UUID, amount money.Kopecks, at time.Time) SettleTopUp {
	return SettleTopUp{UserID: user, Payment: p, Provider: "yookassa", ProviderPayment: "yk-" + p.String()[:8], Paid: true, Amount: amount, Now: at}
}

func canceled(p uuid.UUID, amount money.Kopecks, reason CancelReason, at time.Time) TopUpCanceled {
	return TopUpCanceled{UserID: user, Payment: p, Amount: amount, Reason: reason, At: at}
}

func TestRequestTopUp(t *testing.T) {
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "opens a pending top-up that moves no money", Given: []domain.Event{added(p1, 100, 100)},
			When: request(p2, 500), Then: []domain.Event{requested(p2, 500)}},
		{Name: "a retry is a no-op", Given: []domain.Event{requested(p2, 500)}, When: request(p2, 500)},
		{Name: "a retry after it was paid is a no-op", Given: []domain.Event{requested(p2, 500), added(p2, 500, 500)}, When: request(p2, 500)},
		{Name: "zero rejected", When: request(p2, 0), WantErr: domain.ErrInvalid},
		{Name: "above the limit rejected", When: request(p2, money.MaxOperation+1), WantErr: domain.ErrInvalid},
		{Name: "needs a provider", When: RequestTopUp{Payment: p2, Amount: 5, ExpiresAt: expiresAt, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "needs an expiry after now", When: RequestTopUp{Payment: p2, Amount: 5, Provider: "test", ExpiresAt: now, Now: now}, WantErr: domain.ErrInvalid},
	})
}

func TestSettleTopUp(t *testing.T) {
	pending := []domain.Event{added(p1, 100, 100), requested(p2, 500)}
	later := now.Add(time.Minute)
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "paid: credits the amount requested, once", Given: pending, When: paid(p2, 500, later),
			Then: []domain.Event{FundsAdded{UserID: user, Payment: p2, Amount: 500, BalanceAfter: 600, At: later}}},
		{Name: "paid twice: the second changes nothing", Given: append(pending, added(p2, 500, 600)), When: paid(p2, 500, later)},
		{Name: "succeeded, then canceled: no change", Given: append(pending, added(p2, 500, 600)),
			When: SettleTopUp{UserID: user, Payment: p2, Provider: "yookassa", Now: later}},
		{Name: "another amount is refused", Given: pending, When: paid(p2, 499, later), WantErr: ErrTopUpAmount},
		{Name: "more than requested is refused too", Given: pending, When: paid(p2, 501, later), WantErr: ErrTopUpAmount},
		{Name: "another provider is refused", Given: pending,
			When: SettleTopUp{UserID: user, Payment: p2, Provider: "test", Paid: true, Amount: 500, Now: later}, WantErr: ErrTopUpProvider},
		{Name: "another provider payment is refused", Given: pending,
			When: SettleTopUp{UserID: user, Payment: p2, Provider: "yookassa", ProviderPayment: "forged", Paid: true, Amount: 500, Now: later}, WantErr: ErrTopUpProvider},
		{Name: "an unknown payment is refused", Given: pending, When: paid(p3, 500, later), WantErr: ErrUnknownTopUp},
		{Name: "a top-up credited at once (demo) is not a provider's", Given: pending, When: paid(p1, 100, later), WantErr: ErrUnknownTopUp},
		{Name: "declined: canceled, nothing credited", Given: pending,
			When: SettleTopUp{UserID: user, Payment: p2, Provider: "yookassa", Now: later},
			Then: []domain.Event{canceled(p2, 500, CanceledDeclined, later)}},
		{Name: "declined, then paid: no change", Given: append(pending, canceled(p2, 500, CanceledDeclined, later)), When: paid(p2, 500, later)},
		{Name: "expired, then paid: the money was taken, so it is credited", Given: append(pending, canceled(p2, 500, CanceledExpired, expiresAt)),
			When: paid(p2, 500, expiresAt.Add(time.Minute)),
			Then: []domain.Event{FundsAdded{UserID: user, Payment: p2, Amount: 500, BalanceAfter: 600, At: expiresAt.Add(time.Minute)}}},
		{Name: "expired, then paid another amount: refused", Given: append(pending, canceled(p2, 500, CanceledExpired, expiresAt)),
			When: paid(p2, 5000, expiresAt.Add(time.Minute)), WantErr: ErrTopUpAmount},
		{Name: "expired, then canceled by the provider: no change", Given: append(pending, canceled(p2, 500, CanceledExpired, expiresAt)),
			When: SettleTopUp{UserID: user, Payment: p2, Provider: "yookassa", Now: later}},
	})
}

func TestExpireTopUp(t *testing.T) {
	pending := []domain.Event{requested(p2, 500)}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "expires at its expiry", Given: pending, When: ExpireTopUp{UserID: user, Payment: p2, Now: expiresAt},
			Then: []domain.Event{canceled(p2, 500, CanceledExpired, expiresAt)}},
		{Name: "not before", Given: pending, When: ExpireTopUp{UserID: user, Payment: p2, Now: expiresAt.Add(-time.Second)}, WantErr: ErrTopUpNotExpired},
		{Name: "a paid top-up does not expire", Given: append(pending, added(p2, 500, 500)), When: ExpireTopUp{UserID: user, Payment: p2, Now: expiresAt}},
		{Name: "a declined one neither", Given: append(pending, canceled(p2, 500, CanceledDeclined, now)), When: ExpireTopUp{UserID: user, Payment: p2, Now: expiresAt}},
		{Name: "an expired one expires once", Given: append(pending, canceled(p2, 500, CanceledExpired, expiresAt)), When: ExpireTopUp{UserID: user, Payment: p2, Now: expiresAt}},
		{Name: "unknown", When: ExpireTopUp{UserID: user, Payment: p2, Now: expiresAt}, WantErr: ErrUnknownTopUp},
	})
}

func TestATopUpIdIsNeverRedeemable(t *testing.T) {
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "pending top-up", Given: []domain.Event{requested(p2, 500)},
			When: Redeem{UserID: user, Payment: p3, Withdrawal: p2, Purpose: order(line(premA, 24, 500)), Now: now}, WantErr: ErrNotRedeemable},
	})
}

func TestTopUpStatus(t *testing.T) {
	s := Decider.Fold([]domain.Event{requested(p1, 500), requested(p2, 700), requested(p3, 900),
		added(p1, 500, 500), canceled(p2, 700, CanceledDeclined, now), canceled(p3, 900, CanceledExpired, expiresAt)})
	for p, want := range map[uuid.UUID]TopUpStatus{p1: TopUpSucceeded, p2: TopUpDeclined, p3: TopUpExpired, uuid.New(): TopUpUnknown} {
		if _, got := s.TopUp(p); got != want {
			t.Errorf("%s: status %d, want %d", p, got, want)
		}
	}
	if tp, _ := s.TopUp(p3); tp.Amount != 900 || tp.Provider != "yookassa" {
		t.Errorf("an expired top-up keeps what it was requested with: %+v", tp)
	}
	if s.Balance != 500 {
		t.Errorf("balance %d, want 500: only the paid top-up credits", s.Balance)
	}
}

// A customer cannot open top-ups without end: each is a payment opened at the provider
// and kept in the account's state.
func TestOpenTopUpsAreBounded(t *testing.T) {
	var open []domain.Event
	for i := range MaxPendingTopUps {
		open = append(open, requested(uuid.NewSHA1(p1, []byte{byte(i)}), 500))
	}
	expiredOne := canceled(open[0].(TopUpRequested).Payment, 500, CanceledExpired, expiresAt)
	declinedOne := canceled(open[0].(TopUpRequested).Payment, 500, CanceledDeclined, now)
	paidOne := added(open[0].(TopUpRequested).Payment, 500, 500)
	later := request(p2, 500)
	later.Now, later.ExpiresAt = expiresAt, expiresAt.Add(30*time.Minute)
	laterEvent := requested(p2, 500)
	laterEvent.At, laterEvent.ExpiresAt = later.Now, later.ExpiresAt
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "one more than the bound waiting is refused", Given: open, When: request(p2, 500), WantErr: ErrTooManyTopUps},
		{Name: "a retry of an open one is still a no-op", Given: open, When: request(open[1].(TopUpRequested).Payment, 500)},
		{Name: "one paid frees a place", Given: append(slices.Clone(open), paidOne), When: request(p2, 500), Then: []domain.Event{requested(p2, 500)}},
		{Name: "one declined frees a place", Given: append(slices.Clone(open), declinedOne), When: request(p2, 500), Then: []domain.Event{requested(p2, 500)}},
		{Name: "one expired frees a place", Given: append(slices.Clone(open), expiredOne), When: request(p2, 500), Then: []domain.Event{requested(p2, 500)}},
		{Name: "ones past their expiry wait for nobody, expired or not yet", Given: open, When: later, Then: []domain.Event{laterEvent}},
	})
}
