package account

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
)

// Command is one of the commands below.
type Command interface{ isAccountCommand() }

// Fill tops up the balance.
type Fill struct {
	UserID  uuid.UUID
	Payment uuid.UUID
	Amount  money.Kopecks
	Now     time.Time
}

// Withdraw debits the balance; it never goes below zero.
type Withdraw struct {
	UserID  uuid.UUID
	Payment uuid.UUID
	Amount  money.Kopecks
	Purpose Purpose
	Now     time.Time
}

// Refund credits money back for a purpose.
type Refund struct {
	UserID  uuid.UUID
	Payment uuid.UUID
	Amount  money.Kopecks
	Purpose Purpose
	Now     time.Time
}

// Redeem uses an earlier, unused premiere withdrawal to pay for an order of one
// rental of the same premiere and term, at the terms and price it was withdrawn for.
type Redeem struct {
	UserID     uuid.UUID
	Payment    uuid.UUID // this redemption
	Withdrawal uuid.UUID // the earlier withdrawal being used
	Purpose    Purpose   // ForOrder with one rental line
	Now        time.Time
}

func (Fill) isAccountCommand()     {}
func (Withdraw) isAccountCommand() {}
func (Refund) isAccountCommand()   {}
func (Redeem) isAccountCommand()   {}
