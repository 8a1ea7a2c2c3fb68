package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
)

// BenchmarkTopUpToInboxLatency measures how long a message takes to reach the customer:
// from a top-up command's return to the inbox sender having stored its message,
// through the whole shop as `chance serve` runs it (forwarder, the notification
// policy, the senders: inbox and .eml email), on the in-process bus and on Kafka
// (kfake, an in-process broker, through the real client). latencyClients customers
// top up either at a steady paced rate (below what the shop can take: the latency of
// a message) or each again as soon as the last returned (saturated: commands outrun
// the message flow, so the figure is mostly the backlog's queueing).
func BenchmarkTopUpToInboxLatency(b *testing.B) {
	for _, busName := range []string{config.GoChannel, config.Kafka} {
		for _, rate := range []int{latencyPacedRate, 0} {
			load := "saturated"
			if rate > 0 {
				load = fmt.Sprintf("%d-per-s", rate)
			}
			b.Run("bus="+busName+"/load="+load, func(b *testing.B) {
				cfg := config.Defaults()
				cfg.DataDir, cfg.Demo, cfg.SchedulerInterval, cfg.RecoveryInterval = b.TempDir(), false, time.Hour, time.Hour
				if busName == config.Kafka {
					cfg.Bus, cfg.KafkaBrokers = config.Kafka, kafkatest.Start(b).Brokers()
				}
				benchLatency(b, cfg, rate)
			})
		}
	}
}

const (
	latencyClients      = 8
	latencyTopUpsPerRun = 50  // per client and round
	latencyPacedRate    = 200 // top-ups per second, all clients together
)

// benchLatency times top-ups at rate per second (0: as fast as they return).
func benchLatency(b *testing.B, cfg config.Config, rate int) {
	ctx := context.Background()
	a, err := app.Open(cfg, clock.NewManual(start), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	l := &latencies{returned: map[uuid.UUID][]time.Time{}, stored: map[uuid.UUID][]time.Time{}, seen: map[uuid.UUID]bool{}, changed: make(chan struct{})}
	replaceSender(a, senders.InboxHandler, l.watch)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
		if err := a.Close(); err != nil {
			b.Error(err)
		}
	}()
	<-a.Ready()

	customers := make([]uuid.UUID, latencyClients)
	for i := range customers {
		u, _, err := a.Commands.Register(ctx, commands.Registration{Email: uuid.NewString()[:12] + "@bench.ru", FirstName: "A", LastName: "B", PasswordHash: "h"}, commands.Request{})
		if err != nil {
			b.Fatal(err)
		}
		customers[i] = u.ID
	}
	var elapsed time.Duration
	for b.Loop() {
		begun := time.Now()
		var wg sync.WaitGroup
		for _, c := range customers {
			wg.Go(func() {
				var pace *time.Ticker
				if rate > 0 {
					pace = time.NewTicker(time.Second * latencyClients / time.Duration(rate))
					defer pace.Stop()
				}
				for range latencyTopUpsPerRun {
					if pace != nil {
						<-pace.C
					}
					if _, err := a.Commands.Fill(ctx, c, 100, commands.Request{Key: uuid.NewString()}); err != nil {
						b.Error(err)
						return
					}
					l.returnedAt(c, time.Now())
				}
			})
		}
		wg.Wait()
		l.await(b, l.topUps())
		elapsed += time.Since(begun)
	}
	all := l.all()
	slices.Sort(all)
	ms := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "delivered-topups/s") // each round until its last message is stored
	how := "each topping up again once its last returned"
	if rate > 0 {
		how = fmt.Sprintf("paced at %d top-ups/s together", rate)
	}
	b.Logf("work: %d rounds of %d top-ups (%d customers, %s); %d messages timed", b.N, latencyClients*latencyTopUpsPerRun, latencyClients, how, len(all))
}

// latencies pairs each customer's k-th returned top-up with the k-th top-up message
// the inbox stored for them (one customer's messages are stored in the order of their
// events; a redelivered message counts once).
type latencies struct {
	mu       sync.Mutex
	returned map[uuid.UUID][]time.Time
	stored   map[uuid.UUID][]time.Time
	seen     map[uuid.UUID]bool // message ids stored
	count    int
	changed  chan struct{}
}

func (l *latencies) watch(handle bus.Handler) bus.Handler {
	return func(ctx context.Context, m *message.Message) error {
		if err := handle(ctx, m); err != nil {
			return err
		}
		at := time.Now()
		msg, err := notifications.Decode(m)
		if err != nil || msg.Kind != notifications.KindFundsAdded {
			return err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if !l.seen[msg.ID] {
			l.seen[msg.ID] = true
			l.stored[msg.UserID] = append(l.stored[msg.UserID], at)
			l.count++
			close(l.changed)
			l.changed = make(chan struct{})
		}
		return nil
	}
}

func (l *latencies) returnedAt(user uuid.UUID, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.returned[user] = append(l.returned[user], at)
}

func (l *latencies) topUps() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.returned {
		n += len(r)
	}
	return n
}

// await waits until the inbox has stored n top-up messages.
func (l *latencies) await(b *testing.B, n int) {
	timeout := time.After(5 * time.Minute)
	for {
		l.mu.Lock()
		count, changed := l.count, l.changed
		l.mu.Unlock()
		if count >= n {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			b.Fatalf("the inbox stored %d of %d top-up messages in 5 minutes", count, n)
		}
	}
}

// all is every latency; a message stored before its command returned counts as 0.
func (l *latencies) all() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Duration
	for user, returned := range l.returned {
		for k, r := range returned {
			out = append(out, max(0, l.stored[user][k].Sub(r)))
		}
	}
	return out
}
