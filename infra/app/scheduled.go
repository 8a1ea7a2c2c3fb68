package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
)

// scheduled gives the scheduler its commands through the use-case handlers, so
// reminders and expiries are logged and measured like every other command.
type scheduled struct{ h commands.Handlers }

func (s scheduled) Remind(ctx context.Context, rentalID uuid.UUID, termVersion int) (eventlog.Position, error) {
	return s.h.Remind.Handle(ctx, commands.Remind{RentalID: rentalID, TermVersion: termVersion})
}

func (s scheduled) Expire(ctx context.Context, rentalID uuid.UUID) (eventlog.Position, error) {
	return s.h.Expire.Handle(ctx, commands.Expire{RentalID: rentalID})
}

func (s scheduled) ExpireTopUp(ctx context.Context, userID, payment uuid.UUID) (bool, error) {
	r, err := s.h.ExpireTopUp.Handle(ctx, commands.ExpireTopUp{UserID: userID, Payment: payment})
	return r.Changed, err
}
