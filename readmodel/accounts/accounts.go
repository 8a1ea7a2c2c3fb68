// Package accounts is the accounts read model: each customer's balance and the status
// of every payment (GET /billing/amount, /billing/status/:id).
package accounts

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
)

// Name is the projection's name and version, stored with its checkpoint and naming its
// tables in every store.
//
// WARNING: change the version (accounts_v1 → accounts_v2) whenever Project or the rows
// change what they hold: a new version is a fresh, empty projection rebuilt from
// position zero, never a migration of projected rows. This is the only place the name
// is written.
const Name = "accounts_v2" // v2: top-ups through a provider (pending, canceled, expired)

// Payment is one money movement of an account, for GET /billing/status/:id.
type Payment struct {
	ID         uuid.UUID
	UserID     uuid.UUID
	Kind       string // readmodel.KindTopUp, KindWithdrawal, KindRefund, KindRedemption
	Purpose    string // what it was for: account.PurposeKind, or "" for a top-up
	Amount     money.Kopecks
	Status     string // readmodel.PaymentSucceeded …
	Reason     string
	PremiereID uuid.UUID
	RentalID   uuid.UUID
	CreatedAt  time.Time
	// ConfirmationURL is where the customer pays a pending top-up; ExpiresAt is when it
	// expires unpaid. Both are zero for every other payment.
	ConfirmationURL string
	ExpiresAt       time.Time
}
