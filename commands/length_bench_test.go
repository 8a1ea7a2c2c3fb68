package commands_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/snapshotstore/snapsqlite"
)

// streamLengths are the account lengths BenchmarkCommandByStreamLength compares.
var streamLengths = []int{10, 1_000, 10_000}

// BenchmarkCommandByStreamLength times one command (a top-up, a rent) on an account
// stream of 10, 1,000 and 10,000 earlier events, on the fsync'd SQLite store, and prints
// the figures side by side with the ratio to the shortest stream:
//   - cached: the service has the account in memory (a busy customer);
//   - restart: a fresh service (as after a restart or an eviction) that has only what
//     the stores hold: the log, and the snapshots the service writes.
//
// A command appends to the stream it is timed on, so each account serves only a few
// commands (a tenth of its length, at least one) before the next, fresh one is used.
func BenchmarkCommandByStreamLength(b *testing.B) {
	results := map[string]time.Duration{}
	for _, command := range []string{"fill", "rent"} {
		for _, mode := range []string{"cached", "restart"} {
			for _, n := range streamLengths {
				name := fmt.Sprintf("%s/%s/events=%d", command, mode, n)
				b.Run(name, func(b *testing.B) {
					lb := newLengthBench(b, n)
					lb.run(b, command, mode == "cached")
					results[name] = b.Elapsed() / time.Duration(b.N)
				})
			}
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "one command on an account of N earlier events (fsync'd SQLite), per command:\n")
	fmt.Fprintf(&table, "%-14s %12s %12s %12s %20s\n", "", "N=10", "N=1,000", "N=10,000", "10,000 vs 10 (≤1.3×)")
	for _, command := range []string{"fill", "rent"} {
		for _, mode := range []string{"cached", "restart"} {
			row := make([]time.Duration, len(streamLengths))
			for i, n := range streamLengths {
				row[i] = results[fmt.Sprintf("%s/%s/events=%d", command, mode, n)]
			}
			if row[0] == 0 {
				continue // filtered out by -bench
			}
			fmt.Fprintf(&table, "%-14s %12s %12s %12s %19.2f×\n", command+" "+mode,
				row[0].Round(time.Microsecond), row[1].Round(time.Microsecond), row[2].Round(time.Microsecond),
				float64(row[2])/float64(row[0]))
		}
	}
	fmt.Print(table.String())
}

// lengthBench is one store with accounts of n events made on demand.
type lengthBench struct {
	ctx       context.Context
	n         int
	path      string
	store     *eventsqlite.Store
	clock     *clock.Manual
	svc       *commands.Service
	snapshots *snapsqlite.Store
	codec     *codec.Codec
}

func newLengthBench(b *testing.B, n int) *lengthBench {
	b.Helper()
	lb := &lengthBench{ctx: context.Background(), n: n, path: filepath.Join(b.TempDir(), "events.db"), clock: clock.NewManual(start), codec: codec.Shop()}
	store, err := eventsqlite.Open(lb.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	snapshots, err := snapsqlite.Open(filepath.Join(filepath.Dir(lb.path), "snapshots.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { snapshots.Close() })
	lb.store, lb.snapshots = store, snapshots
	lb.svc = lb.newService()
	return lb
}

// newService is a service with nothing in memory, as after a start.
func (lb *lengthBench) newService() *commands.Service {
	return commands.New(lb.store, lb.clock, commands.WithSnapshots(commands.SnapshotConfig{Store: lb.snapshots}))
}

// account makes a customer account of n top-ups, appended straight to the store in
// batches (each with its own idempotency key, as the service writes them).
func (lb *lengthBench) account(b *testing.B) uuid.UUID {
	b.Helper()
	user := uuid.New()
	stream := account.Stream(user)
	const batch = 500
	for from := 0; from < lb.n; from += batch {
		events := make([]eventlog.EventData, 0, batch)
		for i := from; i < min(from+batch, lb.n); i++ {
			k := "seed-" + strconv.Itoa(i)
			payment := commands.PaymentID(user, k)
			e := account.FundsAdded{UserID: user, Payment: payment, Amount: money.MaxOperation, BalanceAfter: money.MaxOperation * money.Kopecks(i+1), At: start}
			name, data, err := lb.codec.Encode(e)
			if err != nil {
				b.Fatal(err)
			}
			events = append(events, eventlog.EventData{ID: uuid.New(), Type: name, Data: data,
				Metadata: eventlog.Metadata{IdempotencyKey: k, Fingerprint: "fp:" + k, UserID: user.String(), OccurredAt: start}})
		}
		expected := eventlog.NoStream
		if from > 0 {
			expected = eventlog.Exact(uint64(from - 1))
		}
		if _, err := lb.store.Append(lb.ctx, stream, expected, events); err != nil {
			b.Fatal(err)
		}
	}
	return user
}

// premiere publishes one premiere to rent.
func (lb *lengthBench) premiere(b *testing.B) uuid.UUID {
	b.Helper()
	id := uuid.New()
	_, _, err := lb.svc.Premiere(lb.ctx, id, premiere.Publish{ID: id, Card: premiere.Card{Title: "Премьера"},
		Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}, Now: start}, commands.Request{})
	if err != nil {
		b.Fatal(err)
	}
	return id
}

func (lb *lengthBench) run(b *testing.B, command string, cached bool) {
	perAccount := max(1, lb.n/10)
	var user uuid.UUID
	svc := lb.svc
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if i%perAccount == 0 {
			user = lb.account(b)
			// The first load reads and folds the whole stream (and may leave a snapshot).
			if _, err := lb.svc.Lookup().LoadAccount(lb.ctx, user); err != nil {
				b.Fatal(err)
			}
			settle(lb.svc)
		}
		if !cached {
			svc = lb.newService()
		}
		var prem uuid.UUID
		if command == "rent" {
			prem = lb.premiere(b)
		}
		b.StartTimer()
		var err error
		switch command {
		case "fill":
			_, err = svc.Fill(lb.ctx, user, 100, key(uuid.NewString()))
		case "rent":
			_, err = svc.Rent(lb.ctx, user, commands.RentInput{PremiereID: prem, Hours: 1}, key(uuid.NewString()))
		}
		if err != nil {
			b.Fatal(err)
		}
		if !cached {
			b.StopTimer()
			settle(svc) // the snapshot it may have left is written before the next start
			b.StartTimer()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/cmd")
	b.Logf("work: %d %s commands on accounts of %d to %d events, %s", b.N, command, lb.n, lb.n+perAccount, map[bool]string{true: "cached", false: "after a restart"}[cached])
}

// settle waits for the snapshots the service writes in the background.
func settle(s *commands.Service) { s.WaitSnapshots() }
