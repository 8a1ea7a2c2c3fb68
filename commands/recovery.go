package commands

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// Checkpoints keep how far a follower of the log has got, by name.
type Checkpoints interface {
	Load(ctx context.Context, name string) (eventlog.Position, error)
	Save(ctx context.Context, name string, pos eventlog.Position) error
}

// RecoveryCheckpoint names the position up to which interrupted flows were completed.
//
// WARNING: renaming it makes the next start re-scan the whole log (harmless, since
// every step is idempotent, but slow on a long log).
const RecoveryCheckpoint = "flow_recovery_v1"

// Recovery completes, while the shop serves, the flows whose first step is in the log
// but whose later steps are not (a store error, a crash of the request's goroutine, a
// client that went away): every pass resumes the flows started since its checkpoint.
//
// A pass leaves alone the flows younger than Grace (by the clock), which their own
// requests are most likely still completing, and keeps its checkpoint before the
// first of them, so no flow is ever passed over. Resuming a flow its request is also
// completing is harmless all the same: both run the same keyed steps, and the second
// finds the first's events.
//
// Recover and Pass need Service and Log; Pass and Run also the rest.
type Recovery struct {
	Service     *Service // completes each flow (Resume)
	Log         LogReader
	Checkpoints Checkpoints
	Clock       Clock
	Grace       time.Duration
	Logger      *slog.Logger
}

// Pass resumes every settled flow since the checkpoint and moves the checkpoint up to
// the first flow it could not complete or left for later. It returns the position
// reached.
func (r *Recovery) Pass(ctx context.Context) (eventlog.Position, error) {
	from, err := r.Checkpoints.Load(ctx, RecoveryCheckpoint)
	if err != nil {
		return from, fmt.Errorf("recovery checkpoint: %w", err)
	}
	var settled time.Time
	if r.Grace > 0 {
		settled = r.Clock.Now().Add(-r.Grace)
	}
	reached, err := r.recoverSettled(ctx, from, settled)
	if reached != from {
		if saveErr := r.Checkpoints.Save(ctx, RecoveryCheckpoint, reached); saveErr != nil && err == nil {
			err = fmt.Errorf("recovery checkpoint: %w", saveErr)
		}
	}
	return reached, err
}

// Run makes a pass every interval until ctx ends. A failed pass is logged and the
// next one tries again, from the same checkpoint.
func (r *Recovery) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if _, err := r.Pass(ctx); err != nil && ctx.Err() == nil {
			r.Logger.Error("flow recovery pass", "error", err)
		}
	}
}
