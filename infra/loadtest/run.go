package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Run prepares the customers (and premieres), runs the scenario for the configured
// duration and returns its report. progress gets a line per preparation step.
func Run(ctx context.Context, cfg Config, progress io.Writer) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	if cfg.RunID == "" {
		cfg.RunID = uuid.NewString()[:8]
	}
	client := newHTTPClient(cfg.Concurrency)
	acks := newAckLog(cfg.Acks)
	var (
		r   Report
		err error
	)
	if cfg.Scenario == ScenarioAged {
		r, err = runAged(ctx, cfg, client, progress, acks)
	} else {
		r, err = run(ctx, cfg, client, progress, acks)
	}
	n, ackErr := acks.result()
	if cfg.Acks != nil && ackErr == nil {
		r.Notes = append(r.Notes, fmt.Sprintf("%d acknowledged money-moving commands written to --acks", n))
	}
	return r, errors.Join(err, ackErr)
}

// run is a scenario of weighted operations (every one but aged).
func run(ctx context.Context, cfg Config, client *http.Client, progress io.Writer, acks *ackLog) (Report, error) {
	base := cfg.base()
	token := ""
	if cfg.Premieres > 0 {
		fmt.Fprintf(progress, "publishing %d premieres…\n", cfg.Premieres)
		var err error
		if token, err = publish(ctx, client, base, cfg.AdminEmail, cfg.AdminPassword, cfg.Premieres, cfg.Concurrency); err != nil {
			return Report{}, err
		}
	}
	premieres, err := catalogue(ctx, client, base, token)
	if err != nil {
		return Report{}, err
	}
	fmt.Fprintf(progress, "signing up and topping up %d customers…\n", cfg.Customers)
	customers, err := signUp(ctx, client, base, cfg.RunID, cfg.Customers, cfg.Concurrency, acks)
	if err != nil {
		return Report{}, err
	}
	weights, _ := cfg.weights()
	totalWeight := 0
	for _, x := range weights {
		totalWeight += x.weight
	}
	workers := make([]*worker, cfg.Concurrency)
	for i := range workers {
		w := &worker{client: client, base: base, premieres: premieres, weights: weights, total: totalWeight,
			rng: rand.New(rand.NewPCG(uint64(i), 42)), rec: recorder{}, acks: acks}
		for j := i; j < len(customers); j += cfg.Concurrency {
			w.customers = append(w.customers, customers[j])
		}
		workers[i] = w
	}

	fmt.Fprintf(progress, "running %s with %d clients for %s…\n", cfg.Scenario, cfg.Concurrency, cfg.Duration)
	before := scrape(ctx, client, cfg.root())
	start := time.Now()
	end := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.runUntil(ctx, end) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	after := scrape(ctx, client, cfg.root())

	all := recorder{}
	full := 0
	for _, w := range workers {
		all.merge(w.rec)
		if w.full {
			full++
		}
	}
	r := Report{Scenario: cfg.Scenario, Concurrency: cfg.Concurrency, Elapsed: elapsed, Customers: len(customers), Premieres: len(premieres),
		EventsBefore: before.head, EventsAfter: after.head, LagAfter: after.lag, Results: results(all, elapsed)}
	if full > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d of %d clients stopped early: their customers held every premiere "+
			"(a customer holds a premiere once; pass more --customers or --premieres)", full, cfg.Concurrency))
	}
	return r, ctx.Err()
}
