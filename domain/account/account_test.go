package account

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
	"github.com/chance-video/chance/domain/money"
)

var (
	now     = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	user    = uuid.MustParse("00000000-0000-0000-0000-0000000000aa")
	premA   = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	premB   = uuid.MustParse("00000000-0000-0000-0000-0000000000b1")
	p1      = uuid.MustParse("00000000-0000-0000-0000-000000000001")
	p2      = uuid.MustParse("00000000-0000-0000-0000-000000000002")
	p3      = uuid.MustParse("00000000-0000-0000-0000-000000000003")
	rentalA = uuid.MustParse("00000000-0000-0000-0000-0000000000c1")
)

func added(p uuid.UUID, amount, after money.Kopecks) FundsAdded {
	return FundsAdded{UserID: user, Payment: p, Amount: amount, BalanceAfter: after, At: now}
}

func order(lines ...RentalLine) Purpose { return Purpose{Kind: ForOrder, Rentals: lines} }

func line(premiere uuid.UUID, hours int, price money.Kopecks) RentalLine {
	return RentalLine{RentalID: rentalA, PremiereID: premiere, Hours: hours, Price: price, StartsAt: now}
}

func forPremiere(premiere uuid.UUID, hours int) Purpose {
	return Purpose{Kind: ForPremiere, PremiereID: premiere, Hours: hours}
}

func TestFill(t *testing.T) {
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "tops up", When: Fill{UserID: user, Payment: p1, Amount: 500, Now: now}, Then: []domain.Event{added(p1, 500, 500)}},
		{Name: "adds to the balance", Given: []domain.Event{added(p1, 500, 500)},
			When: Fill{UserID: user, Payment: p2, Amount: 300, Now: now}, Then: []domain.Event{added(p2, 300, 800)}},
		{Name: "a retried top-up is a no-op", Given: []domain.Event{added(p1, 500, 500)}, When: Fill{UserID: user, Payment: p1, Amount: 500, Now: now}},
		{Name: "zero rejected", When: Fill{Payment: p1, Amount: 0}, WantErr: domain.ErrInvalid},
		{Name: "negative rejected", When: Fill{Payment: p1, Amount: -100}, WantErr: domain.ErrInvalid},
		{Name: "above the limit rejected", When: Fill{Payment: p1, Amount: money.MaxOperation + 1}, WantErr: domain.ErrInvalid},
		{Name: "the limit itself is fine", When: Fill{UserID: user, Payment: p1, Amount: money.MaxOperation, Now: now},
			Then: []domain.Event{added(p1, money.MaxOperation, money.MaxOperation)}},
	})
}

func TestWithdraw(t *testing.T) {
	funded := []domain.Event{added(p1, 1000, 1000)}
	withdrawn := func(p uuid.UUID, amount, after money.Kopecks, purpose Purpose) FundsWithdrawn {
		return FundsWithdrawn{UserID: user, Payment: p, Amount: amount, BalanceAfter: after, Purpose: purpose, At: now}
	}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "debits", Given: funded, When: Withdraw{UserID: user, Payment: p2, Amount: 400, Purpose: forPremiere(premA, 24), Now: now},
			Then: []domain.Event{withdrawn(p2, 400, 600, forPremiere(premA, 24))}},
		{Name: "may take the whole balance", Given: funded, When: Withdraw{UserID: user, Payment: p2, Amount: 1000, Purpose: forPremiere(premA, 24), Now: now},
			Then: []domain.Event{withdrawn(p2, 1000, 0, forPremiere(premA, 24))}},
		{Name: "never below zero", Given: funded, When: Withdraw{UserID: user, Payment: p2, Amount: 1001, Purpose: forPremiere(premA, 24), Now: now}, WantErr: domain.ErrFunds},
		{Name: "an empty account cannot pay", When: Withdraw{Payment: p2, Amount: 1, Now: now}, WantErr: domain.ErrFunds},
		{Name: "a retried debit is a no-op even if the balance no longer covers it",
			Given: append(funded, withdrawn(p2, 1000, 0, forPremiere(premA, 24))),
			When:  Withdraw{UserID: user, Payment: p2, Amount: 1000, Purpose: forPremiere(premA, 24), Now: now}},
		{Name: "order total must match the debit", Given: funded, When: Withdraw{Payment: p2, Amount: 400, Purpose: order(line(premA, 24, 300))}, WantErr: domain.ErrInvalid},
		{Name: "order debit", Given: funded, When: Withdraw{UserID: user, Payment: p2, Amount: 300, Purpose: order(line(premA, 24, 300)), Now: now},
			Then: []domain.Event{withdrawn(p2, 300, 700, order(line(premA, 24, 300)))}},
		{Name: "zero rejected", Given: funded, When: Withdraw{Payment: p2, Amount: 0}, WantErr: domain.ErrInvalid},
		{Name: "above the limit rejected", Given: funded, When: Withdraw{Payment: p2, Amount: money.MaxOperation + 1}, WantErr: domain.ErrInvalid},
	})
}

func TestInsufficientFundsCarriesTheShortfall(t *testing.T) {
	_, err := Decide(Withdraw{Payment: p2, Amount: 1500}, Decider.Fold([]domain.Event{added(p1, 1000, 1000)}))
	var short *InsufficientFunds
	if !errors.As(err, &short) {
		t.Fatalf("error = %v, want InsufficientFunds", err)
	}
	if short.Balance != 1000 || short.Needed != 1500 || short.Shortfall() != 500 {
		t.Fatalf("got %+v shortfall %d", short, short.Shortfall())
	}
}

func TestRefund(t *testing.T) {
	cancel := Purpose{Kind: ForCancellation, RentalID: rentalA}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "credits", Given: []domain.Event{added(p1, 100, 100)}, When: Refund{UserID: user, Payment: p2, Amount: 50, Purpose: cancel, Now: now},
			Then: []domain.Event{FundsRefunded{UserID: user, Payment: p2, Amount: 50, BalanceAfter: 150, Purpose: cancel, At: now}}},
		{Name: "a retried refund is a no-op", Given: []domain.Event{FundsRefunded{Payment: p2, Amount: 50, BalanceAfter: 50}},
			When: Refund{Payment: p2, Amount: 50, Purpose: cancel, Now: now}},
		{Name: "zero rejected", When: Refund{Payment: p2, Amount: 0}, WantErr: domain.ErrInvalid},
	})
}

func TestRedeem(t *testing.T) {
	given := []domain.Event{
		added(p1, 1000, 1000),
		FundsWithdrawn{UserID: user, Payment: p2, Amount: 400, BalanceAfter: 600, Purpose: forPremiere(premA, 24), At: now},
	}
	redeemed := PaymentRedeemed{UserID: user, Payment: p3, Withdrawal: p2, Amount: 400, Purpose: order(line(premA, 24, 400)), At: now}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "redeems a premiere withdrawal", Given: given,
			When: Redeem{UserID: user, Payment: p3, Withdrawal: p2, Purpose: order(line(premA, 24, 400)), Now: now},
			Then: []domain.Event{redeemed}},
		{Name: "a retried redemption is a no-op", Given: append(given, redeemed),
			When: Redeem{UserID: user, Payment: p3, Withdrawal: p2, Purpose: order(line(premA, 24, 400)), Now: now}},
		{Name: "only once", Given: append(given, redeemed),
			When: Redeem{Payment: uuid.New(), Withdrawal: p2, Purpose: order(line(premA, 24, 400))}, WantErr: ErrAlreadyRedeemed},
		{Name: "unknown payment", Given: given, When: Redeem{Payment: p3, Withdrawal: uuid.New(), Purpose: order(line(premA, 24, 400))}, WantErr: ErrUnknownWithdrawal},
		{Name: "a top-up is not redeemable", Given: given, When: Redeem{Payment: p3, Withdrawal: p1, Purpose: order(line(premA, 24, 400))}, WantErr: ErrNotRedeemable},
		{Name: "another premiere", Given: given, When: Redeem{Payment: p3, Withdrawal: p2, Purpose: order(line(premB, 24, 400))}, WantErr: ErrRedeemMismatch},
		{Name: "another period", Given: given, When: Redeem{Payment: p3, Withdrawal: p2, Purpose: order(line(premA, 12, 200))}, WantErr: ErrRedeemMismatch},
		{Name: "exactly one rental", Given: given, When: Redeem{Payment: p3, Withdrawal: p2, Purpose: order()}, WantErr: domain.ErrInvalid},
	})
}

func TestBalanceIsReDerivedFromTheLedger(t *testing.T) {
	s := Decider.Fold([]domain.Event{
		added(p1, 1000, 1000),
		FundsWithdrawn{Payment: p2, Amount: 300, BalanceAfter: 999},
		FundsRefunded{Payment: p3, Amount: 100, BalanceAfter: 800},
	})
	if s.Balance != 800 {
		t.Fatalf("balance = %d, want 800", s.Balance)
	}
	for _, p := range []uuid.UUID{p1, p2, p3} {
		if !s.Processed(p) {
			t.Errorf("payment %s not remembered", p)
		}
	}
}

func TestRedeemLocksTheWithdrawnPrice(t *testing.T) {
	given := []domain.Event{
		added(p1, 1000, 1000),
		FundsWithdrawn{UserID: user, Payment: p2, Amount: 400, BalanceAfter: 600, Purpose: forPremiere(premA, 24), At: now},
	}
	repriced := line(premA, 24, 500)
	_, err := Decide(Redeem{UserID: user, Payment: p3, Withdrawal: p2, Purpose: order(repriced), Now: now}, Decider.Fold(given))
	if !errors.Is(err, ErrRedeemMismatch) {
		t.Fatalf("redeemed at another price: %v", err)
	}
}
