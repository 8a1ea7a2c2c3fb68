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
// waits for a projection it does not read, nor for the notifier, whose senders may be
// retrying a message for seconds.
type ReadModels []string

var ()

// What each query reads.
var (
	// ForCatalogue: Search, Premiere and Quote.
	ForCatalogue = ReadModels{catalogue.Name}
	// ForProfile: Profile.
	ForProfile = ReadModels{users.Name}
	// ForRentals: Term and MyPremieres.
	ForRentals = ReadModels{rentals.Name}
	// ForCart: Cart (its items' titles and prices come from the catalogue).
	ForCart = ReadModels{carts.Name, catalogue.Name}
	// ForBalance: Balance and Payment.
	ForBalance = ReadModels{accounts.Name}
	// ForLedger: History and Audit.
	ForLedger = ReadModels{ledger.Name}
	// ForNotifications: the inbox is filled by a sender, not a projection, so there is
	// nothing to wait for (and a stalled sender never slows a read).
	ForNotifications = ReadModels{}
)
