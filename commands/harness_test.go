package commands_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
)

var start = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// shop is a command service on a real SQLite event store in a temp folder.
type shop struct {
	t     *testing.T
	ctx   context.Context
	path  string
	store *eventsqlite.Store
	clock *clock.Manual
	svc   *commands.Service
}

func newShop(t *testing.T, opts ...commands.Option) *shop {
	t.Helper()
	sh := &shop{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "events.db"), clock: clock.NewManual(start)}
	sh.open(opts...)
	return sh
}

func (sh *shop) open(opts ...commands.Option) {
	sh.t.Helper()
	store, err := eventsqlite.Open(sh.path)
	if err != nil {
		sh.t.Fatal(err)
	}
	sh.t.Cleanup(func() { store.Close() })
	sh.store, sh.svc = store, commands.New(store, sh.clock, opts...)
}

// restart closes the store and opens it again with a fresh service, as after a crash.
func (sh *shop) restart(opts ...commands.Option) {
	sh.t.Helper()
	if err := sh.store.Close(); err != nil {
		sh.t.Fatal(err)
	}
	sh.open(opts...)
}

// publish puts a premiere on sale at 1,000 kopecks an hour (48,000 for 48 h).
func (sh *shop) publish(title string) uuid.UUID {
	sh.t.Helper()
	id := uuid.New()
	_, _, err := sh.svc.Premiere(sh.ctx, id, premiere.Publish{ID: id, Card: premiere.Card{Title: title, Actors: []string{"Евгений Миронов"}},
		TheaterPrice: 300000, Terms: pricing.Terms{OnlinePrice: 48000, StandardHours: 48}, Now: sh.clock.Now()}, commands.Request{})
	if err != nil {
		sh.t.Fatal(err)
	}
	return id
}

func (sh *shop) customer() uuid.UUID {
	sh.t.Helper()
	u, _, err := sh.svc.Register(sh.ctx, commands.Registration{Email: uuid.NewString()[:8] + "@example.ru", FirstName: "Анна", LastName: "Каренина", PasswordHash: "hash"}, commands.Request{})
	if err != nil {
		sh.t.Fatal(err)
	}
	return u.ID
}

func (sh *shop) fill(user uuid.UUID, amount money.Kopecks) {
	sh.t.Helper()
	if _, err := sh.svc.Fill(sh.ctx, user, amount, key("fill-"+uuid.NewString())); err != nil {
		sh.t.Fatal(err)
	}
}

func (sh *shop) balance(user uuid.UUID) money.Kopecks {
	sh.t.Helper()
	a, err := sh.svc.Lookup().LoadAccount(sh.ctx, user)
	if err != nil {
		sh.t.Fatal(err)
	}
	return a.Balance
}

// rent rents a premiere for hours with an idempotency key, failing the test on error.
func (sh *shop) rent(user, premiereID uuid.UUID, hours int, k string) commands.OrderResult {
	sh.t.Helper()
	order, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: premiereID, Hours: hours}, key(k))
	if err != nil {
		sh.t.Fatal(err)
	}
	return order
}

// key is a request with an idempotency key whose fingerprint is the key itself.
// recover completes the flows started after a position, as a start of the shop does.
func (sh *shop) recover(after eventlog.Position) (eventlog.Position, error) {
	return (&commands.Recovery{Service: sh.svc, Log: sh.store}).Recover(sh.ctx, after)
}

func key(k string) commands.Request { return commands.Request{Key: k, Fingerprint: "fp:" + k} }

func mustErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func mustEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

var errCrash = fmt.Errorf("injected crash")

// accountEvents are the events of a customer's account stream, as stored.
func (sh *shop) accountEvents(user uuid.UUID) []domain.Event {
	sh.t.Helper()
	records, err := sh.store.ReadStream(sh.ctx, account.Stream(user), 0)
	if err != nil {
		sh.t.Fatal(err)
	}
	events := make([]domain.Event, len(records))
	for i, r := range records {
		if events[i], err = codec.Shop().Decode(r.Type, r.Data); err != nil {
			sh.t.Fatal(err)
		}
	}
	return events
}

// debits counts the account's debits (and refunds) of the given purposes.
func (sh *shop) debits(user uuid.UUID, kinds ...account.PurposeKind) int {
	n := 0
	for _, e := range sh.accountEvents(user) {
		var kind account.PurposeKind
		switch e := e.(type) {
		case account.FundsWithdrawn:
			kind = e.Purpose.Kind
		case account.FundsRefunded:
			kind = e.Purpose.Kind
		case account.PaymentRedeemed:
			kind = e.Purpose.Kind
		default:
			continue
		}
		if slices.Contains(kinds, kind) {
			n++
		}
	}
	return n
}
