package commands

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
)

// Lookup reads the write model: an aggregate's state folded from its stream (through
// the Service's stream cache), always current. It serves the few readers that must not
// lag — sign-in, the token check, the checkout form, the notification policy, the
// email sender; everything else reads the read models through queries.
type Lookup struct{ s *Service }

// Lookup is the write model's reader over this Service's store and cache.
func (s *Service) Lookup() Lookup { return Lookup{s: s} }

// User loads a user by id; user.ErrNotFound if none.
func (l Lookup) User(ctx context.Context, id uuid.UUID) (user.State, error) {
	u, err := load(ctx, l.s, user.Decider, user.Stream(id))
	if err == nil && !u.Exists() {
		err = user.ErrNotFound
	}
	return u, err
}

// UserByEmail loads a registered user by email (for sign-in); user.ErrNotFound if none.
func (l Lookup) UserByEmail(ctx context.Context, email string) (user.State, error) {
	normalised, err := user.NormaliseEmail(email)
	if err != nil {
		return user.State{}, user.ErrNotFound
	}
	_, u, err := l.s.emailOwner(ctx, normalised)
	if err == nil && !u.Exists() {
		err = user.ErrNotFound
	}
	return u, err
}

// LoadAccount folds a customer's account.
func (l Lookup) LoadAccount(ctx context.Context, userID uuid.UUID) (account.State, error) {
	return l.s.loadAccount(ctx, userID)
}

// LoadCart folds a customer's cart.
func (l Lookup) LoadCart(ctx context.Context, userID uuid.UUID) (cart.State, error) {
	return l.s.loadCart(ctx, userID)
}

// LoadPremiere folds a premiere's stream.
func (l Lookup) LoadPremiere(ctx context.Context, id uuid.UUID) (premiere.State, error) {
	return l.s.loadPremiere(ctx, id)
}

// LoadRental folds a rental's stream.
func (l Lookup) LoadRental(ctx context.Context, id uuid.UUID) (rental.State, error) {
	return l.s.loadRental(ctx, id)
}

// PlanCheckout prices the cart as checkout would, without paying (the checkout form).
func (l Lookup) PlanCheckout(ctx context.Context, userID uuid.UUID) (CheckoutPlan, error) {
	return l.s.planCheckout(ctx, userID)
}

// StreamRevision is a stream's last revision, false if it has no events (a billing
// query waits for the billing history to reach the caller's account stream). An
// account stream is read through the stream cache: one short read of what was
// appended since; any other stream is read whole.
func (l Lookup) StreamRevision(ctx context.Context, stream string) (uint64, bool, error) {
	if !strings.HasPrefix(stream, "account-") {
		records, err := l.s.store.ReadStream(ctx, stream, 0)
		if err != nil || len(records) == 0 {
			return 0, false, err
		}
		return records[len(records)-1].Revision, true, nil
	}
	entry, _, err := current(ctx, l.s, account.Decider, stream) // cached, or from its snapshot
	if err != nil || entry.next == 0 {
		return 0, false, err
	}
	return entry.next - 1, true, nil
}
