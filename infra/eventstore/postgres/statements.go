package postgres

import (
	"fmt"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// statements are the store's SQL with the schema spliced in. pgx prepares each once per
// connection (its statement cache), so they are sent as text only the first time.
type statements struct {
	// appendEvents is a whole group commit in one statement (see append_events in the
	// migrations).
	appendEvents string
	// stale lists the streams, of those given, that are no longer at the given last
	// revisions (-1: no events).
	stale string
	// lockHead reads the head and holds its row until COMMIT (see the package doc).
	lockHead string
	// setHead moves the head past a batch's events.
	setHead string
	// head reads the last committed position without locking.
	head string
	// insert writes a batch's events in one statement, from one array per column.
	insert string
	// foreignStreams lists the streams that events in a range of positions belong to.
	foreignStreams string
	// tails reads the last few events of each of the given streams, newest first.
	tails string
	// window reads a run of a stream's events from a revision on.
	window string
	// readStream, readSpan (revisions from..to) and readAll read whole records.
	readStream, readSpan, readAll string
}

const recordColumns = `position, stream_id, revision, event_id, type, data, metadata`

func newStatements(schema string) statements {
	events, head := quote(schema)+".events", quote(schema)+".log_head"
	return statements{
		// Metadata goes as text, cast to json on the server (see codec.go).
		appendEvents: `SELECT head, stale, foreign_streams FROM ` + quote(schema) + `.append_events(
			$1, $2, $3, $4, $5, $6, $7, $8, $9::text[]::json[], $10, $11)`,
		stale: `SELECT s.stream_id FROM unnest($1::text[], $2::bigint[]) AS s(stream_id, last)
			WHERE coalesce((SELECT max(e.revision) FROM ` + events + ` e WHERE e.stream_id = s.stream_id), -1) <> s.last`,
		lockHead: `SELECT position FROM ` + head + ` FOR UPDATE`,
		setHead:  `UPDATE ` + head + ` SET position = $1`,
		head:     `SELECT position FROM ` + head,
		insert: `INSERT INTO ` + events + ` (` + recordColumns + `)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bytea[], $7::text[]::json[])`,
		foreignStreams: `SELECT DISTINCT stream_id FROM ` + events + ` WHERE position > $1 AND position <= $2`,
		tails: fmt.Sprintf(`SELECT s.stream_id, e.revision, e.event_id, e.position
			FROM unnest($1::text[]) AS s(stream_id)
			CROSS JOIN LATERAL (
				SELECT revision, event_id, position FROM %s e
				WHERE e.stream_id = s.stream_id ORDER BY revision DESC LIMIT %d
			) e`, events, appendlog.TailIDs),
		window:     `SELECT revision, event_id, position FROM ` + events + ` WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
		readStream: `SELECT ` + recordColumns + ` FROM ` + events + ` WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
		readSpan:   `SELECT ` + recordColumns + ` FROM ` + events + ` WHERE stream_id = $1 AND revision >= $2 AND revision <= $3 ORDER BY revision`,
		readAll:    `SELECT ` + recordColumns + ` FROM ` + events + ` WHERE position > $1 ORDER BY position LIMIT $2`,
	}
}

// notifyChannel is the LISTEN/NOTIFY channel of the log in schema.
func notifyChannel(schema string) string { return schema + "_appended" }
