package projections

import (
	"context"
	"slices"

	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/readmodel"
)

// Users projects profiles and revoked tokens.
type Users struct{}

var userEvents = handlesOf(user.Registered{}, user.RoleGranted{}, user.TokenRevoked{})

func (Users) Name() string                  { return "users_v1" }
func (Users) Handles(eventType string) bool { return userEvents.Handles(eventType) }

func (Users) Apply(ctx context.Context, tx Tx, e Event) error {
	switch ev := e.Event.(type) {
	case user.Registered:
		return tx.PutUser(ctx, readmodel.User{ID: ev.UserID, Email: ev.Email, FirstName: ev.FirstName, LastName: ev.LastName,
			Roles: slices.Clone(ev.Roles), CreatedAt: ev.At})
	case user.RoleGranted:
		u, found, err := tx.User(ctx, ev.UserID)
		if err != nil || !found || slices.Contains(u.Roles, ev.Role) {
			return err
		}
		u.Roles = append(u.Roles, ev.Role)
		return tx.PutUser(ctx, u)
	case user.TokenRevoked:
		return tx.RevokeToken(ctx, readmodel.RevokedToken{TokenID: ev.TokenID, UserID: ev.UserID, ExpiresAt: ev.ExpiresAt})
	}
	return nil
}
