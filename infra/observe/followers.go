package observe

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chance-video/chance/eventlog"
)

// Log is what the lag of the log's followers is measured against.
type Log interface {
	Head(ctx context.Context) (eventlog.Position, error)
	ReadAll(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error)
}

// Followers are followers of the log of one kind: the projections, or the forwarder.
// Their position and lag are read when Prometheus scrapes, so following costs nothing.
type Followers struct {
	// Kind names the metrics (chance_<kind>_position, _lag_positions, _lag_seconds)
	// and their label (kind="<follower name>"): "projection" or "forwarder".
	Kind  string
	Names func() []string
	// Reached is how far a follower has got; an error leaves its series out of this
	// scrape.
	Reached func(ctx context.Context, name string) (eventlog.Position, error)
}

// scrapeTimeout bounds the reads of the log one scrape makes.
const scrapeTimeout = 2 * time.Second

// WatchFollowers reports, at each scrape, the log's head and, for each follower, its
// position, its lag in log positions (events on SQLite and PostgreSQL, bytes of the
// log on EventStoreDB), and its lag in seconds: the age of the first event it has
// not applied yet (0 when caught up). now is the shop's clock.
func (m *Metrics) WatchFollowers(log Log, now func() time.Time, groups ...Followers) {
	c := &followerCollector{log: log, now: now, groups: groups,
		head: prometheus.NewDesc("chance_eventstore_head_position", "Position of the last event committed to the log.", nil, nil)}
	for _, g := range groups {
		c.descs = append(c.descs, followerDescs{
			position: prometheus.NewDesc("chance_"+g.Kind+"_position", "How far the "+g.Kind+" has applied the log (a log position).", []string{g.Kind}, nil),
			lag:      prometheus.NewDesc("chance_"+g.Kind+"_lag_positions", "Log head minus the "+g.Kind+"'s position: events on SQLite and PostgreSQL, log bytes on EventStoreDB.", []string{g.Kind}, nil),
			seconds:  prometheus.NewDesc("chance_"+g.Kind+"_lag_seconds", "Age of the first event the "+g.Kind+" has not applied yet; 0 when caught up.", []string{g.Kind}, nil),
		})
	}
	m.registry.MustRegister(c)
}

type followerDescs struct{ position, lag, seconds *prometheus.Desc }

type followerCollector struct {
	log    Log
	now    func() time.Time
	groups []Followers
	head   *prometheus.Desc
	descs  []followerDescs
}

func (c *followerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.head
	for _, d := range c.descs {
		ch <- d.position
		ch <- d.lag
		ch <- d.seconds
	}
}

func (c *followerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	head, err := c.log.Head(ctx)
	if err != nil {
		return // the store is unreachable: no lag rather than a wrong one (readiness reports it)
	}
	ch <- prometheus.MustNewConstMetric(c.head, prometheus.GaugeValue, float64(head.Commit))
	ages := map[eventlog.Position]float64{} // followers at one position share the read
	for i, g := range c.groups {
		d := c.descs[i]
		for _, name := range g.Names() {
			at, err := g.Reached(ctx, name)
			if err != nil {
				continue
			}
			ch <- prometheus.MustNewConstMetric(d.position, prometheus.GaugeValue, float64(at.Commit), name)
			var lag uint64
			if at.Less(head) {
				lag = head.Commit - at.Commit
			}
			ch <- prometheus.MustNewConstMetric(d.lag, prometheus.GaugeValue, float64(lag), name)
			if age, ok := c.age(ctx, ages, at, lag); ok {
				ch <- prometheus.MustNewConstMetric(d.seconds, prometheus.GaugeValue, age, name)
			}
		}
	}
}

// age is how old the first event after at is: how far behind in time a follower at
// at is.
func (c *followerCollector) age(ctx context.Context, ages map[eventlog.Position]float64, at eventlog.Position, lag uint64) (float64, bool) {
	if lag == 0 {
		return 0, true
	}
	if a, ok := ages[at]; ok {
		return a, true
	}
	next, err := c.log.ReadAll(ctx, at, 1)
	if err != nil || len(next) == 0 {
		return 0, false
	}
	a := max(c.now().Sub(next[0].Metadata.OccurredAt).Seconds(), 0)
	ages[at] = a
	return a, true
}
