package account

import (
	"errors"
	"slices"
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
		{Name: "never below zero: declined, with the balance it saw", Given: funded,
			When: Withdraw{UserID: user, Payment: p2, Amount: 1001, Purpose: forPremiere(premA, 24), Now: now},
			Then: []domain.Event{declined(p2, 1001, 1000, forPremiere(premA, 24))}},
		{Name: "an empty account cannot pay", When: Withdraw{UserID: user, Payment: p2, Amount: 1, Purpose: order(line(premA, 1, 1)), Now: now},
			Then: []domain.Event{declined(p2, 1, 0, order(line(premA, 1, 1)))}},
		{Name: "a retried declined debit is decided once, even if the balance now covers it",
			Given: []domain.Event{declined(p2, 1001, 0, forPremiere(premA, 24)), added(p1, 5000, 5000)},
			When:  Withdraw{UserID: user, Payment: p2, Amount: 1001, Purpose: forPremiere(premA, 24), Now: now}},
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

func declined(p uuid.UUID, amount, balance money.Kopecks, purpose Purpose) PaymentDeclined {
	return PaymentDeclined{UserID: user, Payment: p, Amount: amount, Balance: balance, Reason: DeclinedInsufficientFunds, Purpose: purpose, At: now}
}

func TestADeclineCarriesTheShortfall(t *testing.T) {
	events, err := Decide(Withdraw{Payment: p2, Amount: 1500}, Decider.Fold([]domain.Event{added(p1, 1000, 1000)}))
	if err != nil || len(events) != 1 {
		t.Fatalf("decided %v, %v; want one decline", events, err)
	}
	short := events[0].(PaymentDeclined).Refusal()
	if !errors.Is(short, domain.ErrFunds) || short.Balance != 1000 || short.Needed != 1500 || short.Shortfall() != 500 || short.PaymentID != p2 {
		t.Fatalf("got %+v shortfall %d", short, short.Shortfall())
	}
}

// A declined payment is decided but moved nothing: the balance stays, and it is never
// taken for a payment that was made (it cannot be redeemed, it pays for no cart).
func TestADeclineIsNotAPayment(t *testing.T) {
	given := []domain.Event{added(p1, 1000, 1000), declined(p2, 5000, 1000, forPremiere(premA, 24))}
	s := Decider.Fold(given)
	if _, redeemable := s.Withdrawal(p2); s.Balance != 1000 || !s.Processed(p2) || !s.Declined(p2) || redeemable {
		t.Fatalf("state after a decline: balance %d, processed %v, declined %v, redeemable %v", s.Balance, s.Processed(p2), s.Declined(p2), redeemable)
	}
	_, err := Decide(Redeem{UserID: user, Payment: p3, Withdrawal: p2, Purpose: order(line(premA, 24, 5000)), Now: now}, s)
	if !errors.Is(err, ErrDeclinedPayment) {
		t.Fatalf("redeemed a declined payment: %v", err)
	}
	cartOrder := Purpose{Kind: ForOrder, OrderID: p3, Rentals: []RentalLine{line(premA, 24, 5000)}, ClearCart: true, CartVersion: 4}
	s = Decider.Fold(append(given, declined(p3, 5000, 1000, cartOrder)))
	if _, paid := s.CartPaidBy(4); paid {
		t.Fatal("a declined checkout counted as paying for the cart")
	}
}

func TestOneCartContentIsPaidOnce(t *testing.T) {
	cartOrder := func(payment uuid.UUID, version int) Purpose {
		return Purpose{Kind: ForOrder, OrderID: payment, Rentals: []RentalLine{line(premA, 24, 300)}, ClearCart: true, CartVersion: version}
	}
	paid := []domain.Event{added(p1, 1000, 1000),
		FundsWithdrawn{UserID: user, Payment: p2, Amount: 300, BalanceAfter: 700, Purpose: cartOrder(p2, 3), At: now}}
	p4 := uuid.MustParse("00000000-0000-0000-0000-000000000004")
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "a second checkout of the same cart version is refused", Given: paid,
			When: Withdraw{UserID: user, Payment: p3, Amount: 300, Purpose: cartOrder(p3, 3), Now: now}, WantErr: domain.ErrConflict},
		{Name: "so is one of an older version", Given: paid,
			When: Withdraw{UserID: user, Payment: p3, Amount: 300, Purpose: cartOrder(p3, 2), Now: now}, WantErr: domain.ErrConflict},
		{Name: "already paid goes before insufficient funds", Given: paid,
			When:    Withdraw{UserID: user, Payment: p3, Amount: 300_000, Purpose: Purpose{Kind: ForOrder, Rentals: []RentalLine{line(premA, 24, 300_000)}, ClearCart: true, CartVersion: 3}, Now: now},
			WantErr: domain.ErrConflict},
		{Name: "the order's own retry is a no-op", Given: paid,
			When: Withdraw{UserID: user, Payment: p2, Amount: 300, Purpose: cartOrder(p2, 3), Now: now}},
		{Name: "a refilled cart (a later version) pays", Given: paid,
			When: Withdraw{UserID: user, Payment: p4, Amount: 300, Purpose: cartOrder(p4, 5), Now: now},
			Then: []domain.Event{FundsWithdrawn{UserID: user, Payment: p4, Amount: 300, BalanceAfter: 400, Purpose: cartOrder(p4, 5), At: now}}},
		{Name: "a rent is no checkout", Given: paid,
			When: Withdraw{UserID: user, Payment: p4, Amount: 300, Purpose: order(line(premA, 24, 300)), Now: now},
			Then: []domain.Event{FundsWithdrawn{UserID: user, Payment: p4, Amount: 300, BalanceAfter: 400, Purpose: order(line(premA, 24, 300)), At: now}}},
	})
	_, err := Decide(Withdraw{UserID: user, Payment: p3, Amount: 300, Purpose: cartOrder(p3, 3), Now: now}, Decider.Fold(paid))
	var again *CartAlreadyPaid
	if !errors.As(err, &again) || again.OrderID != p2 {
		t.Fatalf("error = %v, want CartAlreadyPaid by %s", err, p2)
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
	p5 := uuid.New()
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
		// Only a withdrawal for a premiere is redeemable: not a refund or a redemption,
		// whatever its purpose says (no writer gives them a premiere's; the account no
		// longer keeps their purposes, where it once let such a refund be redeemed).
		{Name: "a refund is not redeemable, even for a premiere", Given: append(given, FundsRefunded{UserID: user, Payment: p5, Amount: 400, BalanceAfter: 1000, Purpose: forPremiere(premA, 24), At: now}),
			When: Redeem{Payment: p3, Withdrawal: p5, Purpose: order(line(premA, 24, 400))}, WantErr: ErrNotRedeemable},
		{Name: "a redemption is not redeemable, even for a premiere", Given: append(given, PaymentRedeemed{UserID: user, Payment: p5, Withdrawal: p2, Amount: 400, Purpose: forPremiere(premA, 24), At: now}),
			When: Redeem{Payment: p3, Withdrawal: p5, Purpose: order(line(premA, 24, 400))}, WantErr: ErrNotRedeemable},
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

// A state read back from its snapshot form answers every question as the folded one:
// balance, paid cart, redeemable withdrawals, made, declined and redeemed payments.
func TestSnapshotFormRoundTrips(t *testing.T) {
	p4 := uuid.MustParse("00000000-0000-0000-0000-000000000004")
	p5 := uuid.MustParse("00000000-0000-0000-0000-000000000005")
	cartOrder := Purpose{Kind: ForOrder, OrderID: p5, Rentals: []RentalLine{line(premA, 24, 100)}, ClearCart: true, CartVersion: 7}
	folded := Decider.Fold([]domain.Event{
		added(p1, 1000, 1000),
		FundsWithdrawn{UserID: user, Payment: p2, Amount: 400, BalanceAfter: 600, Purpose: forPremiere(premA, 24), At: now},
		FundsWithdrawn{UserID: user, Payment: p3, Amount: 300, BalanceAfter: 300, Purpose: Purpose{Kind: ForPremiere, PremiereID: premB, Title: "Б", Hours: 12}, At: now},
		PaymentRedeemed{UserID: user, Payment: p4, Withdrawal: p2, Amount: 400, Purpose: order(line(premA, 24, 400)), At: now},
		FundsWithdrawn{UserID: user, Payment: p5, Amount: 100, BalanceAfter: 200, Purpose: cartOrder, At: now},
		declined(rentalA, 5000, 200, forPremiere(premA, 24)),
	})
	data, err := folded.AppendSnapshot(nil)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := back.ReadSnapshot(slices.Clone(data)); err != nil {
		t.Fatal(err)
	}
	if back.Balance != 200 || back.Payments() != folded.Payments() || back.PaidCart != folded.PaidCart {
		t.Fatalf("read back balance %d, payments %d, cart %+v; folded %d, %d, %+v", back.Balance, back.Payments(), back.PaidCart, folded.Balance, folded.Payments(), folded.PaidCart)
	}
	for _, p := range []uuid.UUID{p1, p2, p3, p4, p5, rentalA, premA} {
		w1, r1 := folded.Withdrawal(p)
		w2, r2 := back.Withdrawal(p)
		if back.Processed(p) != folded.Processed(p) || back.Declined(p) != folded.Declined(p) || r1 != r2 || w1.Amount != w2.Amount || w1.Purpose.Title != w2.Purpose.Title {
			t.Fatalf("payment %s read back differs", p)
		}
	}
	if _, err := Decide(Redeem{Payment: uuid.New(), Withdrawal: p2, Purpose: order(line(premA, 24, 400))}, back); !errors.Is(err, ErrAlreadyRedeemed) {
		t.Fatalf("a redeemed withdrawal read back: %v", err)
	}
	if _, err := Decide(Redeem{Payment: uuid.New(), Withdrawal: p3, Purpose: order(line(premB, 12, 300))}, back); err != nil {
		t.Fatalf("a redeemable withdrawal read back: %v", err)
	}
	for cut := range len(data) {
		if err := new(State).ReadSnapshot(data[:cut]); err == nil {
			t.Fatalf("read a state from its first %d bytes of %d", cut, len(data))
		}
	}
	if err := new(State).ReadSnapshot(append(data, 0)); err == nil {
		t.Fatal("read a state followed by garbage")
	}
}
