package commands

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
)

// Registration is a new user's profile; the password arrives hashed.
type Registration struct {
	Email        string
	FirstName    string
	LastName     string
	PasswordHash string
}

// Register creates a user: it claims the email's guard stream first ("no stream"
// makes the email unique), then records the user. If a crash left a claim without its
// user, the next registration of that email completes it instead of failing.
func (s *Service) Register(ctx context.Context, r Registration, req Request) (user.State, eventlog.Position, error) {
	email, err := user.NormaliseEmail(r.Email)
	if err != nil {
		return user.State{}, eventlog.Start, err
	}
	register := user.Register{UserID: uuid.New(), Email: email, FirstName: r.FirstName, LastName: r.LastName, PasswordHash: r.PasswordHash, Now: s.clock.Now()}
	// Check the profile before claiming, so bad input claims nothing.
	if _, err := user.Decide(register, user.Initial()); err != nil {
		return user.State{}, eventlog.Start, err
	}
	guard := user.EmailStream(email)
	_, err = execute(ctx, s, user.EmailGuard, guard, user.ClaimEmail{Email: email, UserID: register.UserID}, Request{CorrelationID: req.CorrelationID})
	if errors.Is(err, user.ErrEmailTaken) {
		owner, existing, ownerErr := s.emailOwner(ctx, email)
		if ownerErr != nil {
			return user.State{}, eventlog.Start, ownerErr
		}
		if existing.Exists() {
			return user.State{}, eventlog.Start, user.ErrEmailTaken
		}
		register.UserID = owner // a claim whose user was never recorded: complete it
	} else if err != nil {
		return user.State{}, eventlog.Start, err
	}
	if err := s.step("email claimed"); err != nil {
		return user.State{}, eventlog.Start, err
	}
	req.UserID = register.UserID
	out, err := execute(ctx, s, user.Decider, user.Stream(register.UserID), user.Command(register), req)
	return out.State, out.Position, err
}

// emailOwner returns the id an email is claimed for (uuid.Nil if unclaimed) and that
// user's state, which does not exist if a crash stopped the registration after the claim.
func (s *Service) emailOwner(ctx context.Context, email string) (uuid.UUID, user.State, error) {
	guard, err := load(ctx, s, user.EmailGuard, user.EmailStream(email))
	if err != nil || guard.Owner == uuid.Nil {
		return uuid.Nil, user.Initial(), err
	}
	u, err := load(ctx, s, user.Decider, user.Stream(guard.Owner))
	return guard.Owner, u, err
}

// GrantRole gives a user a role.
func (s *Service) GrantRole(ctx context.Context, id uuid.UUID, role string, req Request) (eventlog.Position, error) {
	out, err := execute(ctx, s, user.Decider, user.Stream(id), user.Command(user.GrantRole{Role: role, Now: s.clock.Now()}), req)
	return out.Position, err
}

// RevokeToken makes a token unusable until it expires (logout).
func (s *Service) RevokeToken(ctx context.Context, id uuid.UUID, tokenID string, expiresAt time.Time, req Request) (eventlog.Position, error) {
	out, err := execute(ctx, s, user.Decider, user.Stream(id), user.Command(user.RevokeToken{TokenID: tokenID, ExpiresAt: expiresAt, Now: s.clock.Now()}), req)
	return out.Position, err
}
