package commands

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
)

// The key index keeps hashes of keys: a request whose key's hash points at the records
// of another key (a collision) is new, not a replay of them nor a reuse of their key.
func TestAKeyWhoseHashPointsAtAnotherKeysRecordsIsNew(t *testing.T) {
	ctx := context.Background()
	store, err := eventsqlite.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s := New(store, clock.NewManual(time.Time{}))
	meta := eventlog.Metadata{IdempotencyKey: "a", Fingerprint: "fp:a"}
	if _, err := store.Append(ctx, "s-1", eventlog.NoStream, []eventlog.EventData{{ID: uuid.New(), Type: "t", Data: []byte("{}"), Metadata: meta}}); err != nil {
		t.Fatal(err)
	}
	records, err := store.ReadStream(ctx, "s-1", 0)
	if err != nil {
		t.Fatal(err)
	}
	keys := indexKeys(keyIndex{}, records)
	span, _ := keys.Get(hashKey("a"))
	collided := keys.Set(hashKey("b"), span) // as if "b" hashed like "a"

	prior, _, err := s.priorOutcome(ctx, "s-1", collided, Request{Key: "b", Fingerprint: "fp:b"})
	if err != nil || len(prior) != 0 {
		t.Fatalf("a colliding key: %d records, %v; want none, no error", len(prior), err)
	}
	if _, _, err := s.priorOutcome(ctx, "s-1", collided, Request{Key: "a", Fingerprint: "fp:b"}); !errors.Is(err, ErrKeyReused) {
		t.Fatalf("the key itself with another request: %v, want ErrKeyReused", err)
	}
}
