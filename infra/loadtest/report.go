package loadtest

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// stats are one operation's latencies (microseconds, 3 significant digits, up to a
// minute) and failures by HTTP status (0: no answer).
type stats struct {
	hist   *hdrhistogram.Histogram
	errors map[int]int
}

func newStats() *stats {
	return &stats{hist: hdrhistogram.New(1, int64(time.Minute/time.Microsecond), 3), errors: map[int]int{}}
}

// record counts one request: its latency if it succeeded, its status if not.
func (s *stats) record(a answer) {
	if !a.ok() {
		s.errors[a.status]++
		return
	}
	_ = s.hist.RecordValue(max(int64(a.elapsed/time.Microsecond), 1)) // above a minute the client has timed out
}

func (s *stats) merge(o *stats) {
	s.hist.Merge(o.hist)
	for k, v := range o.errors {
		s.errors[k] += v
	}
}

// recorder holds one worker's stats per operation; workers merge theirs at the end,
// so recording takes no lock.
type recorder map[string]*stats

func (r recorder) of(op string) *stats {
	s, ok := r[op]
	if !ok {
		s = newStats()
		r[op] = s
	}
	return s
}

func (r recorder) merge(o recorder) {
	for op, s := range o {
		r.of(op).merge(s)
	}
}

// Result is one operation's figures.
type Result struct {
	Op                 string
	Count              int64 // successful requests
	PerSecond          float64
	P50, P95, P99, Max time.Duration
	Errors             map[int]int
}

// Report is a run's outcome and its work size.
type Report struct {
	Scenario                  string
	Concurrency               int
	Elapsed                   time.Duration
	Customers, Premieres      int
	EventsBefore, EventsAfter int64 // the log's head from /metrics; -1 if unknown
	LagAfter                  int64 // the furthest-behind follower's lag after the run (events); -1 if unknown
	Results                   []Result
	Notes                     []string
	Summary                   []string // extra RESULT lines
}

// results turns the merged stats into figures, operations in name order.
func results(r recorder, elapsed time.Duration) []Result {
	var out []Result
	for _, op := range slices.Sorted(maps.Keys(r)) {
		s := r[op]
		us := func(q float64) time.Duration { return time.Duration(s.hist.ValueAtQuantile(q)) * time.Microsecond }
		out = append(out, Result{Op: op, Count: s.hist.TotalCount(), PerSecond: float64(s.hist.TotalCount()) / elapsed.Seconds(),
			P50: us(50), P95: us(95), P99: us(99), Max: time.Duration(s.hist.Max()) * time.Microsecond, Errors: s.errors})
	}
	return out
}

// Print writes the table, then one RESULT line per operation for scripts.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "scenario %s: %d clients for %s, %d customers, %d premieres\n", r.Scenario, r.Concurrency,
		r.Elapsed.Round(time.Millisecond), r.Customers, r.Premieres)
	if r.EventsBefore >= 0 && r.EventsAfter >= 0 {
		added := r.EventsAfter - r.EventsBefore
		fmt.Fprintf(w, "events in the log: %d before, %d after (+%d, %.0f/s)", r.EventsBefore, r.EventsAfter, added, float64(added)/r.Elapsed.Seconds())
		if r.LagAfter >= 0 {
			fmt.Fprintf(w, "; followers' largest lag at the end: %d events", r.LagAfter)
		}
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tok\tper s\tp50\tp95\tp99\tmax\terrors by status\t")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\t\n", res.Op, res.Count, res.PerSecond,
			ms(res.P50), ms(res.P95), ms(res.P99), ms(res.Max), errorsText(res.Errors))
	}
	tw.Flush()
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	for _, res := range r.Results {
		fmt.Fprintf(w, "RESULT scenario=%s op=%s clients=%d ok=%d per_s=%.1f p50_ms=%s p95_ms=%s p99_ms=%s max_ms=%s errors=%d\n",
			r.Scenario, res.Op, r.Concurrency, res.Count, res.PerSecond, msNumber(res.P50), msNumber(res.P95), msNumber(res.P99), msNumber(res.Max), total(res.Errors))
	}
	for _, s := range r.Summary {
		fmt.Fprintln(w, s)
	}
}

func ms(d time.Duration) string { return msNumber(d) + "ms" }

func msNumber(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

func total(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// errorsText is "409×3 0×1" (0: no answer), or "-".
func errorsText(m map[int]int) string {
	if len(m) == 0 {
		return "-"
	}
	var parts []string
	for _, status := range slices.Sorted(maps.Keys(m)) {
		if status == 0 { // a transport error: refused, cut, timed out
			parts = append(parts, fmt.Sprintf("no-answer×%d", m[status]))
			continue
		}
		parts = append(parts, fmt.Sprintf("%d×%d", status, m[status]))
	}
	return strings.Join(parts, " ")
}
