package queries

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/readmodel/users"
)

// The queries the HTTP API asks. Each is answered by the read model it reads, in that
// read model's queries.go, on its Reads port alone: this file only routes, and adding a
// read model that HTTP reads adds one method here. The read-your-writes wait before a
// query (Await, with the read models' QueriesRead) is the caller's.

// Search finds premieres on sale (catalogue).
func (q *Service) Search(ctx context.Context, s catalogue.SearchQuery) (catalogue.SearchPage, error) {
	return catalogue.Queries{Reads: q.store}.Search(ctx, s)
}

// Premiere is a premiere's card, on sale or not (catalogue).
func (q *Service) Premiere(ctx context.Context, id uuid.UUID) (catalogue.Card, error) {
	return catalogue.Queries{Reads: q.store}.Premiere(ctx, id)
}

// Quote prices a term of a premiere on sale (catalogue).
func (q *Service) Quote(ctx context.Context, id uuid.UUID, hours int) (catalogue.Quote, error) {
	return catalogue.Queries{Reads: q.store}.Quote(ctx, id, hours)
}

// Term is the customer's upcoming or active rental of a premiere (rentals).
func (q *Service) Term(ctx context.Context, user, premiereID uuid.UUID) (rentals.Term, error) {
	return rentals.Queries{Reads: q.store, Clock: q.clock}.Term(ctx, user, premiereID)
}

// Watch is the customer's rental, if it may be watched now (rentals).
func (q *Service) Watch(ctx context.Context, user, rentalID uuid.UUID) (rentals.Rental, error) {
	return rentals.Queries{Reads: q.store, Clock: q.clock}.Watch(ctx, user, rentalID)
}

// Rental is a rental by id, whoever holds it (rentals): a watch link names no customer.
func (q *Service) Rental(ctx context.Context, id uuid.UUID) (rentals.Rental, bool, error) {
	return q.store.Rental(ctx, id)
}

// MyPremieres lists the customer's rentals (rentals).
func (q *Service) MyPremieres(ctx context.Context, user uuid.UUID, show string) (rentals.MyPremieres, error) {
	return rentals.Queries{Reads: q.store, Clock: q.clock}.MyPremieres(ctx, user, show)
}

// Cart is the customer's cart priced now (carts, joined with the catalogue).
func (q *Service) Cart(ctx context.Context, user uuid.UUID) (carts.PricedCart, error) {
	return carts.Queries{Reads: q.store, Catalogue: q.store}.Cart(ctx, user)
}

// Balance is the customer's balance (accounts).
func (q *Service) Balance(ctx context.Context, user uuid.UUID) (accounts.Balance, error) {
	return accounts.Queries{Reads: q.store}.Balance(ctx, user)
}

// Payment is the status of one of the customer's payments (accounts).
func (q *Service) Payment(ctx context.Context, user, id uuid.UUID) (accounts.PaymentStatus, error) {
	return accounts.Queries{Reads: q.store}.Payment(ctx, user, id)
}

// History is the customer's own billing history (ledger).
func (q *Service) History(ctx context.Context, user uuid.UUID, f ledger.Filter) (ledger.History, error) {
	return ledger.Queries{Reads: q.store}.History(ctx, user, f)
}

// Audit is every account's billing history, for auditors (ledger).
func (q *Service) Audit(ctx context.Context, f ledger.Filter) (ledger.History, error) {
	return ledger.Queries{Reads: q.store}.Audit(ctx, f)
}

// EachAuditLine calls fn with every line f selects, page by page (ledger).
func (q *Service) EachAuditLine(ctx context.Context, f ledger.Filter, fn func(ledger.Line) error) error {
	return ledger.Queries{Reads: q.store}.EachAuditLine(ctx, f, fn)
}

// Profile is a user's profile (users).
func (q *Service) Profile(ctx context.Context, id uuid.UUID) (users.Profile, error) {
	return users.Queries{Reads: q.store}.Profile(ctx, id)
}

// TokenRevoked reports whether a signed token was revoked (users).
func (q *Service) TokenRevoked(ctx context.Context, tokenID string) (bool, error) {
	return users.Queries{Reads: q.store}.TokenRevoked(ctx, tokenID)
}
