// Package audit re-derives what the read models say about money from the event log,
// the ledger of record, and reports every difference: each account's balance folded
// with the domain's own Evolve, the balance_after each money event recorded, every
// payment's state, and each account's billing history.
package audit
