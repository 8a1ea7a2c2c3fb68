// Command chance-devkafka runs a one-node, in-memory Kafka-protocol broker (kfake) for
// trying the shop with CHANCE_BUS=kafka without installing Kafka:
//
//	go run ./cmd/chance-devkafka -addr 127.0.0.1:9092
//	CHANCE_BUS=kafka CHANCE_KAFKA_BROKERS=127.0.0.1:9092 go run ./cmd/chance serve
//
// It is for development only: everything it holds is in memory and gone when it
// stops (with its consumer groups' offsets), it has no replication, no security and
// answers as a test double. Run a real Kafka in production (see deploy/).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9092", "host:port to listen on; clients are told to connect to exactly this address")
	partitions := flag.Int("partitions", 6, "partitions of a topic created without a count")
	flag.Parse()
	if err := run(*addr, *partitions); err != nil {
		fmt.Fprintln(os.Stderr, "chance-devkafka:", err)
		os.Exit(1)
	}
}

func run(addr string, partitions int) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q is not host:port: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		// The broker advertises its listening address: clients could not connect to it.
		return fmt.Errorf("-addr %q: give the host clients connect to (e.g. 127.0.0.1), not an unspecified one", addr)
	}
	if partitions < 1 {
		return fmt.Errorf("-partitions %d: want at least 1", partitions)
	}
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(partitions),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) { return net.Listen(network, addr) }))
	if err != nil {
		return fmt.Errorf("start the broker on %s: %w", addr, err)
	}
	defer cluster.Close()
	fmt.Printf("chance-devkafka: in-memory Kafka broker (development only, nothing is kept) listening on %s\n", cluster.ListenAddrs()[0])
	fmt.Printf("  CHANCE_BUS=kafka CHANCE_KAFKA_BROKERS=%s chance serve\n", cluster.ListenAddrs()[0])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Println("chance-devkafka: stopped; its topics and offsets are gone")
	return nil
}
