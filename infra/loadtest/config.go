// Package loadtest drives a running shop over HTTP the way many customers would
// (sign up, top up, rent, check out, cancel) and reports throughput and latency
// percentiles per operation. `chance loadtest` and `make bench-http` use it.
package loadtest

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Operations a worker can pick (a scenario's mix names them).
const (
	OpRent     = "rent"
	OpFill     = "fill"
	OpCheckout = "checkout" // two cart items, the form, then the payment
	OpCancel   = "cancel"   // cancels a rental the customer holds (renting one first if none)
	OpPremiere = "premiere" // GET /premiere/:id, anonymous: the HTTP path's ceiling
)

// Scenario names; "aged" is not a mix but the fill-on-an-old-account comparison.
const ScenarioAged = "aged"

// scenarios are the named mixes (weights per operation).
var scenarios = map[string]map[string]int{
	"rent":     {OpRent: 1},
	"fill":     {OpFill: 1},
	"checkout": {OpCheckout: 1},
	"cancel":   {OpCancel: 1},
	"premiere": {OpPremiere: 1},
	"mixed":    {OpRent: 5, OpFill: 2, OpCheckout: 1, OpCancel: 1, OpPremiere: 1},
}

// Scenarios lists the names --scenario takes.
func Scenarios() []string {
	names := []string{ScenarioAged}
	for n := range scenarios {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Config is one run.
type Config struct {
	URL         string        // the API's base, e.g. http://127.0.0.1:8080 (…/api/v1 is added if missing)
	Concurrency int           // clients working at once, each on its own customers
	Duration    time.Duration // how long the measured part runs
	Customers   int           // customers signed up before it
	Scenario    string        // a name from Scenarios
	Mix         string        // "rent=5,fill=2": overrides the scenario's weights
	// Premieres to publish before the run (needs AdminEmail/AdminPassword): renting
	// needs customers × premieres ≥ the rents made, as one customer holds a premiere once.
	Premieres     int
	AdminEmail    string
	AdminPassword string
	// AgedEvents is how many top-ups the old account gets before the aged comparison.
	AgedEvents int
	// Acks, if set, gets one JSON line (an Ack) per money-moving command answered 2xx,
	// the sign-ups' top-ups included: what a crash of the server must not lose.
	Acks io.Writer
	// RunID makes this run's customers' emails unique on a server that has seen earlier runs.
	RunID string
}

// Defaults are the flags' defaults.
func Defaults() Config {
	return Config{URL: "http://127.0.0.1:8080", Concurrency: 16, Duration: 10 * time.Second, Customers: 64,
		Scenario: "rent", AgedEvents: 8000}
}

// Validate reports a configuration the run could not honour.
func (c Config) Validate() error {
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("--url %q must be http(s)://host:port", c.URL))
	}
	if c.Concurrency < 1 || c.Concurrency > 10_000 {
		errs = append(errs, fmt.Errorf("--concurrency %d must be 1..10000", c.Concurrency))
	}
	if c.Duration <= 0 || c.Duration > 24*time.Hour {
		errs = append(errs, fmt.Errorf("--duration %s must be above 0 and at most 24h", c.Duration))
	}
	if c.Scenario != ScenarioAged && c.Customers < c.Concurrency {
		errs = append(errs, fmt.Errorf("--customers %d must be at least --concurrency %d: each client works on customers of its own", c.Customers, c.Concurrency))
	}
	if c.Customers > 1_000_000 || c.Premieres < 0 || c.Premieres > 100_000 || c.AgedEvents < 0 || c.AgedEvents > 1_000_000 {
		errs = append(errs, errors.New("--customers ≤ 1000000, --premieres 0..100000, --aged-events 0..1000000"))
	}
	if c.Premieres > 0 && (c.AdminEmail == "" || c.AdminPassword == "") {
		errs = append(errs, errors.New("--premieres needs --admin-email and --admin-password (a user with the admin role)"))
	}
	if _, err := c.weights(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// base is the API's prefix.
func (c Config) base() string {
	u := strings.TrimSuffix(c.URL, "/")
	if !strings.HasSuffix(u, "/api/v1") {
		u += "/api/v1"
	}
	return u
}

// root is the server's root, where /metrics lives.
func (c Config) root() string { return strings.TrimSuffix(c.base(), "/api/v1") }

// weights are the operations' weights for this run, in a stable order.
func (c Config) weights() ([]weighted, error) {
	if c.Scenario == ScenarioAged {
		return nil, nil
	}
	mix, ok := scenarios[c.Scenario]
	if !ok {
		return nil, fmt.Errorf("--scenario %q: want one of %s", c.Scenario, strings.Join(Scenarios(), ", "))
	}
	if c.Mix != "" {
		var err error
		if mix, err = parseMix(c.Mix); err != nil {
			return nil, err
		}
	}
	var out []weighted
	for _, op := range []string{OpRent, OpFill, OpCheckout, OpCancel, OpPremiere} {
		if w := mix[op]; w > 0 {
			out = append(out, weighted{op, w})
		}
	}
	return out, nil
}

type weighted struct {
	op     string
	weight int
}

// parseMix reads "rent=5,fill=2".
func parseMix(s string) (map[string]int, error) {
	mix := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		op, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 || n > 1000 {
			return nil, fmt.Errorf("--mix %q: want op=weight pairs such as rent=5,fill=2 (weights 0..1000)", s)
		}
		if _, known := scenarios[op]; !known || op == "mixed" {
			return nil, fmt.Errorf("--mix: unknown operation %q; want rent, fill, checkout, cancel or premiere", op)
		}
		mix[op] = n
	}
	total := 0
	for _, n := range mix {
		total += n
	}
	if total == 0 {
		return nil, fmt.Errorf("--mix %q: every weight is 0", s)
	}
	return mix, nil
}
