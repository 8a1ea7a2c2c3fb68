package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/chance-video/chance/audit"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

// Outcomes of VerifyBooks other than clean books, told apart in their message.
var (
	ErrBooksDiffer = errors.New("audit verify: the read models differ from the event log (see the report above)")
	ErrBooksBehind = errors.New("audit verify: the read models are behind the event log; nothing was compared (retry once the projector has caught up, or raise --wait)")
)

// VerifyBooks re-derives every balance, payment and billing-history line from the log,
// compares them with the read models and writes the report to out. With catchUp, this
// process owns the read models and applies the log to them first (an embedded folder
// with no server running); otherwise a projector elsewhere (this server's own, or
// another process's) is given up to wait to reach the log's head, and a read model
// still behind is reported as lag, not as a difference.
func (a *App) VerifyBooks(ctx context.Context, wait time.Duration, catchUp bool, out io.Writer) error {
	if catchUp {
		if err := a.catchUpBooks(ctx, wait); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(wait)
	for {
		r, err := audit.Verify(ctx, a.Events, a.Reads)
		if err != nil {
			return err
		}
		if len(r.Lag) > 0 && time.Now().Before(deadline) {
			select { // a projector elsewhere is still applying the log: give it a moment
			case <-time.After(time.Second):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		r.Write(out)
		switch {
		case len(r.Lag) > 0:
			return ErrBooksBehind
		case !r.Clean():
			return ErrBooksDiffer
		}
		return nil
	}
}

// awaitOwnProjectors waits, for at most wait, until this server's own projectors of
// the read models an audit checks have applied the log up to its head, so the audit
// compares once instead of finding them behind.
func (a *App) awaitOwnProjectors(ctx context.Context, wait time.Duration) error {
	head, err := a.Events.Head(ctx)
	if err != nil {
		return err
	}
	waiting, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	// A read model fed from the bus has no position to wait for: VerifyBooks reports
	// its lag, if any, after its own wait.
	var own []string
	for _, name := range []string{accounts.Name, ledger.Name} {
		if slices.Contains(a.Runner.Names(), name) {
			own = append(own, name)
		}
	}
	err = a.Runner.Progress().Wait(waiting, head, own...)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return nil // still behind: the audit reports the lag
	}
	return err
}

// catchUpBooks applies the log up to its current head to the read models the audit reads.
func (a *App) catchUpBooks(ctx context.Context, wait time.Duration) error {
	head, err := a.Events.Head(ctx)
	if err != nil {
		return err
	}
	checked := []projections.Projector{accounts.Projector, ledger.Projector}
	names := make([]string, len(checked))
	for i, p := range checked {
		names[i] = p.Name()
	}
	progress := projections.NewProgress(names...)
	follow, stop := context.WithCancel(ctx)
	g, follow := errgroup.WithContext(follow)
	for _, p := range checked {
		g.Go(func() error { return projections.Follow(follow, a.Events, a.Reads, codec.Shop(), p, progress) })
	}
	waiting, cancel := context.WithTimeout(follow, max(wait, time.Second))
	defer cancel()
	waitErr := progress.Wait(waiting, head, names...)
	stop()
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("catch the read models up: %w", err)
	}
	if waitErr != nil && ctx.Err() == nil {
		return fmt.Errorf("catch the read models up to %s: %w", head, waitErr)
	}
	return ctx.Err()
}
