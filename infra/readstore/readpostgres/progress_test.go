package readpostgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
)

// Another process learns how far each projection is: its checkpoint, or the further
// position its follower scanned; a change wakes a watcher; nothing moves back.
func TestProjectedPositions(t *testing.T) {
	url := testURL(t)
	schema := testSchema(t, url)
	projector, reader := openIn(t, url, schema), openIn(t, url, schema)
	ctx := t.Context()
	pos := func(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }

	woken := make(chan struct{}, 100)
	watching, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		_ = reader.WatchProjected(watching, func() {
			select {
			case woken <- struct{}{}:
			default:
			}
		})
	}()
	await := func(what string) {
		t.Helper()
		select {
		case <-woken:
		case <-time.After(10 * time.Second):
			t.Fatalf("no notification after %s", what)
		}
	}
	await("listening") // the first call, once it listens

	if err := projector.Update(ctx, accounts.Name, pos(5), func(projections.Writes) error { return nil }); err != nil {
		t.Fatal(err)
	}
	await("an update")
	if err := projector.RecordScanned(ctx, accounts.Name, pos(9)); err != nil {
		t.Fatal(err)
	}
	await("a scanned position")
	if err := projector.RecordScanned(ctx, accounts.Name, pos(7)); err != nil { // late: ignored
		t.Fatal(err)
	}
	if err := projector.RecordScanned(ctx, carts.Name, pos(3)); err != nil {
		t.Fatal(err)
	}
	got, err := reader.Projected(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got[accounts.Name] != pos(9) || got[carts.Name] != pos(3) {
		t.Fatalf("projected %v; want accounts at 9 (scanned past its checkpoint 5) and carts at 3", got)
	}
	if err := projector.Update(ctx, accounts.Name, pos(12), func(projections.Writes) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got, err := reader.Projected(ctx); err != nil || got[accounts.Name] != pos(12) {
		t.Fatalf("projected %v, %v; want accounts at its checkpoint 12", got, err)
	}
}

// Only a serving generation's position moving notifies: not a rebuild's shadow
// generation, nor a record that moved nothing (each notification takes the notify lock
// at commit, which appends take too). The payload names the projection.
func TestProjectedNotifiesOnlyWhenAServingPositionMoves(t *testing.T) {
	url := testURL(t)
	schema := testSchema(t, url)
	store := openIn(t, url, schema)
	ctx := t.Context()
	pos := func(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }
	listener, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(context.Background())
	if _, err := listener.Exec(ctx, `LISTEN `+quote(schema+"_projected")); err != nil {
		t.Fatal(err)
	}
	// next is the payload of the next notification: notifications arrive in commit
	// order, so one that should not exist would come before the one awaited.
	next := func() string {
		t.Helper()
		wait, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		n, err := listener.WaitForNotification(wait)
		if err != nil {
			t.Fatalf("no notification: %v", err)
		}
		return n.Payload
	}
	if err := store.RecordScanned(ctx, accounts.Name, pos(9)); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != accounts.Name {
		t.Fatalf("notified %q, want %q", got, accounts.Name)
	}
	if err := store.RecordScanned(ctx, accounts.Name, pos(7)); err != nil { // moves nothing
		t.Fatal(err)
	}
	shadow, err := store.Shadow(ctx, accounts.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer shadow.Discard(context.WithoutCancel(ctx))
	if err := shadow.Update(ctx, accounts.Name, pos(4), func(projections.Writes) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := store.RecordScanned(ctx, carts.Name, pos(3)); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != carts.Name {
		t.Fatalf("notified %q before carts' move: a write that moved no serving position notified", got)
	}
}
