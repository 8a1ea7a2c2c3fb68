package readpostgres

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Conversions between Go values and the columns every table uses.
//
// Times are timestamptz: PostgreSQL keeps microseconds, which is what the contract asks,
// and they read back in UTC. A zero time.Time is NULL. Uuids are uuid, money is bigint
// kopecks, log positions are bigint (a position past the largest bigint is refused).

// timeArg is the column value of t: NULL for the zero time.
func timeArg(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// timeCol reads back what timeArg stored, in UTC.
func timeCol(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// uuidArg passes a uuid as the 16 bytes pgx encodes for a uuid column (uuid.UUID's own
// Valuer would send text).
func uuidArg(id uuid.UUID) [16]byte { return id }

// positionArg stores a log position; bigint is signed 64-bit.
func positionArg(p uint64) (int64, error) {
	if p > math.MaxInt64 {
		return 0, fmt.Errorf("position %d does not fit a bigint", p)
	}
	return int64(p), nil
}

// limitArg turns "zero or less means no limit" into LIMIT NULL, which PostgreSQL reads
// as no limit.
func limitArg(limit int) *int {
	if limit <= 0 {
		return nil
	}
	return &limit
}

// SQLSTATEs this package acts on.
const (
	undefinedTable    = "42P01"
	invalidSchemaName = "3F000"
	generationChanged = "CH001" // raised by lock_serving (migrations/0001_manifest.sql)
	alreadyApplied    = "CH002" // raised by claim_batch (migrations/0006_claim_batch.sql)
)

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// dropped reports whether err says a generation's tables are gone: another process
// promoted a rebuild and dropped the generation this one was still reading.
func dropped(err error) bool {
	code := sqlState(err)
	return code == undefinedTable || code == invalidSchemaName
}

// scanner is a pgx.Row or the current row of pgx.Rows.
type scanner interface{ Scan(dest ...any) error }

// collect scans every row of rows with scan, and closes rows.
func collect[T any](rows pgx.Rows, scan func(scanner) (T, error)) ([]T, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}
