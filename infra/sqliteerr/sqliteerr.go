// Package sqliteerr names the SQLite errors the embedded stores answer differently.
package sqliteerr

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Corrupt reports SQLite's word for a file cut short or overwritten: not a database,
// or a malformed one.
func Corrupt(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	code := e.Code() & 0xff // the primary code of an extended one
	return code == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB
}
