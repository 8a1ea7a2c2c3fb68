package senders_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/readstore/readpostgres"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
)

// Two processes share one PostgreSQL read store, and each forwards the whole log, so
// the same message reaches both processes' sms senders at once. The second waits for
// the first to send and record it, then finds the record: one sms.
func TestTwoProcessesSendAMessageOnce(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	ctx := t.Context()
	clk := clock.NewManual(sentAt)
	handlers := make([]func(context.Context, notifications.Message) error, 2)
	send, sends := countingSend()
	inFirstSend, releaseFirst := make(chan struct{}), make(chan struct{})
	for i := range handlers {
		store, err := readpostgres.Open(ctx, url, readpostgres.WithSchema(schema))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		once := &senders.Once{Records: store, Now: clk.Now, Log: quiet}
		handle := once.Handler(notifications.ChannelSMS, func(ctx context.Context, msg notifications.Message) error {
			if i == 0 {
				close(inFirstSend)
				<-releaseFirst
			}
			return send(ctx, msg)
		})
		handlers[i] = func(ctx context.Context, msg notifications.Message) error {
			m, err := notifications.Encode(msg)
			if err != nil {
				return err
			}
			return handle(ctx, m)
		}
	}
	msg := message1(notifications.ChannelSMS)
	first := make(chan error, 1)
	go func() { first <- handlers[0](ctx, msg) }()
	<-inFirstSend
	second := make(chan error, 1)
	go func() { second <- handlers[1](ctx, msg) }()
	// The second process waits on the first's lock, which the server shows.
	waitForAdvisoryWaiter(t, url, "chance sent "+schema+" "+notifications.ChannelSMS+" "+msg.ID.String())
	close(releaseFirst)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := sends(msg.ID); n != 1 {
		t.Fatalf("the message was sent %d times by two processes, want once", n)
	}
}

// waitForAdvisoryWaiter returns once a session waits for the advisory lock on key (as
// readpostgres hashes it; pg_locks shows it not granted), asking the server again and
// again meanwhile.
func waitForAdvisoryWaiter(t *testing.T, url, key string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		var waiting bool
		if err := conn.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND (classid::bigint << 32) | objid::bigint = hashtextextended($1, 0))`, key).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	t.Fatal("no process waits for the message's lock")
}

// More sends hold their locks at once than the store's main pool has connections: each
// still checks and records (through the main pool) and finishes, instead of every
// connection waiting for another.
func TestManyLockedSendsDoNotTakeEveryConnection(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	store, err := readpostgres.Open(ctx, url, readpostgres.WithSchema(schema), readpostgres.WithMaxConns(2))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	once := &senders.Once{Records: store, Now: clock.NewManual(sentAt).Now, Log: quiet}
	const sends = 6 // three times the main pool
	holding, release := make(chan struct{}, sends), make(chan struct{})
	send, count := countingSend()
	handle := once.Handler(notifications.ChannelSMS, func(ctx context.Context, msg notifications.Message) error {
		holding <- struct{}{}
		<-release // every send holds its lock until all hold one
		return send(ctx, msg)
	})
	done := make(chan error, sends)
	ids := make([]uuid.UUID, sends)
	for i := range sends {
		msg := message1(notifications.ChannelSMS)
		msg.ID = uuid.New()
		ids[i] = msg.ID
		m, err := notifications.Encode(msg)
		if err != nil {
			t.Fatal(err)
		}
		go func() { done <- handle(ctx, m) }()
	}
	for range sends {
		select {
		case <-holding:
		case <-ctx.Done():
			t.Fatal("the sends did not all get their locks")
		}
	}
	close(release)
	for range sends {
		if err := <-done; err != nil {
			t.Fatalf("a send under a lock failed: %v", err)
		}
	}
	for _, id := range ids {
		if n := count(id); n != 1 {
			t.Fatalf("message %s sent %d times, want once", id, n)
		}
	}
}
