package httpapi

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/usecase"
)

// Queries is what the API reads (queries.Service): the read models' query handlers,
// and the read-your-writes bookkeeping (Wrote, Await).
type Queries interface {
	Search(ctx context.Context, s catalogue.SearchQuery) (queries.SearchPage, error)
	Premiere(ctx context.Context, id uuid.UUID) (queries.Card, error)
	Quote(ctx context.Context, id uuid.UUID, hours int) (queries.Quote, error)
	Term(ctx context.Context, user, premiereID uuid.UUID) (queries.Term, error)
	MyPremieres(ctx context.Context, user uuid.UUID, show string) (queries.MyPremieres, error)
	Watch(ctx context.Context, user, rentalID uuid.UUID) (rentals.Rental, error)
	Rental(ctx context.Context, id uuid.UUID) (rentals.Rental, bool, error)
	Cart(ctx context.Context, user uuid.UUID) (queries.Cart, error)
	Balance(ctx context.Context, user uuid.UUID) (queries.Balance, error)
	Payment(ctx context.Context, user, id uuid.UUID) (queries.PaymentStatus, error)
	History(ctx context.Context, user uuid.UUID, f queries.LedgerFilter) (queries.History, error)
	Audit(ctx context.Context, f queries.LedgerFilter) (queries.History, error)
	EachAuditLine(ctx context.Context, f queries.LedgerFilter, fn func(queries.LedgerLine) error) error
	Profile(ctx context.Context, id uuid.UUID) (queries.Profile, error)
	Notifications(ctx context.Context, user uuid.UUID, limit int) (queries.Notifications, error)
	TokenRevoked(ctx context.Context, tokenID string) (bool, error)

	Wrote(user uuid.UUID, pos eventlog.Position)
	Await(ctx context.Context, user uuid.UUID, atLeast eventlog.Position, reads queries.ReadModels) error
}

// observedQueries passes every query through the use-case hooks, under the query's
// name, as commands.Handlers does for commands. Wrote and Await are bookkeeping of
// the API's consistency, not queries: they pass straight through.
//
// WARNING: the names are metric labels and log fields, like the commands'.
type observedQueries struct {
	Queries
	hooks usecase.Hooks
}

// observeQueries decorates q; with no hooks it is q itself.
func observeQueries(q Queries, hooks usecase.Hooks) Queries {
	if hooks.Empty() {
		return q
	}
	return observedQueries{Queries: q, hooks: hooks}
}

func ask[Out any](ctx context.Context, o observedQueries, name string, f func(context.Context) (Out, error)) (Out, error) {
	return usecase.Observe(ctx, o.hooks, name, usecase.Query, f)
}

func (o observedQueries) Search(ctx context.Context, s catalogue.SearchQuery) (queries.SearchPage, error) {
	return ask(ctx, o, "search", func(ctx context.Context) (queries.SearchPage, error) { return o.Queries.Search(ctx, s) })
}

func (o observedQueries) Premiere(ctx context.Context, id uuid.UUID) (queries.Card, error) {
	return ask(ctx, o, "premiere", func(ctx context.Context) (queries.Card, error) { return o.Queries.Premiere(ctx, id) })
}

func (o observedQueries) Quote(ctx context.Context, id uuid.UUID, hours int) (queries.Quote, error) {
	return ask(ctx, o, "quote", func(ctx context.Context) (queries.Quote, error) { return o.Queries.Quote(ctx, id, hours) })
}

func (o observedQueries) Term(ctx context.Context, user, premiereID uuid.UUID) (queries.Term, error) {
	return ask(ctx, o, "term", func(ctx context.Context) (queries.Term, error) { return o.Queries.Term(ctx, user, premiereID) })
}

func (o observedQueries) MyPremieres(ctx context.Context, user uuid.UUID, show string) (queries.MyPremieres, error) {
	return ask(ctx, o, "my_premieres", func(ctx context.Context) (queries.MyPremieres, error) { return o.Queries.MyPremieres(ctx, user, show) })
}

func (o observedQueries) Watch(ctx context.Context, user, rentalID uuid.UUID) (rentals.Rental, error) {
	return ask(ctx, o, "watch", func(ctx context.Context) (rentals.Rental, error) { return o.Queries.Watch(ctx, user, rentalID) })
}

// rentalSeen is a rental read by id, and whether it exists.
type rentalSeen struct {
	rental rentals.Rental
	found  bool
}

func (o observedQueries) Rental(ctx context.Context, id uuid.UUID) (rentals.Rental, bool, error) {
	seen, err := ask(ctx, o, "watch_link", func(ctx context.Context) (rentalSeen, error) {
		r, found, err := o.Queries.Rental(ctx, id)
		return rentalSeen{r, found}, err
	})
	return seen.rental, seen.found, err
}

func (o observedQueries) Cart(ctx context.Context, user uuid.UUID) (queries.Cart, error) {
	return ask(ctx, o, "cart", func(ctx context.Context) (queries.Cart, error) { return o.Queries.Cart(ctx, user) })
}

func (o observedQueries) Balance(ctx context.Context, user uuid.UUID) (queries.Balance, error) {
	return ask(ctx, o, "balance", func(ctx context.Context) (queries.Balance, error) { return o.Queries.Balance(ctx, user) })
}

func (o observedQueries) Payment(ctx context.Context, user, id uuid.UUID) (queries.PaymentStatus, error) {
	return ask(ctx, o, "payment_status", func(ctx context.Context) (queries.PaymentStatus, error) { return o.Queries.Payment(ctx, user, id) })
}

func (o observedQueries) History(ctx context.Context, user uuid.UUID, f queries.LedgerFilter) (queries.History, error) {
	return ask(ctx, o, "billing_history", func(ctx context.Context) (queries.History, error) { return o.Queries.History(ctx, user, f) })
}

func (o observedQueries) Audit(ctx context.Context, f queries.LedgerFilter) (queries.History, error) {
	return ask(ctx, o, "audit", func(ctx context.Context) (queries.History, error) { return o.Queries.Audit(ctx, f) })
}

func (o observedQueries) EachAuditLine(ctx context.Context, f queries.LedgerFilter, fn func(queries.LedgerLine) error) error {
	_, err := ask(ctx, o, "audit_export", func(ctx context.Context) (struct{}, error) {
		return struct{}{}, o.Queries.EachAuditLine(ctx, f, fn)
	})
	return err
}

func (o observedQueries) Profile(ctx context.Context, id uuid.UUID) (queries.Profile, error) {
	return ask(ctx, o, "profile", func(ctx context.Context) (queries.Profile, error) { return o.Queries.Profile(ctx, id) })
}

func (o observedQueries) Notifications(ctx context.Context, user uuid.UUID, limit int) (queries.Notifications, error) {
	return ask(ctx, o, "notifications", func(ctx context.Context) (queries.Notifications, error) {
		return o.Queries.Notifications(ctx, user, limit)
	})
}

func (o observedQueries) TokenRevoked(ctx context.Context, tokenID string) (bool, error) {
	return ask(ctx, o, "token_revoked", func(ctx context.Context) (bool, error) { return o.Queries.TokenRevoked(ctx, tokenID) })
}
