package rental

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
)

// Command is one of the commands below.
type Command interface{ isRentalCommand() }

// Rent starts a rental, locking the premiere's pricing terms.
type Rent struct {
	RentalID   uuid.UUID
	UserID     uuid.UUID
	PremiereID uuid.UUID
	Title      string
	Terms      pricing.Terms
	StartsAt   time.Time
	Hours      int
	Payment    uuid.UUID // the payment that pays for it
	Now        time.Time
}

// ChangeTerm extends or shortens the term; the difference is charged or refunded.
type ChangeTerm struct {
	Hours       int
	Payment     uuid.UUID // the charge or refund of the difference
	TermVersion int       // the version the change was priced on; 0 means "current"
	Now         time.Time
}

// Cancel ends the rental with a refund per the cancellation rule.
type Cancel struct {
	Payment uuid.UUID // the refund
	Now     time.Time
}

// Remind records that the reminder of a term version is due.
type Remind struct {
	TermVersion int
	Now         time.Time
}

// Expire records that the term has ended.
type Expire struct {
	Now time.Time
}

func (Rent) isRentalCommand()       {}
func (ChangeTerm) isRentalCommand() {}
func (Cancel) isRentalCommand()     {}
func (Remind) isRentalCommand()     {}
func (Expire) isRentalCommand()     {}
