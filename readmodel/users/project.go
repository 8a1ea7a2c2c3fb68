package users

import (
	"context"
	"slices"

	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/projections"
)

// Projector keeps the users read model.
var Projector = projections.NewModel(Name, Project, user.Registered{}, user.RoleGranted{}, user.TokenRevoked{},
	user.NotificationSettingsChanged{})

// Project applies one user event to the profiles and revoked tokens.
func Project(ctx context.Context, w Writes, e projections.Event) error {
	switch ev := e.Event.(type) {
	case user.Registered:
		return w.PutUser(ctx, User{ID: ev.UserID, Email: ev.Email, FirstName: ev.FirstName, LastName: ev.LastName,
			Roles: slices.Clone(ev.Roles), CreatedAt: ev.At, Channels: user.DefaultChannels()})
	case user.RoleGranted:
		u, found, err := w.User(ctx, ev.UserID)
		if err != nil || !found || slices.Contains(u.Roles, ev.Role) {
			return err // a grant to an unknown user, or a second grant of a role: nothing to change
		}
		u.Roles = append(u.Roles, ev.Role)
		return w.PutUser(ctx, u)
	case user.NotificationSettingsChanged:
		u, found, err := w.User(ctx, ev.UserID)
		if err != nil || !found {
			return err // settings of an unknown user: nothing to show them on
		}
		u.Channels, u.Phone, u.TelegramChatID = slices.Clone(ev.Channels), ev.Phone, ev.TelegramChatID
		return w.PutUser(ctx, u)
	case user.TokenRevoked:
		return w.RevokeToken(ctx, RevokedToken{TokenID: ev.TokenID, UserID: ev.UserID, ExpiresAt: ev.ExpiresAt})
	}
	return nil
}
