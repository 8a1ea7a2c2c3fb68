package readsqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
)

// Conversions between Go values and the columns every table uses.
//
// Times are INTEGER unix nanoseconds in UTC: they compare and index as numbers (DueRentals,
// the ledger's date range), keep Go's full precision, and a zero time.Time is NULL because
// its UnixNano is out of range. Uuids are canonical TEXT: readable in the sqlite3 shell, and
// the size difference to BLOB does not matter for read models. Money is INTEGER kopecks.

// minTime and maxTime bound what unix nanoseconds can hold (years 1678 to 2262).
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// timeArg is the column value of t: NULL for the zero time, else unix nanoseconds.
func timeArg(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	if t.Before(minTime) || t.After(maxTime) {
		return nil, fmt.Errorf("time %s is outside the storable range %s..%s", t.Format(time.RFC3339), minTime.Format(time.RFC3339), maxTime.Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

// timeCol reads back what timeArg stored, in UTC.
func timeCol(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

func uuidArg(id uuid.UUID) string { return id.String() }

func parseUUID(s, column string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, fmt.Errorf("column %s: %w", column, err)
	}
	return id, nil
}

// uuidCol scans a TEXT uuid column: pass its address to Scan, then read id or err.
type uuidCol struct {
	column string
	id     *uuid.UUID
}

func (c uuidCol) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("column %s: want a uuid as TEXT, got %T", c.column, src)
	}
	id, err := parseUUID(s, c.column)
	if err != nil {
		return err
	}
	*c.id = id
	return nil
}

// scanUUID returns a Scanner that stores a TEXT uuid into id.
func scanUUID(id *uuid.UUID, column string) uuidCol { return uuidCol{column: column, id: id} }

// jsonArg encodes a slice or struct stored as a JSON TEXT column.
func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// positionArg stores a log position; SQLite integers are signed 64-bit.
func positionArg(p uint64) (int64, error) {
	if p > math.MaxInt64 {
		return 0, fmt.Errorf("position %d does not fit a SQLite integer", p)
	}
	return int64(p), nil
}

func boolArg(b bool) int {
	if b {
		return 1
	}
	return 0
}

// noLimit turns "zero or less means no limit" into SQLite's LIMIT -1.
func noLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

func moneyOf(k int64) money.Kopecks { return money.Kopecks(k) }
