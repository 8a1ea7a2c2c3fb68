// Package appendlog is the part of appending to an event log that does not depend on
// the database: the check of an append, the stream states a single writer keeps in
// memory (StreamState, RevisionCache), and the idempotency rules that decide whether an
// append is new, a retry or a conflict. The SQLite and PostgreSQL event stores share it;
// each keeps its own SQL and its own writer.
package appendlog
