package commands

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/chance-video/chance/eventlog"
)

// recordDigest identifies one stored record by its content and place, not by its id:
// a keyed event's id derives from (stream, key, revision), so after the log was
// restored to an earlier point a client's retry can land at the same revision with the
// same id while the history before it differs. A snapshot is used only if the log
// still holds a record of its last one's digest; the retry's time and global position
// tell the two apart.
type recordDigest [sha256.Size]byte

func digestOf(r eventlog.Record) recordDigest {
	h := sha256.New()
	field := func(b []byte) {
		h.Write(binary.AppendUvarint(nil, uint64(len(b))))
		h.Write(b)
	}
	field(r.ID[:])
	field([]byte(r.Type))
	field(r.Data)
	m := r.Metadata
	for _, s := range []string{m.CorrelationID, m.CausationID, m.UserID, m.IdempotencyKey, m.Fingerprint, m.TraceParent} {
		field([]byte(s))
	}
	var n []byte
	n = binary.BigEndian.AppendUint64(n, uint64(m.OccurredAt.UnixNano()))
	n = binary.BigEndian.AppendUint64(n, r.Revision)
	n = binary.BigEndian.AppendUint64(n, r.Position.Commit)
	n = binary.BigEndian.AppendUint64(n, r.Position.Prepare)
	h.Write(n)
	var d recordDigest
	h.Sum(d[:0])
	return d
}
