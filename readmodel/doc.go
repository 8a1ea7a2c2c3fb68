// Package readmodel holds what the read models share: the billing vocabulary (payment
// kinds and statuses), what a payment's purpose is about, the inbox's notifications and
// the dead letters (neither of them a projection). Each read model lives in its own
// package below (readmodel/catalogue, accounts, ledger, carts, rentals, users): its
// Name, rows, ports (Writes for its projector, Reads for queries), projector and specs.
// Adding a read model is one such folder plus one file per read store adapter
// (infra/readstore/readsqlite/<name>.go, infra/readstore/readpostgres/<name>.go), listed in
// readmodel/all.
package readmodel
