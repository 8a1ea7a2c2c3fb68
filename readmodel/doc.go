// Package readmodel holds what the read models share: the billing vocabulary (payment
// kinds and statuses), what a payment's purpose is about, how views show optional times
// and ids, the inbox's notifications and the dead letters (neither of them a
// projection). Each read model lives in its own package below (readmodel/catalogue,
// accounts, ledger, carts, rentals, users): its Name, rows, ports (Writes for its
// projector, Reads for queries), projector and specs, and its queries (queries.go: what
// readers ask of it, validated, paged and shaped for the API, on its Reads port, with
// QueriesRead naming the read models they read).
//
// Adding a read model is one such folder plus one file per read store adapter
// (infra/readstore/readsqlite/<name>.go, infra/readstore/readpostgres/<name>.go), listed in
// readmodel/all (its projector, its Reads port); if HTTP reads it, one method on the
// queries.Service facade routes to its queries.
package readmodel
