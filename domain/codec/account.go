package codec

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
)

// Stored payloads of accounts: the ledger of record, so the most precious of all.

type accountFundsAddedV1 struct {
	UserID       uuid.UUID `json:"user_id"`
	Payment      uuid.UUID `json:"payment_id"`
	Amount       int64     `json:"amount"`
	BalanceAfter int64     `json:"balance_after"`
	At           time.Time `json:"at"`
}

type accountFundsWithdrawnV1 struct {
	UserID       uuid.UUID `json:"user_id"`
	Payment      uuid.UUID `json:"payment_id"`
	Amount       int64     `json:"amount"`
	BalanceAfter int64     `json:"balance_after"`
	Purpose      purposeV1 `json:"purpose"`
	At           time.Time `json:"at"`
}

type accountFundsRefundedV1 struct {
	UserID       uuid.UUID `json:"user_id"`
	Payment      uuid.UUID `json:"payment_id"`
	Amount       int64     `json:"amount"`
	BalanceAfter int64     `json:"balance_after"`
	Purpose      purposeV1 `json:"purpose"`
	At           time.Time `json:"at"`
}

type accountPaymentRedeemedV1 struct {
	UserID     uuid.UUID `json:"user_id"`
	Payment    uuid.UUID `json:"payment_id"`
	Withdrawal uuid.UUID `json:"withdrawal_id"`
	Amount     int64     `json:"amount"`
	Purpose    purposeV1 `json:"purpose"`
	At         time.Time `json:"at"`
}

type accountPaymentDeclinedV1 struct {
	UserID  uuid.UUID `json:"user_id"`
	Payment uuid.UUID `json:"payment_id"`
	Amount  int64     `json:"amount"`
	Balance int64     `json:"balance"`
	Reason  string    `json:"reason"`
	Purpose purposeV1 `json:"purpose"`
	At      time.Time `json:"at"`
}

type accountTopUpRequestedV1 struct {
	UserID          uuid.UUID `json:"user_id"`
	Payment         uuid.UUID `json:"payment_id"`
	Amount          int64     `json:"amount"`
	Provider        string    `json:"provider"`
	ProviderPayment string    `json:"provider_payment_id"`
	ConfirmationURL string    `json:"confirmation_url"`
	ExpiresAt       time.Time `json:"expires_at"`
	At              time.Time `json:"at"`
}

type accountTopUpCanceledV1 struct {
	UserID  uuid.UUID `json:"user_id"`
	Payment uuid.UUID `json:"payment_id"`
	Amount  int64     `json:"amount"`
	Reason  string    `json:"reason"` // declined, expired
	At      time.Time `json:"at"`
}

// purposeV1 is what a payment was for, inside a stored event. Only the fields of its
// kind are set; the others are left out.
type purposeV1 struct {
	Kind        string         `json:"kind"`                   // premiere, order, term_change, cancellation, compensation
	PremiereID  uuid.UUID      `json:"premiere_id,omitzero"`   // premiere
	Title       string         `json:"title,omitempty"`        // premiere
	Terms       termsV1        `json:"terms,omitzero"`         // premiere
	Hours       int            `json:"hours,omitempty"`        // premiere, term_change, and refunds
	OrderID     uuid.UUID      `json:"order_id,omitzero"`      // order
	Rentals     []rentalLineV1 `json:"rentals,omitempty"`      // order
	ClearCart   bool           `json:"clear_cart,omitempty"`   // order from the cart
	CartVersion int            `json:"cart_version,omitempty"` // order from the cart; absent in debits written before cart versions
	RentalID    uuid.UUID      `json:"rental_id,omitzero"`     // term_change, cancellation
	TermVersion int            `json:"term_version,omitempty"` // term_change
	Compensates uuid.UUID      `json:"compensates,omitzero"`   // compensation
}

// rentalLineV1 is one rental an order paid for, inside a stored event.
type rentalLineV1 struct {
	RentalID   uuid.UUID `json:"rental_id"`
	PremiereID uuid.UUID `json:"premiere_id"`
	Title      string    `json:"title"`
	Terms      termsV1   `json:"terms"`
	StartsAt   time.Time `json:"starts_at"`
	Hours      int       `json:"hours"`
	Price      int64     `json:"price"`
}

func storedPurpose(p account.Purpose) purposeV1 {
	return purposeV1{Kind: string(p.Kind), PremiereID: p.PremiereID, Title: p.Title, Terms: storedTerms(p.Terms), Hours: p.Hours,
		OrderID: p.OrderID, Rentals: mapSlice(p.Rentals, storedRentalLine), ClearCart: p.ClearCart, CartVersion: p.CartVersion,
		RentalID: p.RentalID, TermVersion: p.TermVersion, Compensates: p.Compensates}
}

func (p purposeV1) purpose() account.Purpose {
	return account.Purpose{Kind: account.PurposeKind(p.Kind), PremiereID: p.PremiereID, Title: p.Title, Terms: p.Terms.terms(), Hours: p.Hours,
		OrderID: p.OrderID, Rentals: mapSlice(nilIfEmpty(p.Rentals), rentalLineV1.line), ClearCart: p.ClearCart, CartVersion: p.CartVersion,
		RentalID: p.RentalID, TermVersion: p.TermVersion, Compensates: p.Compensates}
}

// nilIfEmpty reads an empty list as none: the encoder leaves both out ("rentals" is
// omitempty), so a payload holding [] (never written, but readable) decodes as the
// event it encodes back to.
func nilIfEmpty[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

func storedRentalLine(l account.RentalLine) rentalLineV1 {
	return rentalLineV1{RentalID: l.RentalID, PremiereID: l.PremiereID, Title: l.Title, Terms: storedTerms(l.Terms),
		StartsAt: l.StartsAt, Hours: l.Hours, Price: int64(l.Price)}
}

func (p rentalLineV1) line() account.RentalLine {
	return account.RentalLine{RentalID: p.RentalID, PremiereID: p.PremiereID, Title: p.Title, Terms: p.Terms.terms(),
		StartsAt: p.StartsAt, Hours: p.Hours, Price: money.Kopecks(p.Price)}
}

func accountSchemas() []Schema {
	return []Schema{
		Stored(func(e account.FundsAdded) accountFundsAddedV1 {
			return accountFundsAddedV1{UserID: e.UserID, Payment: e.Payment, Amount: int64(e.Amount), BalanceAfter: int64(e.BalanceAfter), At: e.At}
		}, func(p accountFundsAddedV1) account.FundsAdded {
			return account.FundsAdded{UserID: p.UserID, Payment: p.Payment, Amount: money.Kopecks(p.Amount), BalanceAfter: money.Kopecks(p.BalanceAfter), At: p.At}
		}),
		Stored(func(e account.FundsWithdrawn) accountFundsWithdrawnV1 {
			return accountFundsWithdrawnV1{UserID: e.UserID, Payment: e.Payment, Amount: int64(e.Amount), BalanceAfter: int64(e.BalanceAfter),
				Purpose: storedPurpose(e.Purpose), At: e.At}
		}, func(p accountFundsWithdrawnV1) account.FundsWithdrawn {
			return account.FundsWithdrawn{UserID: p.UserID, Payment: p.Payment, Amount: money.Kopecks(p.Amount), BalanceAfter: money.Kopecks(p.BalanceAfter),
				Purpose: p.Purpose.purpose(), At: p.At}
		}),
		Stored(func(e account.FundsRefunded) accountFundsRefundedV1 {
			return accountFundsRefundedV1{UserID: e.UserID, Payment: e.Payment, Amount: int64(e.Amount), BalanceAfter: int64(e.BalanceAfter),
				Purpose: storedPurpose(e.Purpose), At: e.At}
		}, func(p accountFundsRefundedV1) account.FundsRefunded {
			return account.FundsRefunded{UserID: p.UserID, Payment: p.Payment, Amount: money.Kopecks(p.Amount), BalanceAfter: money.Kopecks(p.BalanceAfter),
				Purpose: p.Purpose.purpose(), At: p.At}
		}),
		Stored(func(e account.PaymentRedeemed) accountPaymentRedeemedV1 {
			return accountPaymentRedeemedV1{UserID: e.UserID, Payment: e.Payment, Withdrawal: e.Withdrawal, Amount: int64(e.Amount),
				Purpose: storedPurpose(e.Purpose), At: e.At}
		}, func(p accountPaymentRedeemedV1) account.PaymentRedeemed {
			return account.PaymentRedeemed{UserID: p.UserID, Payment: p.Payment, Withdrawal: p.Withdrawal, Amount: money.Kopecks(p.Amount),
				Purpose: p.Purpose.purpose(), At: p.At}
		}),
		Stored(func(e account.PaymentDeclined) accountPaymentDeclinedV1 {
			return accountPaymentDeclinedV1{UserID: e.UserID, Payment: e.Payment, Amount: int64(e.Amount), Balance: int64(e.Balance),
				Reason: string(e.Reason), Purpose: storedPurpose(e.Purpose), At: e.At}
		}, func(p accountPaymentDeclinedV1) account.PaymentDeclined {
			return account.PaymentDeclined{UserID: p.UserID, Payment: p.Payment, Amount: money.Kopecks(p.Amount), Balance: money.Kopecks(p.Balance),
				Reason: account.DeclineReason(p.Reason), Purpose: p.Purpose.purpose(), At: p.At}
		}),
		Stored(func(e account.TopUpRequested) accountTopUpRequestedV1 {
			return accountTopUpRequestedV1{UserID: e.UserID, Payment: e.Payment, Amount: int64(e.Amount), Provider: e.Provider,
				ProviderPayment: e.ProviderPayment, ConfirmationURL: e.ConfirmationURL, ExpiresAt: e.ExpiresAt, At: e.At}
		}, func(p accountTopUpRequestedV1) account.TopUpRequested {
			return account.TopUpRequested{UserID: p.UserID, Payment: p.Payment, Amount: money.Kopecks(p.Amount), Provider: p.Provider,
				ProviderPayment: p.ProviderPayment, ConfirmationURL: p.ConfirmationURL, ExpiresAt: p.ExpiresAt, At: p.At}
		}),
		Stored(func(e account.TopUpCanceled) accountTopUpCanceledV1 {
			return accountTopUpCanceledV1{UserID: e.UserID, Payment: e.Payment, Amount: int64(e.Amount), Reason: string(e.Reason), At: e.At}
		}, func(p accountTopUpCanceledV1) account.TopUpCanceled {
			return account.TopUpCanceled{UserID: p.UserID, Payment: p.Payment, Amount: money.Kopecks(p.Amount), Reason: account.CancelReason(p.Reason), At: p.At}
		}),
	}
}
