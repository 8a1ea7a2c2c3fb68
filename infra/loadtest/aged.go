package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// freshAccounts are the new accounts the aged comparison rotates over, so that none
// of them grows long during the run.
const freshAccounts = 16

// runAged compares one top-up on an account with AgedEvents earlier events with one on
// a new account, from a single client, alternating the two so both meet the same
// server load.
func runAged(ctx context.Context, cfg Config, client *http.Client, progress io.Writer, acks *ackLog) (Report, error) {
	base := cfg.base()
	fmt.Fprintf(progress, "signing up %d customers…\n", 1+freshAccounts)
	customers, err := signUp(ctx, client, base, cfg.RunID, 1+freshAccounts, min(cfg.Concurrency, 4), acks)
	if err != nil {
		return Report{}, err
	}
	old, fresh := customers[0], customers[1:]
	fmt.Fprintf(progress, "ageing one account with %d top-ups…\n", cfg.AgedEvents)
	ageing := recorder{}
	w := &worker{client: client, base: base, rec: ageing, acks: acks}
	for range cfg.AgedEvents {
		if ctx.Err() != nil {
			return Report{}, ctx.Err()
		}
		w.fill(ctx, old, 100)
	}
	if failed := total(ageing.of(OpFill).errors); failed > 0 {
		return Report{}, fmt.Errorf("ageing the account: %d of %d top-ups failed (%s)", failed, cfg.AgedEvents, errorsText(ageing.of(OpFill).errors))
	}

	const oldOp, newOp = "fill-aged-account", "fill-new-account"
	rec := recorder{}
	fmt.Fprintf(progress, "alternating top-ups on the aged and on new accounts for %s…\n", cfg.Duration)
	before := scrape(ctx, client, cfg.root())
	start := time.Now()
	for i := 0; ctx.Err() == nil && time.Since(start) < cfg.Duration; i++ {
		for _, x := range []struct {
			op string
			c  *customer
		}{{oldOp, old}, {newOp, fresh[i%freshAccounts]}} {
			fill := call{method: http.MethodPost, path: "/billing/fill", token: x.c.token, moneyMoving: true, body: map[string]any{"summ": 100}}
			a := do(ctx, client, base, fill)
			rec.of(x.op).record(a)
			acks.record(OpFill, x.c.email, fill, a)
		}
	}
	elapsed := time.Since(start)
	after := scrape(ctx, client, cfg.root())
	r := Report{Scenario: ScenarioAged, Concurrency: 1, Elapsed: elapsed, Customers: len(customers),
		EventsBefore: before.head, EventsAfter: after.head, LagAfter: after.lag, Results: results(rec, elapsed)}
	o, n := rec.of(oldOp).hist, rec.of(newOp).hist
	if n.TotalCount() > 0 && o.TotalCount() > 0 {
		ratio := float64(o.ValueAtQuantile(50)) / float64(n.ValueAtQuantile(50))
		r.Notes = append(r.Notes, fmt.Sprintf("one top-up on an account with ≥ %d earlier events vs on a new one (rotating over %d, each < %d events): p50 %s vs %s, ratio %.2f×",
			cfg.AgedEvents, freshAccounts, 2+n.TotalCount()/freshAccounts+1, ms(time.Duration(o.ValueAtQuantile(50))*time.Microsecond),
			ms(time.Duration(n.ValueAtQuantile(50))*time.Microsecond), ratio))
		r.Summary = append(r.Summary, fmt.Sprintf("RESULT scenario=aged ratio_p50=%.2f", ratio))
	}
	return r, ctx.Err()
}
