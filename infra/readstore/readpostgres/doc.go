// Package readpostgres is the production read store: every projection's rows in PostgreSQL,
// through pgx, behind the same ports as the embedded SQLite store (projections.Rebuildable,
// queries.ReadStore, queries.Inbox) and passing the same contract suite.
//
// # Layout
//
// Under a base schema (DefaultSchema, "chance", or WithSchema):
//
//	<base>.schema_migrations        migrations applied (migrate.go)
//	<base>.generations              the manifest: which generation of each projection serves
//	<base>.checkpoints              one checkpoint per generation
//	<base>.notifications            the in-app inbox (not a projection: no generations)
//	<base>_catalogue_v1_g3.*        the tables of one generation of one projection
//	<base>_accounts_v2_g1.* …
//
// The shared tables change through numbered migrations embedded in the binary. A
// projection's tables are created from its layout (declared in the read model's file:
// catalogue.go, carts.go …) when a generation is created and are never migrated: a
// projection whose rows change shape gets a new version of its name and is rebuilt.
//
// # Generations
//
// Each projection is served by one generation (the lifecycle is shared with the SQLite
// store: infra/readstore/generations). A rebuild (Shadow) creates the next one
// in its own schema, the runner fills it, and Promote switches the manifest row in one
// transaction, then drops the old schema once this process's reads on it have finished.
// Queries find the serving generation through an in-memory pointer, loaded at Open and
// swapped by Promote, so they never wait for a rebuild and never read a half-built one.
//
// # Several processes
//
// Processes may share a base schema (an API role beside a projector role). Migrations and
// the creation of first generations run under an advisory lock. A build holds its
// projection's build lock for its whole life, so only one process rebuilds a projection
// at a time and a crashed build is recognised (its schema is dropped by the next Open or
// Shadow). A process whose pointer is stale after another's promote finds out on its next
// read (the old tables are gone: it reloads the manifest and reads again) or Update (which
// locks the manifest row and fails with ErrGenerationChanged, writing nothing).
//
// # Writes
//
// An Update buffers its writes in memory and sends them at commit as one pgx.Batch: one
// INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE per table, and the checkpoint, all
// in one implicit transaction and one round trip, however many events the batch holds.
//
// # Search
//
// See Search and the catalogue layout (catalogue.go): a russian tsvector (title A, actors B,
// description C) with a GIN index, a word's stem matched as a prefix; a trigram index on
// the stems of titles and actors for typos; substrings for words too short to index.
package readpostgres
