package commands

import (
	"context"

	"github.com/chance-video/chance/domain"
)

// LoadWith folds a stream with any decider, as the service's commands do (tests count
// the events it evolves).
func LoadWith[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string) (S, error) {
	return load(ctx, s, d, stream)
}
