package bus

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// A failing handler is retried until it succeeds; the publisher waits, nothing is lost.
func TestConsumeRetriesUntilHandled(t *testing.T) {
	ps := InProcess(quiet)
	defer ps.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	handled := make(chan string, 1)
	ready := make(chan struct{})
	go Consume(ctx, ps, "t", quiet, func(_ context.Context, m *message.Message) error {
		if calls.Add(1) < 3 {
			return errors.New("store busy")
		}
		handled <- string(m.Payload)
		return nil
	}, func() { close(ready) })
	<-ready
	if err := ps.Publish("t", message.NewMessage("m1", []byte("hello"))); err != nil {
		t.Fatal(err)
	}
	// Publish returned: the message was acked, so it was handled.
	select {
	case got := <-handled:
		if got != "hello" || calls.Load() != 3 {
			t.Fatalf("handled %q after %d calls", got, calls.Load())
		}
	default:
		t.Fatal("Publish returned before the message was handled")
	}
}

// When the consumer stops, a message it could not handle is not acked.
func TestConsumeLeavesUnhandledMessagesUnackedOnShutdown(t *testing.T) {
	ps := InProcess(quiet)
	defer ps.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ready, failing := make(chan struct{}), make(chan *message.Message, 1)
	done := make(chan error, 1)
	go func() {
		done <- Consume(ctx, ps, "t", quiet, func(_ context.Context, m *message.Message) error {
			select {
			case failing <- m:
			default:
			}
			return errors.New("recipient unknown")
		}, func() { close(ready) })
	}()
	<-ready
	go ps.Publish("t", message.NewMessage("m1", nil))
	delivered := <-failing
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Consume returned %v", err)
	}
	select { // Consume has returned: an ack would already be there
	case <-delivered.Acked():
		t.Fatal("an unhandled message was acked")
	default:
	}
}
