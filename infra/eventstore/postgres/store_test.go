package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventstoretest"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
)

// The tests run against the server named by CHANCE_TEST_POSTGRES_URL, each in a schema of
// its own, dropped when it ends. Without the variable they skip, unless
// CHANCE_REQUIRE_POSTGRES=1 (CI) makes that a failure (see pgtest).

func TestContract(t *testing.T) {
	url := pgtest.URL(t)
	eventstoretest.Run(t, func(t *testing.T) eventlog.Store { return openIn(t, url, pgtest.Schema(t, url)) })
}

// newLog returns the server's URL and a fresh schema for one log.
func newLog(t testing.TB) (url, schema string) {
	t.Helper()
	url = pgtest.URL(t)
	return url, pgtest.Schema(t, url)
}

// openIn opens a store on the log in schema and closes it when the test ends. Several
// stores on one schema stand for several processes: each has its own pools, writer and
// LISTEN connection.
func openIn(t testing.TB, url, schema string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, append([]Option{WithSchema(schema)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// testEvents returns n events with fresh ids.
func testEvents(n int) []eventlog.EventData {
	events := make([]eventlog.EventData, n)
	for i := range events {
		events[i] = eventlog.EventData{
			ID:       uuid.New(),
			Type:     "test.happened.v1",
			Data:     json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)),
			Metadata: eventlog.Metadata{CorrelationID: "c", OccurredAt: time.Unix(1_700_000_000, int64(i))},
		}
	}
	return events
}

func mustAppend(t testing.TB, s *Store, stream string, exp eventlog.Expected, events []eventlog.EventData) eventlog.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), stream, exp, events)
	if err != nil {
		t.Fatalf("append to %s at %s: %v", stream, exp, err)
	}
	return res
}
