package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/term"
	"github.com/chance-video/chance/eventlog"
)

// OrderResult is what a rent or a checkout bought.
type OrderResult struct {
	OrderID   uuid.UUID // also the payment id
	Rentals   []RentalLine
	Total     money.Kopecks
	Balance   money.Kopecks // after the order (the current balance on a replay)
	Replayed  bool
	Position  eventlog.Position // of the last event the flow appended
	Withdrawn uuid.UUID         // the earlier withdrawal redeemed, if any
}

// RentalLine is one rental of an order.
type RentalLine struct {
	account.RentalLine
	EndsAt time.Time
	// Refunded: the customer came to hold the premiere by another request while this
	// one was paying; this line's price went back to the balance.
	Refunded bool
}

// RentInput is a rent of one premiere.
type RentInput struct {
	PremiereID uuid.UUID
	Hours      int
	StartsAt   time.Time // zero: now
	Withdrawal uuid.UUID // an earlier withdrawal to redeem instead of paying now
}

// Rent pays for one premiere (or redeems an earlier withdrawal for it) and creates the rental.
func (s *Service) Rent(ctx context.Context, userID uuid.UUID, in RentInput, req Request) (OrderResult, error) {
	if req.Key == "" {
		return OrderResult{}, ErrKeyRequired
	}
	if res, ok, err := s.replayOrder(ctx, userID, req); ok || err != nil {
		return res, err
	}
	now := s.clock.Now()
	payment := PaymentID(userID, req.Key)
	purpose := account.Purpose{Kind: account.ForOrder, OrderID: payment}
	if in.Withdrawal == uuid.Nil {
		line, err := s.planLine(ctx, userID, in.PremiereID, in.Hours, in.StartsAt, now)
		if err != nil {
			return OrderResult{}, err
		}
		purpose.Rentals = []account.RentalLine{line}
		return s.placeOrder(ctx, userID, account.Withdraw{UserID: userID, Payment: payment, Amount: line.Price, Purpose: purpose, Now: now}, req)
	}
	line, err := s.planRedeemedLine(ctx, userID, in, now)
	if err != nil {
		return OrderResult{}, err
	}
	purpose.Rentals = []account.RentalLine{line}
	return s.placeOrder(ctx, userID, account.Redeem{UserID: userID, Payment: payment, Withdrawal: in.Withdrawal, Purpose: purpose, Now: now}, req)
}

// planRedeemedLine plans the rental an earlier withdrawal paid for. Money taken buys
// what it was taken for: the line is priced by the withdrawal's locked terms and
// does not ask whether the premiere is still on sale (or at that price) — a premiere
// withdrawn from sale after the payment must still be rentable with it.
func (s *Service) planRedeemedLine(ctx context.Context, userID uuid.UUID, in RentInput, now time.Time) (account.RentalLine, error) {
	acct, err := s.loadAccount(ctx, userID)
	if err != nil {
		return account.RentalLine{}, err
	}
	w, ok := acct.Withdrawal(in.Withdrawal)
	if !ok {
		// Unknown, declined, already redeemed or not for a premiere: the account's
		// decision on the redeem names which (planned against the catalogue as a
		// plain rent would be, so bad input is still reported first).
		return s.planLine(ctx, userID, in.PremiereID, in.Hours, in.StartsAt, now)
	}
	if w.Purpose.PremiereID != in.PremiereID || w.Purpose.Hours != in.Hours {
		return account.RentalLine{}, account.ErrRedeemMismatch
	}
	line := account.RentalLine{PremiereID: in.PremiereID, Title: w.Purpose.Title, Terms: w.Purpose.Terms, Hours: in.Hours, Price: w.Amount}
	p, err := s.loadPremiere(ctx, in.PremiereID)
	if err != nil {
		return account.RentalLine{}, err
	}
	if p.Published {
		line.Title = p.Card.Title // the title as it reads now, on sale or not
	}
	return s.slotLine(ctx, userID, line, in.StartsAt, now)
}

// Checkout pays for the whole cart in one debit and creates every rental.
// expectedTotal is what the customer confirmed; a different current total is PriceChanged.
func (s *Service) Checkout(ctx context.Context, userID uuid.UUID, expectedTotal money.Kopecks, req Request) (OrderResult, error) {
	if req.Key == "" {
		return OrderResult{}, ErrKeyRequired
	}
	if res, ok, err := s.replayOrder(ctx, userID, req); ok || err != nil {
		return res, err
	}
	res, err := s.checkout(ctx, userID, expectedTotal, req)
	if paid := (*account.CartAlreadyPaid)(nil); errors.As(err, &paid) {
		// The answer names the order that paid: make sure it holds its rentals, should a
		// crash have interrupted it (recovery runs only at start).
		if ferr := s.finishOrder(ctx, userID, paid.OrderID); ferr != nil {
			return OrderResult{}, ferr
		}
	}
	return res, err
}

func (s *Service) checkout(ctx context.Context, userID uuid.UUID, expectedTotal money.Kopecks, req Request) (OrderResult, error) {
	plan, err := s.planCheckout(ctx, userID)
	if err != nil {
		return OrderResult{}, err
	}
	if plan.Total != expectedTotal {
		return OrderResult{}, &PriceChanged{Expected: expectedTotal, Quote: plan.Total}
	}
	payment := PaymentID(userID, req.Key)
	// The debit records the cart version it pays for: the account, which serialises the
	// customer's debits, refuses a second checkout of that content (CartAlreadyPaid).
	purpose := account.Purpose{Kind: account.ForOrder, OrderID: payment, Rentals: plan.Lines, ClearCart: true, CartVersion: plan.CartVersion}
	return s.placeOrder(ctx, userID, account.Withdraw{UserID: userID, Payment: payment, Amount: plan.Total, Purpose: purpose, Now: plan.At}, req)
}

// CheckoutPlan is the confirmation form of a cart: what each item costs now.
type CheckoutPlan struct {
	Lines       []account.RentalLine
	Total       money.Kopecks
	Balance     money.Kopecks
	At          time.Time
	CartVersion int // the cart content priced
}

// Shortfall is what the customer must top up before checking out.
func (p CheckoutPlan) Shortfall() money.Kopecks { return max(p.Total-p.Balance, 0) }

// ErrCartEmpty: a checkout of a cart with no items (and not paid for already).
var ErrCartEmpty = domain.Conflict("the cart is empty: add a premiere to it before checking out")

// planCheckout prices the cart as checkout would, without paying. A cart an order has
// already paid for (being completed, or checked out and unchanged since) is answered
// with that order; the account's decision on the debit is what makes a second payment
// impossible, this only makes the answer clear.
func (s *Service) planCheckout(ctx context.Context, userID uuid.UUID) (CheckoutPlan, error) {
	c, err := s.loadCart(ctx, userID)
	if err != nil {
		return CheckoutPlan{}, err
	}
	if len(c.Items) == 0 {
		if c.CheckedOutBy != uuid.Nil {
			return CheckoutPlan{}, &account.CartAlreadyPaid{OrderID: c.CheckedOutBy}
		}
		return CheckoutPlan{}, ErrCartEmpty
	}
	plan := CheckoutPlan{At: s.clock.Now(), CartVersion: c.Version}
	var itemErr error
	for _, it := range c.Items {
		line, err := s.planLine(ctx, userID, it.PremiereID, it.Hours, it.StartsAt, plan.At)
		if err != nil {
			itemErr = fmt.Errorf("cart item %s: %w", it.PremiereID, err)
			break
		}
		plan.Lines = append(plan.Lines, line)
		plan.Total += line.Price
	}
	// The account is read after the rentals: an order's debit precedes its rentals, so
	// an item taken by the order that paid for this very cart shows here as paid.
	acct, err := s.loadAccount(ctx, userID)
	if err != nil {
		return CheckoutPlan{}, err
	}
	if order, paid := acct.CartPaidBy(c.Version); paid {
		return CheckoutPlan{}, &account.CartAlreadyPaid{OrderID: order}
	}
	if itemErr != nil {
		return CheckoutPlan{}, itemErr
	}
	plan.Balance = acct.Balance
	return plan, nil
}

// placeOrder takes the money (the flow's first step, which records the whole order)
// and then completes the order.
func (s *Service) placeOrder(ctx context.Context, userID uuid.UUID, cmd account.Command, req Request) (OrderResult, error) {
	req.UserID = userID
	out, err := execute(ctx, s, account.Decider, account.Stream(userID), cmd, req)
	if err == nil {
		err = moved(out)
	}
	if err == nil {
		err = declineOf(out)
	}
	if err != nil {
		return OrderResult{}, err
	}
	if err := s.step("paid"); err != nil {
		return OrderResult{}, err
	}
	res, err := s.completeOrder(ctx, out.Events[0])
	if err != nil {
		return OrderResult{}, err
	}
	s.completed.done(res.OrderID)
	res.Replayed = out.Replayed
	return res, boughtNothing(res)
}

// boughtNothing: an order whose every rental was taken meanwhile by another request
// (a rent, or a checkout, of the same premieres) bought nothing, and its money is back.
// That is a conflict, never a success, and every retry of the order answers the same.
func boughtNothing(res OrderResult) error {
	if len(res.Rentals) == 0 {
		return nil
	}
	for _, l := range res.Rentals {
		if !l.Refunded {
			return nil
		}
	}
	return &AlreadyHolding{PremiereID: res.Rentals[0].PremiereID}
}

// replayOrder answers a retried rent or checkout with the original order, finishing
// it first if a crash interrupted it.
func (s *Service) replayOrder(ctx context.Context, userID uuid.UUID, req Request) (OrderResult, bool, error) {
	l, err := loadStream(ctx, s, account.Decider, account.Stream(userID), req)
	if err != nil || len(l.prior) == 0 {
		return OrderResult{}, false, err
	}
	out := l.replayed()
	if err := declineOf(out); err != nil {
		return OrderResult{}, true, err
	}
	res, err := s.completeOrder(ctx, out.Events[0])
	res.Replayed = true
	if err == nil {
		err = boughtNothing(res)
	}
	return res, true, err
}

// finishOrder completes a customer's order, found by its debit, if it is not complete yet.
// The debit is looked for in the whole account stream: this answers only a second
// checkout of a cart already paid for, which is rare.
func (s *Service) finishOrder(ctx context.Context, userID, order uuid.UUID) error {
	stream := account.Stream(userID)
	records, err := s.store.ReadStream(ctx, stream, 0)
	if err != nil {
		return fmt.Errorf("read %s: %w", stream, err)
	}
	for _, r := range records {
		if r.Type != (account.FundsWithdrawn{}).EventType() {
			continue
		}
		e, err := s.codec.Decode(r.Type, r.Data)
		if err != nil {
			return fmt.Errorf("%s@%d: %w", stream, r.Revision, err)
		}
		if w, ok := e.(account.FundsWithdrawn); ok && w.Payment == order {
			_, err := s.completeOrder(ctx, w)
			return err
		}
	}
	return nil
}

// completeOrder creates the rentals an order paid for and clears them from the cart.
// Every step is keyed by the order, so running it again changes nothing.
func (s *Service) completeOrder(ctx context.Context, start domain.Event) (OrderResult, error) {
	var userID, payment, withdrawn uuid.UUID
	var purpose account.Purpose
	var at time.Time
	switch e := start.(type) {
	case account.FundsWithdrawn:
		userID, payment, purpose, at = e.UserID, e.Payment, e.Purpose, e.At
	case account.PaymentRedeemed:
		userID, payment, purpose, at, withdrawn = e.UserID, e.Payment, e.Purpose, e.At, e.Withdrawal
	default:
		return OrderResult{}, fmt.Errorf("%T does not start an order: %w", start, ErrKeyReused)
	}
	res := OrderResult{OrderID: payment, Total: purpose.Total(), Withdrawn: withdrawn}
	for _, line := range purpose.Rentals {
		step := "rent/" + line.RentalID.String()
		out, err := execute(ctx, s, rental.Decider, rental.Stream(line.RentalID), rental.Command(rentCommand(userID, line, payment, at)), stepRequest(payment, step))
		refunded := errors.Is(err, rental.ErrAlreadyRented)
		if refunded {
			// The slot was taken between planning and paying: this order lost it.
			if err = s.compensate(ctx, userID, payment, step, line.Price); err != nil {
				return res, err
			}
		} else if err != nil {
			return res, err
		}
		res.Position = later(res.Position, out.Position)
		res.Rentals = append(res.Rentals, RentalLine{RentalLine: line, EndsAt: term.End(line.StartsAt, line.Hours), Refunded: refunded})
		if err := s.step("rented"); err != nil {
			return res, err
		}
	}
	if purpose.ClearCart {
		premieres := make([]uuid.UUID, len(purpose.Rentals))
		for i, l := range purpose.Rentals {
			premieres[i] = l.PremiereID
		}
		out, err := execute(ctx, s, cart.Decider, cart.Stream(userID), cart.Command(cart.CheckOut{UserID: userID, OrderID: payment, PremiereIDs: premieres, Now: at}), stepRequest(payment, "cart"))
		if err != nil {
			return res, err
		}
		res.Position = later(res.Position, out.Position)
		if err := s.step("cart cleared"); err != nil {
			return res, err
		}
	}
	acct, err := s.loadAccount(ctx, userID)
	res.Balance = acct.Balance
	return res, err
}

// planLine prices a rental of a premiere on sale and finds its slot: the customer's
// first rental of it that does not exist yet, provided every earlier one has ended.
func (s *Service) planLine(ctx context.Context, userID, premiereID uuid.UUID, hours int, startsAt, now time.Time) (account.RentalLine, error) {
	p, err := s.loadPremiere(ctx, premiereID)
	if err != nil {
		return account.RentalLine{}, err
	}
	price, err := p.Quote(hours)
	if err != nil {
		return account.RentalLine{}, err
	}
	return s.slotLine(ctx, userID, account.RentalLine{PremiereID: premiereID, Title: p.Card.Title, Terms: p.Terms, Hours: hours, Price: price}, startsAt, now)
}

// slotLine checks a priced line against the rental rules and finds its slot.
func (s *Service) slotLine(ctx context.Context, userID uuid.UUID, line account.RentalLine, startsAt, now time.Time) (account.RentalLine, error) {
	premiereID := line.PremiereID
	if startsAt.IsZero() {
		startsAt = now.Truncate(time.Second) // "now" as customers read it: whole seconds
	}
	line.StartsAt = startsAt.UTC()
	// Check the rental rules now, so bad input fails before any money moves.
	if _, err := rental.Decide(rentCommand(userID, line, uuid.Nil, now), rental.Initial()); err != nil {
		return account.RentalLine{}, err
	}
	for n := 0; ; n++ {
		id := rental.SlotID(userID, premiereID, n)
		r, err := s.loadRental(ctx, id)
		if err != nil {
			return account.RentalLine{}, err
		}
		if !r.Exists() {
			line.RentalID = id
			return line, nil
		}
		if !r.Ended(now) {
			return account.RentalLine{}, &AlreadyHolding{PremiereID: premiereID, RentalID: id}
		}
	}
}

func rentCommand(userID uuid.UUID, line account.RentalLine, payment uuid.UUID, now time.Time) rental.Rent {
	return rental.Rent{RentalID: line.RentalID, UserID: userID, PremiereID: line.PremiereID, Title: line.Title,
		Terms: line.Terms, StartsAt: line.StartsAt, Hours: line.Hours, Payment: payment, Now: now}
}

// compensate gives back money a flow took for a step that could not be done.
func (s *Service) compensate(ctx context.Context, userID, flow uuid.UUID, step string, amount money.Kopecks) error {
	refund := account.Refund{UserID: userID, Payment: stepPayment(flow, "compensate/"+step), Amount: amount,
		Purpose: account.Purpose{Kind: account.ForCompensation, Compensates: flow}, Now: s.clock.Now()}
	_, err := execute(ctx, s, account.Decider, account.Stream(userID), account.Command(refund), stepRequest(flow, "compensate/"+step))
	return err
}

// loadRental folds a rental's stream.
func (s *Service) loadRental(ctx context.Context, id uuid.UUID) (rental.State, error) {
	return load(ctx, s, rental.Decider, rental.Stream(id))
}

func later(a, b eventlog.Position) eventlog.Position {
	if a.Less(b) {
		return b
	}
	return a
}
