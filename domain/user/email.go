package user

import (
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// ClaimEmail reserves a normalised email for a user.
type ClaimEmail struct {
	Email  string
	UserID uuid.UUID
}

// EmailClaimed: the email belongs to the user.
type EmailClaimed struct {
	Email  string
	UserID uuid.UUID
}

func (EmailClaimed) EventType() string { return "email.claimed.v1" }

// EmailState is an email guard folded from its events.
type EmailState struct {
	Owner uuid.UUID // uuid.Nil while unclaimed
}

// ErrEmailTaken: another user registered this email.
var ErrEmailTaken = domain.Conflict("this email is already registered")

// EmailGuard is the email uniqueness guard aggregate.
var EmailGuard = domain.Decider[EmailState, ClaimEmail]{
	Version: 1,
	Initial: func() EmailState { return EmailState{} },
	Decide: func(c ClaimEmail, s EmailState) ([]domain.Event, error) {
		switch s.Owner {
		case uuid.Nil:
			return []domain.Event{EmailClaimed(c)}, nil
		case c.UserID:
			return nil, nil // a retry by the same user
		default:
			return nil, ErrEmailTaken
		}
	},
	Evolve: func(s EmailState, e domain.Event) EmailState {
		if e, ok := e.(EmailClaimed); ok {
			s.Owner = e.UserID
		}
		return s
	},
}
