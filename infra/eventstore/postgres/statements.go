package postgres

import "fmt"

// statements are the store's SQL with the schema spliced in. pgx prepares each once per
// connection (its statement cache), so they are sent as text only the first time.
type statements struct {
	// takePositions moves the head by n and returns where it was: the batch's events get
	// the positions after that. Its row lock is held until COMMIT (see the package doc).
	takePositions string
	// setHead corrects the head when a batch, re-decided under the lock, writes fewer or
	// more events than it first took positions for.
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
	// readStream and readAll are the two reads of whole records.
	readStream, readAll string
}

const recordColumns = `position, stream_id, revision, event_id, type, data, metadata`

func newStatements(schema string) statements {
	events, head := quote(schema)+".events", quote(schema)+".log_head"
	return statements{
		takePositions: `UPDATE ` + head + ` SET position = position + $1 RETURNING position - $1`,
		setHead:       `UPDATE ` + head + ` SET position = $1`,
		head:          `SELECT position FROM ` + head,
		insert: `INSERT INTO ` + events + ` (` + recordColumns + `)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bytea[], $7::jsonb[])`,
		foreignStreams: `SELECT DISTINCT stream_id FROM ` + events + ` WHERE position > $1 AND position <= $2`,
		tails: fmt.Sprintf(`SELECT s.stream_id, e.revision, e.event_id, e.position
			FROM unnest($1::text[]) AS s(stream_id)
			CROSS JOIN LATERAL (
				SELECT revision, event_id, position FROM %s e
				WHERE e.stream_id = s.stream_id ORDER BY revision DESC LIMIT %d
			) e`, events, tailIDs),
		window:     `SELECT revision, event_id, position FROM ` + events + ` WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
		readStream: `SELECT ` + recordColumns + ` FROM ` + events + ` WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
		readAll:    `SELECT ` + recordColumns + ` FROM ` + events + ` WHERE position > $1 ORDER BY position LIMIT $2`,
	}
}

// notifyChannel is the LISTEN/NOTIFY channel of the log in schema.
func notifyChannel(schema string) string { return schema + "_appended" }
