package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// rssTargetMB is the target for the server's RSS at 1,000,000 events.
const rssTargetMB = 150

// BenchmarkServerMemory measures the resident memory of a real `chance serve` process
// (read from /proc/<pid>) as its log grows to 1,000,000 events with 100,000 premieres
// (CHANCE_BENCH_MEMORY_EVENTS changes the size; CHANCE_MEMORY_BUDGET is passed on).
//
// At each stage (10%, 25%, 50%, 100%) the log is grown offline through the event
// store's batch append (one process per file: the server is stopped meanwhile), then
// the server starts, its projections catch up with the new events, and
// 8 customers search, open premiere cards, top up and rent through HTTP; the figures
// are read after that. VmHWM is the stage's peak, catch-up included. A stage takes
// minutes on 2 cores: this runs only with -bench, never with -short.
func BenchmarkServerMemory(b *testing.B) {
	if testing.Short() {
		b.Skip("minutes long: not with -short")
	}
	total := 1_000_000
	if v, ok := os.LookupEnv("CHANCE_BENCH_MEMORY_EVENTS"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("CHANCE_BENCH_MEMORY_EVENTS=%q must be a whole number ≥ 1000", v)
		}
		total = n
	}
	for range b.N {
		last := serverMemoryStages(b, []int{total / 10, total / 4, total / 2, total})
		b.ReportMetric(last.rssMB(), "RSS-MB")
		b.ReportMetric(last.hwmMB(), "peak-RSS-MB")
	}
}

func serverMemoryStages(b *testing.B, stages []int) memorySample {
	dir := b.TempDir()
	seeder := newLogSeeder()
	env := []string{"CHANCE_DEMO=false", "CHANCE_REGISTER_BURST=100", "CHANCE_SCHEDULER_INTERVAL=1h"}
	if v, ok := os.LookupEnv("CHANCE_MEMORY_BUDGET"); ok {
		env = append(env, "CHANCE_MEMORY_BUDGET="+v)
	}
	var customers []*customer
	var last memorySample
	b.Logf("%9s %9s | %7s %7s | %7s %7s %7s | %7s | %8s %7s | %8s | target", "events", "premieres", "VmRSS", "VmHWM", "anon", "file", "shmem", "go heap",
		"catch-up", "traffic", "fwd lag")
	for i, events := range stages {
		events -= events % seedGroupEvents
		began := time.Now()
		seeder.seedTo(b, eventsPath(dir), events)
		seeded := time.Since(began)
		srv := launchServer(b, dir, env...)
		if i == 0 {
			b.Log(budgetLine(srv.log.String()))
		}
		began = time.Now()
		awaitCaughtUp(b, srv)
		caughtUp := time.Since(began)
		if customers == nil {
			for c := range 8 {
				customers = append(customers, signUp(b, srv.base, fmt.Sprintf("memory-%d@example.com", c)))
			}
		}
		began = time.Now()
		requests := shopTraffic(b, srv, customers, seeder.premieres)
		awaitCaughtUp(b, srv)
		took := time.Since(began)
		last = sampleMemory(b, srv)
		forwarderLag, _ := lagPositions(strings.TrimSuffix(srv.base, "/api/v1"), "chance_forwarder_lag_positions")
		srv.stop(b)
		b.Logf("%9d %9d | %6.0fM %6.0fM | %6.0fM %6.0fM %6.0fM | %6.0fM | %7.0fs %6.0fs | %8.0f | ≤ %d MB (seeded in %.0fs; %d requests)",
			events, len(seeder.premieres), last.rssMB(), last.hwmMB(), mb(last.anon), mb(last.file), mb(last.shmem), mb(last.goHeap),
			caughtUp.Seconds(), took.Seconds(), forwarderLag, rssTargetMB, seeded.Seconds(), requests)
	}
	return last
}

// budgetLine is the server's "memory budget" log line.
func budgetLine(log string) string {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "memory budget") {
			return l
		}
	}
	return "(no memory budget line in the server's log)"
}

// shopTraffic has each customer top up once, rent a few premieres, open cards and
// search for common words, all at once; it returns how many requests were answered.
func shopTraffic(b *testing.B, srv *server, customers []*customer, premieres []uuid.UUID) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	answered := 0
	stamp := time.Now().UnixNano()
	for c, cu := range customers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			expect := func(status int, want ...int) {
				for _, w := range want {
					if status == w {
						n++
						return
					}
				}
				b.Errorf("customer %d: status %d, want one of %v", c, status, want)
			}
			status, _ := chaosPost(srv.base, "/billing/fill", cu.token, fmt.Sprintf("fill-%d-%d", stamp, c), map[string]any{"summ": 10_000_000})
			expect(status, http.StatusCreated)
			for i := range 200 {
				p := premieres[(c*7919+i*104729+int(stamp%1000))%len(premieres)].String()
				switch {
				case i%40 == 0: // one holding per premiere: a second rent of one is a 409
					status, _ := chaosPost(srv.base, "/rent/", cu.token, fmt.Sprintf("rent-%d-%d-%d", stamp, c, i), map[string]any{"id": p, "period": 1})
					expect(status, http.StatusCreated, http.StatusConflict)
				case i%2 == 0:
					status, _ := chaosDo(srv.base, "GET", "/premiere/"+p, "", "", nil)
					expect(status, http.StatusOK)
				default:
					status, _ := chaosDo(srv.base, "GET", "/search/?q="+seedWords[(c+i)%len(seedWords)]+"&limit=20", "", "", nil)
					expect(status, http.StatusOK)
				}
			}
			mu.Lock()
			answered += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return answered
}

// awaitCaughtUp waits until every projection has applied the whole log, as the
// server's own metrics say, polling (a child process has nothing to wait on). The
// forwarder is not waited for: it publishes at the pace of the notification senders
// (one inbox row and one .eml file a message), far behind a bulk-seeded log, and its
// backlog is part of the load the figures are read under.
func awaitCaughtUp(b *testing.B, srv *server) {
	root := strings.TrimSuffix(srv.base, "/api/v1")
	deadline := time.Now().Add(45 * time.Minute)
	for time.Now().Before(deadline) {
		if lag, series := lagPositions(root, "chance_projection_lag_positions"); series > 1 && lag == 0 {
			return
		}
		select {
		case <-srv.dead:
			b.Fatalf("chance serve exited: %v\n%s", srv.err, srv.log)
		case <-time.After(500 * time.Millisecond):
		}
	}
	b.Fatalf("not caught up within 45 minutes:\n%s", srv.log)
}

// lagPositions sums the series of metric (a lag in log positions).
func lagPositions(root, metric string) (lag float64, series int) {
	resp, err := http.Get(root + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, metric+"{") && !strings.HasPrefix(line, metric+" ") {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			return 0, 0
		}
		lag += v
		series++
	}
	return lag, series
}

// memorySample is a process's memory, in bytes.
type memorySample struct {
	rss, hwm          int64 // VmRSS, VmHWM
	anon, file, shmem int64 // RSS by kind: the heaps (Go's and SQLite's), mapped files (the binary), shared memory (WAL indexes)
	goHeap            int64 // the Go heap in use (go_memstats_heap_inuse_bytes)
}

func (m memorySample) rssMB() float64 { return mb(m.rss) }
func (m memorySample) hwmMB() float64 { return mb(m.hwm) }

// mb is bytes in MB (10^6), the unit of the target.
func mb(n int64) float64 { return float64(n) / 1e6 }

func sampleMemory(b *testing.B, srv *server) memorySample {
	pid := srv.cmd.Process.Pid
	var m memorySample
	status := procKiB(b, fmt.Sprintf("/proc/%d/status", pid))
	m.rss, m.hwm = status["VmRSS"], status["VmHWM"]
	m.anon, m.file, m.shmem = status["RssAnon"], status["RssFile"], status["RssShmem"]
	if resp, err := http.Get(strings.TrimSuffix(srv.base, "/api/v1") + "/metrics"); err == nil {
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "go_memstats_heap_inuse_bytes "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				m.goHeap = int64(f)
			}
		}
	}
	return m
}

// procKiB reads the "Name: N kB" lines of a /proc file, in bytes.
func procKiB(b *testing.B, path string) map[string]int64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	out := map[string]int64{}
	for _, line := range strings.Split(string(raw), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		f := strings.Fields(rest)
		if !ok || len(f) != 2 || f[1] != "kB" {
			continue
		}
		if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			out[name] = n << 10
		}
	}
	return out
}
