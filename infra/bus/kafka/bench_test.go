package kafkabus_test

import (
	"context"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
)

// The forwarder's rate to the broker against the rate at which the embedded store
// takes appends (one event per append, as commands append): the forwarder keeps up
// if it forwards faster than the shop appends. Each round appends a fresh log of
// benchEvents events over 20 streams, then forwards it from the start through the
// real Kafka client to the in-process broker (kfake), each event acknowledged
// before the next, as the forwarder works.
func BenchmarkForwarderToKafka(b *testing.B) {
	const benchEvents = 2000
	broker := kafkatest.Start(b)
	bus := openBus(b, broker)
	var appending, forwarding time.Duration
	for b.Loop() {
		b.StopTimer()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		s := newShop(b, 20)
		start := time.Now()
		s.append(ctx, benchEvents)
		appending += time.Since(start)
		b.StartTimer()
		start = time.Now()
		s.forward(ctx, bus)
		s.forwarded(ctx)
		forwarding += time.Since(start)
		b.StopTimer()
		cancel()
		b.StartTimer()
	}
	events := float64(benchEvents * b.N)
	b.ReportMetric(events/forwarding.Seconds(), "forwarded-events/s")
	b.ReportMetric(events/appending.Seconds(), "appended-events/s")
	b.ReportMetric(benchEvents, "events/round")
	b.Logf("work: %d rounds of %d events (one per append, 20 streams) appended to SQLite, then forwarded to kfake with acks from all replicas", b.N, benchEvents)
}
