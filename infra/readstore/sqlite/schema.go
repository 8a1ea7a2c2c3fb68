package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Projection names. A name carries its version: a projection whose rows change shape
// gets a new name and is rebuilt from the log, never migrated in place.
const (
	Catalogue = "catalogue_v1"
	Accounts  = "accounts_v1"
	Ledger    = "ledger_v1"
	Carts     = "carts_v1"
	Rentals   = "rentals_v1"
	Users     = "users_v1"
)

// layoutVersion is PRAGMA user_version of every file this package creates. It changes only
// when this adapter lays out the same rows differently (an index, a column type); a file of
// another layout is refused, and deleting the data folder's read-model files rebuilds them.
const layoutVersion = 1

// createCheckpoint is in every projection file, so the checkpoint commits with the rows.
const createCheckpoint = `CREATE TABLE checkpoint (
	only        INTEGER PRIMARY KEY CHECK (only = 1),
	commit_pos  INTEGER NOT NULL,
	prepare_pos INTEGER NOT NULL
)`

// schemas holds each projection's tables. The order of the map's keys does not matter:
// every projection is its own file.
var schemas = map[string][]string{
	Catalogue: catalogueSchema,
	Accounts: {
		`CREATE TABLE balances (
			user_id TEXT PRIMARY KEY,
			balance INTEGER NOT NULL
		) WITHOUT ROWID`,
		`CREATE TABLE payments (
			id          TEXT PRIMARY KEY,
			user_id     TEXT    NOT NULL,
			kind        TEXT    NOT NULL,
			purpose     TEXT    NOT NULL,
			amount      INTEGER NOT NULL,
			status      TEXT    NOT NULL,
			reason      TEXT    NOT NULL,
			premiere_id TEXT    NOT NULL,
			rental_id   TEXT    NOT NULL,
			created_at  INTEGER
		) WITHOUT ROWID`,
	},
	Ledger: {
		// position is the log's order and the rowid; a duplicate event id is ignored.
		`CREATE TABLE ledger (
			position      INTEGER PRIMARY KEY,
			event_id      TEXT    NOT NULL UNIQUE,
			user_id       TEXT    NOT NULL,
			kind          TEXT    NOT NULL,
			purpose       TEXT    NOT NULL,
			amount        INTEGER NOT NULL,
			balance_after INTEGER NOT NULL,
			payment_id    TEXT    NOT NULL,
			rental_id     TEXT    NOT NULL,
			occurred_at   INTEGER
		)`,
		`CREATE INDEX ledger_by_user ON ledger (user_id, position)`,
		`CREATE INDEX ledger_by_time ON ledger (occurred_at)`,
	},
	Carts: {
		`CREATE TABLE carts (
			user_id TEXT PRIMARY KEY,
			items   TEXT NOT NULL -- JSON array of cart.Item
		) WITHOUT ROWID`,
	},
	Rentals: rentalsSchema,
	Users: {
		`CREATE TABLE users (
			id         TEXT PRIMARY KEY,
			email      TEXT NOT NULL,
			first_name TEXT NOT NULL,
			last_name  TEXT NOT NULL,
			roles      TEXT NOT NULL, -- JSON array
			created_at INTEGER
		) WITHOUT ROWID`,
		`CREATE TABLE revoked_tokens (
			token_id   TEXT PRIMARY KEY,
			user_id    TEXT NOT NULL,
			expires_at INTEGER
		) WITHOUT ROWID`,
	},
}

// statements lists what each projection's Tx executes, prepared when its file opens.
var statements = map[string][]string{
	Catalogue: {upsertPremiere, upsertPremiereText, selectPremiere, selectIndexed, indexPremiere, unindexPremiere},
	Accounts:  {upsertBalance, upsertPayment, selectPayment},
	Ledger:    {insertLedgerEntry},
	Carts:     {upsertCart, selectCart},
	Rentals:   {upsertRental, selectRental},
	Users:     {upsertUser, selectUser, upsertRevokedToken},
}

// inboxSchema is the inbox file's: not a projection, so no checkpoint and no generations.
var inboxSchema = []string{
	`CREATE TABLE notifications (
		id         TEXT PRIMARY KEY,
		user_id    TEXT NOT NULL,
		kind       TEXT NOT NULL,
		channel    TEXT NOT NULL,
		subject    TEXT NOT NULL,
		body       TEXT NOT NULL,
		created_at INTEGER
	) WITHOUT ROWID`,
	`CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC)`,
}

// projectionNames lists the projections in a fixed order (for Open, Close and messages).
func projectionNames() []string {
	return []string{Catalogue, Accounts, Ledger, Carts, Rentals, Users}
}

// migrate creates the tables in a new file and refuses a file of another layout.
func migrate(ctx context.Context, db *sql.DB, tables []string, withCheckpoint bool) error {
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read layout version: %w", err)
	}
	switch version {
	case layoutVersion:
		return nil
	case 0:
	default:
		return fmt.Errorf("file has layout version %d, this build knows %d: delete the read-model files to rebuild them", version, layoutVersion)
	}
	stmts := append([]string(nil), tables...)
	if withCheckpoint {
		stmts = append(stmts, createCheckpoint)
	}
	stmts = append(stmts, fmt.Sprintf(`PRAGMA user_version = %d`, layoutVersion))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %s: %w", firstLine(stmt), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
