package queries

import (
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/readmodel/users"
)

// ReadModels names the read models a query answers from (by their projections'
// names): its read-your-writes wait covers these and nothing else, so a query never
// waits for a projection it does not read, nor for the forwarder, whose consumers may be
// retrying a message for seconds. Each read model declares what its queries read
// (QueriesRead, beside them); a []string converts to ReadModels, so Await takes those
// declarations as they are.
type ReadModels []string

// What each query reads, by the names the HTTP layer routes with.
var (
	// ForCatalogue: Search, Premiere and Quote.
	ForCatalogue = ReadModels(catalogue.QueriesRead)
	// ForProfile: Profile.
	ForProfile = ReadModels(users.QueriesRead)
	// ForRentals: Term and MyPremieres.
	ForRentals = ReadModels(rentals.QueriesRead)
	// ForCart: Cart (the carts, and the catalogue for its items' titles and prices).
	ForCart = ReadModels(carts.QueriesRead)
	// ForBalance: Balance and Payment.
	ForBalance = ReadModels(accounts.QueriesRead)
	// ForLedger: History and Audit.
	ForLedger = ReadModels(ledger.QueriesRead)
	// ForNotifications: the inbox is filled by a sender, not a projection, so there is
	// nothing to wait for (and a stalled sender never slows a read).
	ForNotifications = ReadModels{}
)
