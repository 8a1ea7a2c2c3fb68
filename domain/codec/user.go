package codec

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
)

// Stored payloads of users and their email guards.

type userRegisteredV1 struct {
	UserID       uuid.UUID `json:"user_id"`
	Email        string    `json:"email"`
	FirstName    string    `json:"first_name"`
	LastName     string    `json:"last_name"`
	PasswordHash string    `json:"password_hash"`
	Roles        []string  `json:"roles"`
	At           time.Time `json:"at"`
}

type userRoleGrantedV1 struct {
	UserID uuid.UUID `json:"user_id"`
	Role   string    `json:"role"`
	At     time.Time `json:"at"`
}

type userTokenRevokedV1 struct {
	UserID    uuid.UUID `json:"user_id"`
	TokenID   string    `json:"token_id"`
	ExpiresAt time.Time `json:"expires_at"`
	At        time.Time `json:"at"`
}

type userNotificationSettingsChangedV1 struct {
	UserID         uuid.UUID `json:"user_id"`
	Channels       []string  `json:"channels"`
	Phone          string    `json:"phone"`
	TelegramChatID string    `json:"telegram_chat_id"`
	At             time.Time `json:"at"`
}

type emailClaimedV1 struct {
	Email  string    `json:"email"`
	UserID uuid.UUID `json:"user_id"`
}

func userSchemas() []Schema {
	return []Schema{
		Stored(func(e user.Registered) userRegisteredV1 {
			return userRegisteredV1{UserID: e.UserID, Email: e.Email, FirstName: e.FirstName, LastName: e.LastName,
				PasswordHash: e.PasswordHash, Roles: e.Roles, At: e.At}
		}, func(p userRegisteredV1) user.Registered {
			return user.Registered{UserID: p.UserID, Email: p.Email, FirstName: p.FirstName, LastName: p.LastName,
				PasswordHash: p.PasswordHash, Roles: p.Roles, At: p.At}
		}),
		Stored(func(e user.RoleGranted) userRoleGrantedV1 {
			return userRoleGrantedV1{UserID: e.UserID, Role: e.Role, At: e.At}
		}, func(p userRoleGrantedV1) user.RoleGranted {
			return user.RoleGranted{UserID: p.UserID, Role: p.Role, At: p.At}
		}),
		Stored(func(e user.TokenRevoked) userTokenRevokedV1 {
			return userTokenRevokedV1{UserID: e.UserID, TokenID: e.TokenID, ExpiresAt: e.ExpiresAt, At: e.At}
		}, func(p userTokenRevokedV1) user.TokenRevoked {
			return user.TokenRevoked{UserID: p.UserID, TokenID: p.TokenID, ExpiresAt: p.ExpiresAt, At: p.At}
		}),
		Stored(func(e user.NotificationSettingsChanged) userNotificationSettingsChangedV1 {
			return userNotificationSettingsChangedV1{UserID: e.UserID, Channels: e.Channels, Phone: e.Phone, TelegramChatID: e.TelegramChatID, At: e.At}
		}, func(p userNotificationSettingsChangedV1) user.NotificationSettingsChanged {
			return user.NotificationSettingsChanged{UserID: p.UserID, Channels: p.Channels, Phone: p.Phone, TelegramChatID: p.TelegramChatID, At: p.At}
		}),
		Stored(func(e user.EmailClaimed) emailClaimedV1 {
			return emailClaimedV1{Email: e.Email, UserID: e.UserID}
		}, func(p emailClaimedV1) user.EmailClaimed {
			return user.EmailClaimed{Email: p.Email, UserID: p.UserID}
		}),
	}
}
