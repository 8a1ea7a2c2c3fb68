package usecase

import (
	"context"
	"errors"

	"github.com/chance-video/chance/domain"
)

// Outcome is how a use case ended, as hooks report it. Refusals are the shop working
// as designed (bad input, an unknown id, a conflict, short funds); failures are what
// an operator is paged for.
type Outcome string

// The outcomes of a use case.
const (
	OK       Outcome = "ok"
	Refused  Outcome = "refused"
	Canceled Outcome = "canceled" // the caller went away or ran out of time
	Failed   Outcome = "failed"
)

// OutcomeOf classifies a use case's error.
func OutcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return OK
	case errors.Is(err, domain.ErrInvalid), errors.Is(err, domain.ErrNotFound),
		errors.Is(err, domain.ErrConflict), errors.Is(err, domain.ErrFunds), errors.Is(err, domain.ErrUnprocessable):
		return Refused
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Canceled
	default:
		return Failed
	}
}
