package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/eventlog"
)

// flowStarts are the event types that start a flow across aggregates.
var flowStarts = map[string]bool{
	account.FundsWithdrawn{}.EventType():  true, // an order or a term extension
	account.PaymentRedeemed{}.EventType(): true, // an order paid earlier
	rental.TermChanged{}.EventType():      true, // a shortening to refund
	rental.Cancelled{}.EventType():        true, // a cancellation to refund
}

// Recover completes every flow started after position `after`, compensating where a
// step can no longer be done, and returns the position it reached. Completed flows are
// left as they are (every step is idempotent), so it is safe to run at every start
// and while the service serves. It neither reads nor moves the checkpoint (Pass does).
func (r *Recovery) Recover(ctx context.Context, after eventlog.Position) (eventlog.Position, error) {
	return r.recoverSettled(ctx, after, time.Time{})
}

// recoverSettled is Recover for flows started at or before settled: it stops at the
// first flow started later (a request may still be completing it), so the position it
// returns never passes a flow it left alone. A zero settled takes every flow.
//
// A flow that fails to complete does not stop the others: the pass goes on, but the
// position returned stays just before the first failed flow, so the next pass tries it
// again; the error joins every failure.
func (r *Recovery) recoverSettled(ctx context.Context, after eventlog.Position, settled time.Time) (eventlog.Position, error) {
	reached, failed := after, false
	var errs []error
	for {
		batch, err := r.Log.ReadAll(ctx, after, 512)
		if err != nil {
			return reached, errors.Join(append(errs, fmt.Errorf("recover: read after %s: %w", after, err))...)
		}
		if len(batch) == 0 {
			return reached, errors.Join(errs...)
		}
		for _, rec := range batch {
			if flowStarts[rec.Type] && !settled.IsZero() && rec.Metadata.OccurredAt.After(settled) {
				return reached, errors.Join(errs...) // too young: its request may still be running
			}
			if err := r.Service.Resume(ctx, rec); err != nil {
				if ctx.Err() != nil {
					return reached, errors.Join(append(errs, ctx.Err())...)
				}
				failed = true
				if len(errs) < maxRecoveryErrors {
					errs = append(errs, fmt.Errorf("recover: flow of %s@%d: %w", rec.StreamID, rec.Revision, err))
				}
			}
			if !failed {
				reached = rec.Position
			}
			after = rec.Position
		}
	}
}

// maxRecoveryErrors bounds the failures one pass reports.
const maxRecoveryErrors = 10

// Resume completes the flow a record starts, if it starts one.
func (s *Service) Resume(ctx context.Context, r eventlog.Record) error {
	if !flowStarts[r.Type] {
		return nil
	}
	e, err := s.codec.Decode(r.Type, r.Data)
	if err != nil {
		return err
	}
	switch e := e.(type) {
	case account.FundsWithdrawn:
		switch e.Purpose.Kind {
		case account.ForOrder:
			if s.completed.take(e.Payment) {
				return nil // its request completed it
			}
			_, err = s.completeOrder(ctx, e)
		case account.ForTermChange:
			_, err = s.completeTermCharge(ctx, e)
			if err == ErrTermChangedMeanwhile {
				err = nil // compensated: the flow is complete
			}
		}
	case account.PaymentRedeemed:
		if s.completed.take(e.Payment) {
			return nil
		}
		_, err = s.completeOrder(ctx, e)
	case rental.TermChanged:
		if e.Delta < 0 { // an extension's change is a step of its charge's flow, not a start
			_, err = s.finishTerm(ctx, e, false)
		}
	case rental.Cancelled:
		if e.Refund > 0 {
			_, err = s.finishTerm(ctx, e, false)
		}
	}
	return err
}
