package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
)

// logSeeder grows a shop's log straight through the embedded event store's batch
// append (concurrent appends, group-committed), while no server owns the file. The log
// is built of groups of 10 events for one of 20,000 customers:
//
//	premiere-<p>   published + 3 price/discount changes (+1 more once every customer exists)
//	user-<c>       registered (the customer's first group only)
//	cart-<c>       item added, changed, removed, added again
//	account-<c>    a top-up
//
// so 1,000,000 events hold 100,000 premieres, 20,000 customers with their carts, and
// 100,000 top-ups, each of which the shop turns into notifications.
type logSeeder struct {
	codec     *codec.Codec
	at        time.Time
	groups    int // groups written so far
	customers []uuid.UUID
	premieres []uuid.UUID
}

const (
	seedCustomers   = 20_000
	seedGroupEvents = 10
)

func newLogSeeder() *logSeeder {
	s := &logSeeder{codec: codec.Shop(), at: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		customers: make([]uuid.UUID, seedCustomers)}
	for i := range s.customers {
		s.customers[i] = uuid.New()
	}
	return s
}

// seedTo appends groups until the log holds events events (a multiple of 10).
func (s *logSeeder) seedTo(tb testing.TB, path string, events int) {
	tb.Helper()
	store, err := eventsqlite.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer store.Close()
	from, to := s.groups, events/seedGroupEvents
	for range to - from {
		s.premieres = append(s.premieres, uuid.New())
	}
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for range 32 { // enough concurrent appends for the writer to commit them in large groups
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				if err := s.appendGroup(store, g); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
			}
		}()
	}
	for g := from; g < to; g++ {
		work <- g
	}
	close(work)
	wg.Wait()
	if failed != nil {
		tb.Fatal(failed)
	}
	s.groups = to
}

// appendGroup appends group g's events.
func (s *logSeeder) appendGroup(store *eventsqlite.Store, g int) error {
	c := g % seedCustomers
	customer, p := s.customers[c], s.premieres[g]
	at := s.at.Add(time.Duration(g) * time.Second)
	discount := func(pct int) domain.Event { return premiere.DiscountChanged{ID: p, Percent: pct, At: at} }
	film := []domain.Event{
		premiere.Published{ID: p, Card: seedCard(g), TheaterPrice: 300_000, At: at,
			Terms: pricing.Terms{OnlinePrice: money.Kopecks(30_000 + 100*(g%200)), StandardHours: 48, DiscountPercent: g % 30}},
		discount(10), premiere.Repriced{ID: p, TheaterPrice: 320_000, OnlinePrice: 35_000, StandardHours: 48, At: at}, discount(5),
	}
	var person []domain.Event
	if g < seedCustomers {
		person = []domain.Event{user.Registered{UserID: customer, Email: fmt.Sprintf("seed-%d@example.com", c),
			FirstName: "Анна", LastName: "Каренина", PasswordHash: "not-a-hash", Roles: []string{"customer"}, At: at}}
	} else {
		film = append(film, discount(0))
	}
	item := cart.Item{PremiereID: p, Hours: 48, StartsAt: at.Add(24 * time.Hour)}
	changed := item
	changed.Hours = 72
	basket := []domain.Event{cart.ItemAdded{UserID: customer, Item: item, At: at}, cart.ItemChanged{UserID: customer, Item: changed, At: at},
		cart.ItemRemoved{UserID: customer, PremiereID: p, At: at}, cart.ItemAdded{UserID: customer, Item: item, At: at}}
	topUps := g/seedCustomers + 1 // the customer's groups so far, each with one top-up
	money := []domain.Event{account.FundsAdded{UserID: customer, Payment: uuid.New(), Amount: 100_000,
		BalanceAfter: money.Kopecks(100_000 * topUps), At: at}}
	for _, a := range []struct {
		stream string
		events []domain.Event
	}{{premiere.Stream(p), film}, {user.Stream(customer), person}, {cart.Stream(customer), basket}, {account.Stream(customer), money}} {
		if len(a.events) == 0 {
			continue
		}
		data := make([]eventlog.EventData, len(a.events))
		for i, e := range a.events {
			name, payload, err := s.codec.Encode(e)
			if err != nil {
				return err
			}
			data[i] = eventlog.EventData{ID: uuid.New(), Type: name, Data: payload, Metadata: eventlog.Metadata{OccurredAt: at, CorrelationID: "seed"}}
		}
		if _, err := store.Append(context.Background(), a.stream, eventlog.Any, data); err != nil {
			return fmt.Errorf("append to %s: %w", a.stream, err)
		}
	}
	return nil
}

// seedWords make titles and descriptions: each word is in about one card in 16, so a
// search for one finds thousands of premieres at 100,000 (a common word).
var seedWords = strings.Fields("Маузер тень дуэль сад вишнёвый чайка буря гроза лес ревизор свадьба бал " +
	"маскарад горе ум король лир гамлет отелло ромео вишня дядя ваня три сестры дом пьеса сон ночь лето")

func seedCard(g int) premiere.Card {
	w := func(i int) string { return seedWords[(g*7+i*13)%len(seedWords)] }
	var d strings.Builder
	for i := range 24 {
		d.WriteString(w(i))
		d.WriteByte(' ')
	}
	return premiere.Card{Title: fmt.Sprintf("%s %s №%d", w(0), w(1), g), Actors: []string{"Артём Голованов", "Вера Сташевская", "Игнат Ромашин"},
		Description: d.String()}
}

func eventsPath(dir string) string { return filepath.Join(dir, "events.db") }
