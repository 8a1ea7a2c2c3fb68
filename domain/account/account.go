// Package account decides top-ups, debits and refunds of a customer's balance.
// Stream: "account-<user id>". The stream is the ledger of record: every balance is
// re-derivable from it, and each money event carries the balance after it.
//
// Payment ids derive from the request's idempotency key, so a payment id the account
// has already processed means a retry, and the retry decides nothing new.
package account

import "github.com/google/uuid"

// Stream names a customer's account stream.
func Stream(user uuid.UUID) string { return "account-" + user.String() }
