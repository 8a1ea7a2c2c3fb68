package esdb

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/esdb/esdbfake"
	"github.com/chance-video/chance/infra/eventstore/eventstoretest"
)

// TestContractAgainstProtocolFake runs the whole contract through the real client
// against the in-process protocol fake, one fresh fake per subtest.
func TestContractAgainstProtocolFake(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventlog.Store {
		return openStore(t, startFake(t).URL())
	})
}

// TestContractAgainstRealServer runs the contract against the server at
// CHANCE_TEST_ESDB_URL (for example esdb://127.0.0.1:2113?tls=false). Nothing else may
// write to that server during the run; it need not be empty (see sinceOpened).
func TestContractAgainstRealServer(t *testing.T) {
	url := os.Getenv("CHANCE_TEST_ESDB_URL")
	if url == "" {
		t.Skip("CHANCE_TEST_ESDB_URL not set: the real-server run is skipped; the protocol fake run covers the adapter")
	}
	eventstoretest.Run(t, func(t *testing.T) eventlog.Store {
		return sinceOpened(t, openStore(t, url))
	})
}

func startFake(t testing.TB) *esdbfake.Server {
	t.Helper()
	fake, err := esdbfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	return fake
}

func openStore(t testing.TB, url string) *Store {
	t.Helper()
	s, err := OpenWith(url, Options{Log: slog.New(slog.DiscardHandler)}) // drops are expected here
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

// testContext bounds a test, so that a lost event fails it instead of hanging it.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

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

func mustAppend(t testing.TB, ctx context.Context, s eventlog.Store, stream string, exp eventlog.Expected, events []eventlog.EventData) eventlog.AppendResult {
	t.Helper()
	res, err := s.Append(ctx, stream, exp, events)
	if err != nil {
		t.Fatalf("append %d events to %s at %s: %v", len(events), stream, exp, err)
	}
	return res
}

// readEverything pages through the whole log.
func readEverything(t testing.TB, ctx context.Context, s eventlog.Store) []eventlog.Record {
	t.Helper()
	var all []eventlog.Record
	for after := eventlog.Start; ; {
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
