package app

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/all"
	"github.com/chance-video/chance/readmodel/ledger"
)

// The billing history is projected from the log by the runner on the embedded setup;
// on Kafka it is fed by its consumer of the accounts topic (ledger.Feed) instead, in
// consumer groups that scale out. Kafka keeps one account's events in order (they share
// a partition key) but not the log's order across accounts, so there:
//   - a customer's billing query waits, per stream, until the history has applied the
//     customer's account stream up to its revision on the write side (queries.Fed);
//   - the auditors' history of every account is eventually consistent;
//   - at start, and after a rebuild swapped fresh tables in, the history is caught up
//     with the log from its checkpoint (projections.CatchUp): whatever the consumer did
//     not bring there is applied too, idempotently by event id.

// projected are the read models the runner projects from the log.
func (a *App) projected() []projections.Projector {
	var ps []projections.Projector
	for _, p := range all.Projectors() {
		if _, fed := a.fed()[p.Name()]; !fed {
			ps = append(ps, p)
		}
	}
	return ps
}

// fed are the read models fed from the bus, by name: the billing history on Kafka.
func (a *App) fed() map[string]projections.Projector {
	if !a.Config.FeedsBillingFromBus() {
		return nil
	}
	return map[string]projections.Projector{ledger.Name: ledger.Projector}
}

// fedReads tells queries how to wait for the read models fed from the bus.
func (a *App) fedReads() map[string]queries.Fed {
	if _, ok := a.fed()[ledger.Name]; !ok {
		return nil
	}
	return map[string]queries.Fed{ledger.Name: {
		StreamOf: account.Stream,
		Written:  a.Commands.Lookup().StreamRevision,
		Applied:  a.Reads.AppliedRevision,
	}}
}

// catchUpFedReads applies the log to the read models fed from the bus, from their
// checkpoints up to the head: events published before their consumer first ran, or
// while this data folder ran with the in-process bus, reach them too.
func (a *App) catchUpFedReads(ctx context.Context, g *errgroup.Group) {
	fed := a.fed()
	if len(fed) == 0 {
		return
	}
	g.Go(func() error {
		for _, p := range fed {
			if err := projections.CatchUp(ctx, a.Events, a.Reads, p); err != nil {
				return err
			}
		}
		close(a.billingCaughtUp)
		return nil
	})
}
