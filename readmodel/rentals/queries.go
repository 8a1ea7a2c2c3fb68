package rentals

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
)

// QueriesRead names the read models these queries read: a read-your-writes wait
// before them covers these and nothing else.
var QueriesRead = []string{Name}

// Clock tells the time: what a term has left depends on it.
type Clock interface {
	Now() time.Time
}

// Queries answers what customers ask of their rentals, on the Reads port, at the
// Clock's now.
type Queries struct {
	Reads Reads
	Clock Clock
}

// Term is one rental as "my premieres" shows it.
type Term struct {
	RentalID         uuid.UUID     `json:"rental_id"`
	PremiereID       uuid.UUID     `json:"premiere_id"`
	Title            string        `json:"title"`
	StartsAt         time.Time     `json:"starts_at"`
	ExpiresAt        time.Time     `json:"expires_at"`
	Period           int           `json:"period"`
	RemainingSeconds int64         `json:"remaining_seconds"`
	Status           string        `json:"status"`
	Paid             money.Kopecks `json:"paid"`
	Currency         string        `json:"currency"`
}

func termOf(r Rental, now time.Time) Term {
	return Term{
		RentalID: r.ID, PremiereID: r.PremiereID, Title: r.Title, StartsAt: r.StartsAt.UTC(), ExpiresAt: r.EndsAt().UTC(),
		Period: r.Hours, RemainingSeconds: r.RemainingSeconds(now), Status: r.Status(now), Paid: r.Paid, Currency: money.Currency,
	}
}

// holds reports whether a rental still holds its premiere at now.
func holds(r Rental, now time.Time) bool {
	s := r.Status(now)
	return s == StatusUpcoming || s == StatusActive
}

// Term is the customer's upcoming or active rental of a premiere.
func (q Queries) Term(ctx context.Context, user, premiereID uuid.UUID) (Term, error) {
	held, err := q.Reads.Rentals(ctx, user)
	if err != nil {
		return Term{}, fmt.Errorf("rentals of %s: %w", user, err)
	}
	now := q.Clock.Now()
	for _, r := range held {
		if r.PremiereID == premiereID && holds(r, now) {
			return termOf(r, now), nil
		}
	}
	return Term{}, ErrNoCurrentRental
}

// ErrNoCurrentRental: the customer holds no upcoming or active rental of the premiere.
var ErrNoCurrentRental = domain.NotFound("you hold no upcoming or active rental of this premiere")

// Filters of "my premieres".
const (
	// ShowCurrent: upcoming and active rentals (the default).
	ShowCurrent = "current"
	// ShowAll adds ended and cancelled ones.
	ShowAll = "all"
)

// MyPremieres is the customer's "my premieres".
type MyPremieres struct {
	Items []Term `json:"items"`
}

// MyPremieres lists the customer's rentals, the latest start first: upcoming and
// active ones, or every one with show = ShowAll. An empty show means ShowCurrent.
func (q Queries) MyPremieres(ctx context.Context, user uuid.UUID, show string) (MyPremieres, error) {
	switch show {
	case "", ShowCurrent, ShowAll:
	default:
		return MyPremieres{}, domain.Invalid(fmt.Sprintf("status must be %s or %s, got %q", ShowCurrent, ShowAll, strings.TrimSpace(show)))
	}
	held, err := q.Reads.Rentals(ctx, user)
	if err != nil {
		return MyPremieres{}, fmt.Errorf("rentals of %s: %w", user, err)
	}
	now := q.Clock.Now()
	out := MyPremieres{Items: []Term{}}
	for _, r := range held {
		if show == ShowAll || holds(r, now) {
			out.Items = append(out.Items, termOf(r, now))
		}
	}
	return out, nil
}
