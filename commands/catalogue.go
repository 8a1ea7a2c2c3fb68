package commands

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/eventlog"
)

// Premiere runs a catalogue command (publish, reprice, discount, edit, withdraw).
func (s *Service) Premiere(ctx context.Context, id uuid.UUID, cmd premiere.Command, req Request) (premiere.State, eventlog.Position, error) {
	out, err := execute(ctx, s, premiere.Decider, premiere.Stream(id), cmd, req)
	return out.State, out.Position, err
}

// loadPremiere folds a premiere's stream.
func (s *Service) loadPremiere(ctx context.Context, id uuid.UUID) (premiere.State, error) {
	return load(ctx, s, premiere.Decider, premiere.Stream(id))
}
