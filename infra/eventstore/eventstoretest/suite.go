// Package eventstoretest is the contract every eventlog.Store adapter must pass. It talks
// to the store only through the port, so the SQLite store and an EventStoreDB one run the
// same tests:
//
//	func TestContract(t *testing.T) {
//		eventstoretest.Run(t, func(t *testing.T) eventlog.Store { … fresh store, t.Cleanup(close) … })
//	}
//
// Decisions the suite pins down:
//   - metadata round-trips exactly; OccurredAt keeps its nanoseconds and reads back in UTC;
//   - an append that cannot be valid (empty stream name, no events, a nil id, an empty
//     type, an id twice) fails with eventlog.ErrInvalidAppend, not a revision conflict,
//     and writes nothing;
//   - event ids are unique per stream: the same id may be stored in two streams;
//   - appends are idempotent by event id (the rules are eventlog.Store's): the same ids at
//     an expectation that implies the revisions they are stored at — the tail, for Any and
//     StreamExists — succeed, write nothing and return the first answer; ids shared with
//     those events, or with the stream's tail, otherwise fail with a revision conflict and
//     write nothing;
//   - ReadStream(from) returns revisions from…; past the end, or on a missing stream, it is
//     empty and not an error; ReadAll refuses a limit that is not positive;
//   - a store with ReadStreamRange(from, to) returns revisions from…to, both included.
//
// The tests never sleep: they wait on channels and counts, and each has a 10 s fail-safe.
package eventstoretest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// failSafe bounds every test, so a lost event fails the test instead of hanging it.
const failSafe = 10 * time.Second

// Run runs the contract. newStore must return a new, empty store and register its own
// cleanup (Close); every subtest gets its own store.
func Run(t *testing.T, newStore func(t *testing.T) eventlog.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s eventlog.Store)
	}{
		{"AppendAndReadStream", testAppendAndReadStream},
		{"MetadataRoundTrip", testMetadataRoundTrip},
		{"MissingStream", testMissingStream},
		{"ReadStreamFrom", testReadStreamFrom},
		{"ReadStreamRange", testReadStreamRange},
		{"InvalidAppend", testInvalidAppend},
		{"Conflicts", testConflicts},
		{"AnyAndStreamExistsAppend", testAnyAndStreamExistsAppend},
		{"ConcurrentSameRevision", testConcurrentSameRevision},
		{"IdempotentRetry", testIdempotentRetry},
		{"IdempotencyMismatch", testIdempotencyMismatch},
		{"AnyRetryAfterMoreEvents", testAnyRetryAfterMoreEvents},
		{"SameIDsInTwoStreams", testSameIDsInTwoStreams},
		{"ReadAllConcurrent", testReadAllConcurrent},
		{"ReadAllPaging", testReadAllPaging},
		{"Head", testHead},
		{"SubscribeCatchUpAndLive", testSubscribeCatchUpAndLive},
		{"SubscribeAfter", testSubscribeAfter},
		{"SubscribeHandlerError", testSubscribeHandlerError},
		{"SubscribeCancel", testSubscribeCancel},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), failSafe)
	t.Cleanup(cancel)
	return ctx
}

// newStream names a stream no other test uses.
func newStream(category string) string { return category + "-" + uuid.NewString() }

// occurredAt has nanoseconds and a zone other than UTC, to catch truncation and zone loss.
var occurredAt = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("MSK", 3*60*60))

// newEvents returns n events with fresh ids and every metadata field set.
func newEvents(n int) []eventlog.EventData {
	events := make([]eventlog.EventData, n)
	for i := range events {
		id := uuid.New()
		events[i] = eventlog.EventData{
			ID:   id,
			Type: "contract.happened.v1",
			Data: json.RawMessage(fmt.Sprintf(`{"n":%d,"title":"Маузер","id":%q}`, i, id)),
			Metadata: eventlog.Metadata{
				CorrelationID:  "corr-" + id.String(),
				CausationID:    "cause-" + id.String(),
				UserID:         "user-42",
				IdempotencyKey: fmt.Sprintf("key-%d", i),
				Fingerprint:    "sha256:abc",
				OccurredAt:     occurredAt.Add(time.Duration(i) * time.Nanosecond),
				TraceParent:    fmt.Sprintf("00-4bf92f3577b34da6a3ce929d0e0e%04x-00f067aa0ba902b7-01", i%0x10000),
			},
		}
	}
	return events
}

func mustAppend(t *testing.T, ctx context.Context, s eventlog.Store, stream string, exp eventlog.Expected, events []eventlog.EventData) eventlog.AppendResult {
	t.Helper()
	res, err := s.Append(ctx, stream, exp, events)
	if err != nil {
		t.Fatalf("append %d events to %s at %s: %v", len(events), stream, exp, err)
	}
	return res
}

func mustReadStream(t *testing.T, ctx context.Context, s eventlog.Store, stream string) []eventlog.Record {
	t.Helper()
	records, err := s.ReadStream(ctx, stream, 0)
	if err != nil {
		t.Fatalf("read stream %s: %v", stream, err)
	}
	return records
}

// readEverything pages through the whole log.
func readEverything(t *testing.T, ctx context.Context, s eventlog.Store) []eventlog.Record {
	t.Helper()
	var all []eventlog.Record
	after := eventlog.Start
	for {
		page, err := s.ReadAll(ctx, after, 100)
		if err != nil {
			t.Fatalf("read all after %s: %v", after, err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Position
	}
}

// checkRecords compares a stream's records with the events appended to it from revision first.
func checkRecords(t *testing.T, got []eventlog.Record, stream string, first uint64, want []eventlog.EventData) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("stream %s: got %d records, want %d", stream, len(got), len(want))
	}
	for i, r := range got {
		w := want[i]
		if r.StreamID != stream || r.Revision != first+uint64(i) {
			t.Errorf("record %d: stream %s revision %d, want %s revision %d", i, r.StreamID, r.Revision, stream, first+uint64(i))
		}
		if r.ID != w.ID || r.Type != w.Type || !bytes.Equal(r.Data, w.Data) {
			t.Errorf("record %d: got %s %s %s, want %s %s %s", i, r.ID, r.Type, r.Data, w.ID, w.Type, w.Data)
		}
		if err := sameMetadata(r.Metadata, w.Metadata); err != nil {
			t.Errorf("record %d: %v", i, err)
		}
		if r.Position.IsStart() {
			t.Errorf("record %d has the start position", i)
		}
		if i > 0 && !got[i-1].Position.Less(r.Position) {
			t.Errorf("record %d: position %s not after %s", i, r.Position, got[i-1].Position)
		}
	}
}

// sameMetadata requires every field back, and OccurredAt to the nanosecond, in UTC.
func sameMetadata(got, want eventlog.Metadata) error {
	if !got.OccurredAt.Equal(want.OccurredAt) || got.OccurredAt.Nanosecond() != want.OccurredAt.Nanosecond() {
		return fmt.Errorf("occurred at %s, want %s", got.OccurredAt.Format(time.RFC3339Nano), want.OccurredAt.Format(time.RFC3339Nano))
	}
	if got.OccurredAt.Location() != time.UTC {
		return fmt.Errorf("occurred at %s is not in UTC", got.OccurredAt)
	}
	got.OccurredAt, want.OccurredAt = time.Time{}, time.Time{}
	if got != want {
		return fmt.Errorf("metadata %+v, want %+v", got, want)
	}
	return nil
}

// checkConflict requires a *WrongExpectedRevisionError describing the stream's real state.
func checkConflict(t *testing.T, err error, stream string, exp eventlog.Expected, exists bool, actual uint64) {
	t.Helper()
	if !errors.Is(err, eventlog.ErrWrongExpectedRevision) {
		t.Fatalf("append to %s at %s: got %v, want a wrong expected revision", stream, exp, err)
	}
	var wrong *eventlog.WrongExpectedRevisionError
	if !errors.As(err, &wrong) {
		t.Fatalf("append to %s at %s: %v is not a *WrongExpectedRevisionError", stream, exp, err)
	}
	if wrong.Stream != stream || wrong.Expected != exp || wrong.ActualExists != exists || (exists && wrong.Actual != actual) {
		t.Errorf("conflict %+v, want stream %s expected %s exists %v actual %d", *wrong, stream, exp, exists, actual)
	}
}

func ids(records []eventlog.Record) []uuid.UUID {
	out := make([]uuid.UUID, len(records))
	for i, r := range records {
		out[i] = r.ID
	}
	return out
}
