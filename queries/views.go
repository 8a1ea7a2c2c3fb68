package queries

import (
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/readmodel/users"
)

// The views the HTTP API returns are the read models' own, each declared with its
// queries (and the JSON names DESIGN.md §2 promises clients). The names below are the
// ones the HTTP layer already used for them, kept as aliases (the very same types); a
// new read model needs none.
type (
	Card          = catalogue.Card
	SearchPage    = catalogue.SearchPage
	Quote         = catalogue.Quote
	Term          = rentals.Term
	MyPremieres   = rentals.MyPremieres
	Cart          = carts.PricedCart
	Balance       = accounts.Balance
	PaymentStatus = accounts.PaymentStatus
	LedgerFilter  = ledger.Filter
	LedgerLine    = ledger.Line
	History       = ledger.History
	Profile       = users.Profile
)

// What the HTTP layer names besides the views.
const (
	ShowCurrent     = rentals.ShowCurrent
	ShowAll         = rentals.ShowAll
	MaxHistoryLimit = ledger.MaxHistoryLimit
)

// CardOf shows a premiere as a card.
func CardOf(p catalogue.Premiere) Card { return catalogue.CardOf(p) }
