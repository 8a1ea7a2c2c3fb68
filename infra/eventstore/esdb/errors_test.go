package esdb

import (
	"context"
	"errors"
	"math"
	"net"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/chance-video/chance/eventlog"
)

// TestWrongExpectedMessageFormat pins the text the v4 client gives a wrong expected
// version, which is where the adapter finds the actual revision (see actualFromMessage).
func TestWrongExpectedMessageFormat(t *testing.T) {
	ctx := testContext(t)
	fake := startFake(t)
	config, err := esdb.ParseConnectionString(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	config.Logger = esdb.NoopLogging()
	client, err := esdb.NewClient(config)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	event := esdb.EventData{EventType: "test.happened.v1", ContentType: esdb.ContentTypeJson, Data: []byte(`{}`)}
	if _, err := client.AppendToStream(ctx, "pinned", esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, event, event, event); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		stream   string
		expected esdb.ExpectedRevision
		exists   bool
		actual   uint64
	}{
		{"pinned", esdb.Revision(7), true, 2},
		{"pinned", esdb.NoStream{}, true, 2},
		{"missing", esdb.StreamExists{}, false, 0},
		{"missing", esdb.Revision(0), false, 0},
	} {
		_, err := client.AppendToStream(ctx, tc.stream, esdb.AppendToStreamOptions{ExpectedRevision: tc.expected}, event)
		var clientErr *esdb.Error
		if !errors.As(err, &clientErr) || !clientErr.IsErrorCode(esdb.ErrorCodeWrongExpectedVersion) {
			t.Fatalf("%s at %v: got %v, want a wrong expected version", tc.stream, tc.expected, err)
		}
		exists, actual, ok := actualFromMessage(clientErr)
		if !ok || exists != tc.exists || actual != tc.actual {
			t.Errorf("%s at %v: %q read as exists %v actual %d (ok %v), want %v %d",
				tc.stream, tc.expected, clientErr.Err(), exists, actual, ok, tc.exists, tc.actual)
		}
	}
}

func TestActualFromMessageRefusesOtherText(t *testing.T) {
	for _, msg := range []string{
		"",
		"wrong expected version",
		"wrong expected version: expecting '1' but got '",
		"wrong expected version: expecting '1' but got 'two'",
		"wrong expected version: expecting '1' but got '-1'",
	} {
		clientErr, _ := esdb.FromError(errors.New(msg))
		if _, _, ok := actualFromMessage(clientErr); ok {
			t.Errorf("%q parsed", msg)
		}
	}
}

// TestConflictFromServer: a conflict the server finds (not the adapter's own check)
// becomes the port's error, with the actual revision.
func TestConflictFromServer(t *testing.T) {
	ctx := testContext(t)
	s := openStore(t, startFake(t).URL())
	mustAppend(t, ctx, s, "order-1", eventlog.NoStream, testEvents(3))
	for _, tc := range []struct {
		stream string
		exp    eventlog.Expected
		exists bool
		actual uint64
	}{
		{"order-1", eventlog.Exact(5), true, 2},
		{"order-1", eventlog.NoStream, true, 2},
		{"order-2", eventlog.StreamExists, false, 0},
	} {
		_, err := s.Append(ctx, tc.stream, tc.exp, testEvents(1))
		var wrong *eventlog.WrongExpectedRevisionError
		if !errors.As(err, &wrong) || !errors.Is(err, eventlog.ErrWrongExpectedRevision) {
			t.Fatalf("%s at %s: got %v, want a *WrongExpectedRevisionError", tc.stream, tc.exp, err)
		}
		want := eventlog.WrongExpectedRevisionError{Stream: tc.stream, Expected: tc.exp, ActualExists: tc.exists, Actual: tc.actual}
		if *wrong != want {
			t.Errorf("got %+v, want %+v", *wrong, want)
		}
	}
}

// TestRevisionBeyondTheServersRange: an exact revision above math.MaxInt64 would reach
// the server as a negative, special expectation; it is a conflict and writes nothing.
func TestRevisionBeyondTheServersRange(t *testing.T) {
	ctx := testContext(t)
	s := openStore(t, startFake(t).URL())
	mustAppend(t, ctx, s, "far", eventlog.NoStream, testEvents(1))
	for _, r := range []uint64{math.MaxInt64 + 1, math.MaxUint64 - 1, math.MaxUint64} {
		_, err := s.Append(ctx, "far", eventlog.Exact(r), testEvents(1))
		if !errors.Is(err, eventlog.ErrWrongExpectedRevision) {
			t.Errorf("exact %d: got %v, want a conflict", r, err)
		}
	}
	if got, err := s.ReadStream(ctx, "far", 0); err != nil || len(got) != 1 {
		t.Errorf("stream has %d events (%v), want 1", len(got), err)
	}
}

// TestReservedNamesAreInvalid: "$" streams and types are the server's.
func TestReservedNamesAreInvalid(t *testing.T) {
	ctx := testContext(t)
	s := openStore(t, startFake(t).URL())
	system := testEvents(1)
	system[0].Type = "$metadata"
	for _, tc := range []struct {
		stream string
		events []eventlog.EventData
	}{
		{"$settings", testEvents(1)},
		{"$$order-1", testEvents(1)},
		{"order-1", system},
	} {
		if _, err := s.Append(ctx, tc.stream, eventlog.Any, tc.events); !errors.Is(err, eventlog.ErrInvalidAppend) {
			t.Errorf("append to %s: got %v, want ErrInvalidAppend", tc.stream, err)
		}
	}
}

// TestServerUnreachable: with no server, calls fail promptly; a read is an error, never
// an empty (missing) stream.
func TestServerUnreachable(t *testing.T) {
	ctx := testContext(t)
	s := openStore(t, "esdb://"+unusedAddr(t)+"?tls=false&maxDiscoverAttempts=1&discoveryInterval=1")
	if _, err := s.Append(ctx, "order-1", eventlog.Any, testEvents(1)); err == nil || errors.Is(err, eventlog.ErrWrongExpectedRevision) {
		t.Errorf("append: got %v, want a connection error", err)
	}
	if got, err := s.ReadStream(ctx, "order-1", 0); err == nil {
		t.Errorf("read stream: %d events and no error, want a connection error", len(got))
	}
	if _, err := s.Head(ctx); err == nil {
		t.Error("head: no error")
	}
}

// TestClosedStore: every call after Close returns ErrClosed.
func TestClosedStore(t *testing.T) {
	ctx := testContext(t)
	s := openStore(t, startFake(t).URL())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"append": func() error { _, err := s.Append(ctx, "order-1", eventlog.Any, testEvents(1)); return err },
		"read":   func() error { _, err := s.ReadStream(ctx, "order-1", 0); return err },
		"all":    func() error { _, err := s.ReadAll(ctx, eventlog.Start, 1); return err },
		"head":   func() error { _, err := s.Head(ctx); return err },
		"subscribe": func() error {
			return s.Subscribe(ctx, eventlog.Start, func(context.Context, []eventlog.Record) error { return nil })
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s: got %v, want ErrClosed", name, err)
		}
	}
}

// unusedAddr is a local address nothing listens on.
func unusedAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
