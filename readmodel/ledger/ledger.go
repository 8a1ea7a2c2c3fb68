// Package ledger is the billing history read model: one line per money event of every
// account, in log order, for customers (GET /billing/history) and auditors.
package ledger

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
)

// Name is the projection's name and version, stored with its checkpoint and naming its
// tables in every store.
//
// v2 records how far each account stream has been applied (read-your-writes when the
// history is fed from the bus).
//
// WARNING: change the version (ledger_v2 → ledger_v3) whenever Project or the rows
// change what they hold: a new version is a fresh, empty projection rebuilt from
// position zero, never a migration of projected rows. This is the only place the name
// is written.
const Name = "ledger_v2"

// Entry is one line of the billing history: every money event of every account.
type Entry struct {
	Position     uint64 // the event's log position: the history's order
	EventID      uuid.UUID
	UserID       uuid.UUID
	Kind         string // readmodel.KindTopUp … or readmodel.KindDebitDeclined
	Purpose      string
	Amount       money.Kopecks // positive for credits, negative for debits (and declined debits, which moved nothing)
	BalanceAfter money.Kopecks
	PaymentID    uuid.UUID
	RentalID     uuid.UUID
	OccurredAt   time.Time
}

// Query selects billing history. Zero values mean "no filter".
type Query struct {
	UserID uuid.UUID
	From   time.Time // inclusive
	To     time.Time // exclusive
	After  uint64    // position to page after
	Limit  int
}
