package commands_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/usecase"
)

// BenchmarkRentFlow runs the whole rent flow (quote, slot lookup, debit, rental)
// without HTTP, through the use-case handlers, on the SQLite store with fsync'd commits, from 1 and 16 concurrent
// clients. Rents rotate over 64 customers, each renting distinct premieres; each rent
// appends 2 events to 2 streams.
func BenchmarkRentFlow(b *testing.B) {
	const customerCount = 64
	for _, workers := range []int{1, 16} {
		b.Run("clients="+strconv.Itoa(workers), func(b *testing.B) {
			ctx := context.Background()
			store, err := eventsqlite.Open(filepath.Join(b.TempDir(), "events.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			svc := commands.New(store, clock.NewManual(start))
			// Rents go through the handlers, as every caller's do, with the hooks the app
			// sets (a logger, here above Debug so it writes nothing).
			handlers := commands.NewHandlers(svc, usecase.Hooks{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			customers := make([]uuid.UUID, customerCount)
			for i := range customers {
				u, _, err := svc.Register(ctx, commands.Registration{Email: uuid.NewString()[:12] + "@bench.ru", FirstName: "A", LastName: "B", PasswordHash: "h"}, commands.Request{})
				if err != nil {
					b.Fatal(err)
				}
				customers[i] = u.ID
				for range 2 {
					if _, err := svc.Fill(ctx, u.ID, money.MaxOperation, key(uuid.NewString())); err != nil {
						b.Fatal(err)
					}
				}
			}
			premieres := make([]uuid.UUID, b.N/customerCount+1)
			for i := range premieres {
				premieres[i] = uuid.New()
				_, _, err := svc.Premiere(ctx, premieres[i], premiere.Publish{ID: premieres[i], Card: premiere.Card{Title: "Премьера"},
					Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}, Now: start}, commands.Request{})
				if err != nil {
					b.Fatal(err)
				}
			}
			var next atomic.Int64
			b.ResetTimer()
			done := make(chan error, workers)
			for range workers {
				go func() {
					for {
						i := int(next.Add(1) - 1)
						if i >= b.N {
							done <- nil
							return
						}
						// Concurrent clients take distinct customers at any moment (i differs by < 64).
						in := commands.RentInput{PremiereID: premieres[i/customerCount], Hours: 1}
						_, err := handlers.Rent.Handle(ctx, commands.Rent{UserID: customers[i%customerCount], Rent: in, Request: key(uuid.NewString())})
						if err != nil {
							done <- err
							return
						}
					}
				}()
			}
			for range workers {
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rents/s")
			b.Logf("work: %d rents from %d concurrent clients over %d customers (2 events each, fsync'd SQLite)", b.N, workers, customerCount)
		})
	}
}
