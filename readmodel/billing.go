package readmodel

// The billing vocabulary the accounts and ledger read models (and the audit) share.

// Payment statuses.
const (
	PaymentSucceeded = "succeeded"
	PaymentRejected  = "rejected"
	PaymentPending   = "pending"
	// PaymentCanceled and PaymentExpired: a top-up through a provider that ended unpaid
	// (declined, or nobody paid in time). Only a succeeded top-up moved money.
	PaymentCanceled = "canceled"
	PaymentExpired  = "expired"
)

// Payment kinds.
const (
	KindTopUp      = "top_up"
	KindWithdrawal = "withdrawal"
	KindRefund     = "refund"
	KindRedemption = "redemption"
	// KindDebitDeclined is a billing-history line of a debit the account declined: its
	// amount is the debit asked for (negative, as a debit's), it moved nothing, and its
	// balance_after is the balance it left unchanged. Never a payment's Kind: a declined
	// payment is a KindWithdrawal with status PaymentRejected.
	KindDebitDeclined = "debit_declined"
)
