package users_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/readstore/projectortest"
	"github.com/chance-video/chance/readmodel/users"
)

type profile struct {
	User  users.User
	Found bool
}

type revoked map[string]bool

func TestProject(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	anna, boris, nobody := uuid.New(), uuid.New(), uuid.New()
	profileOf := func(id uuid.UUID) func(ctx context.Context, r users.Reads) (any, error) {
		return func(ctx context.Context, r users.Reads) (any, error) {
			u, found, err := r.User(ctx, id)
			return profile{u, found}, err
		}
	}
	registered := func(id uuid.UUID, email string) user.Registered {
		return user.Registered{UserID: id, Email: email, FirstName: "Анна", LastName: "Каренина", PasswordHash: "hash",
			Roles: []string{"customer"}, At: at}
	}
	specs := []projectortest.Spec[users.Reads]{
		{
			Name: "an unknown user is not found",
			Read: profileOf(uuid.New()),
			Then: profile{},
		},
		{
			Name:  "a registration is a profile (without the password)",
			Given: []domain.Event{registered(anna, "anna@example.ru")},
			Read:  profileOf(anna),
			Then: profile{Found: true, User: users.User{ID: anna, Email: "anna@example.ru", FirstName: "Анна", LastName: "Каренина",
				Roles: []string{"customer"}, CreatedAt: at, Channels: []string{"inbox", "email"}}},
		},
		{
			Name: "a granted role is added once",
			Given: []domain.Event{
				registered(boris, "boris@example.ru"),
				user.RoleGranted{UserID: boris, Role: "admin", At: at},
				user.RoleGranted{UserID: boris, Role: "admin", At: at.Add(time.Minute)},
			},
			Read: profileOf(boris),
			Then: profile{Found: true, User: users.User{ID: boris, Email: "boris@example.ru", FirstName: "Анна", LastName: "Каренина",
				Roles: []string{"customer", "admin"}, CreatedAt: at, Channels: []string{"inbox", "email"}}},
		},
		{
			Name: "the latest notification settings are the profile's",
			Given: []domain.Event{
				registered(anna, "anna@example.ru"),
				user.NotificationSettingsChanged{UserID: anna, Channels: []string{"inbox", "telegram"}, TelegramChatID: "42", At: at},
				user.NotificationSettingsChanged{UserID: anna, Channels: []string{"inbox", "sms"}, Phone: "+79991234567", TelegramChatID: "42", At: at.Add(time.Minute)},
			},
			Read: profileOf(anna),
			Then: profile{Found: true, User: users.User{ID: anna, Email: "anna@example.ru", FirstName: "Анна", LastName: "Каренина",
				Roles: []string{"customer"}, CreatedAt: at, Channels: []string{"inbox", "sms"}, Phone: "+79991234567", TelegramChatID: "42"}},
		},
		{
			Name:  "settings of an unknown user make no profile",
			Given: []domain.Event{user.NotificationSettingsChanged{UserID: nobody, Channels: []string{"inbox"}, At: at}},
			Read:  profileOf(nobody),
			Then:  profile{},
		},
		{
			Name:  "a role granted to an unknown user makes no profile",
			Given: []domain.Event{user.RoleGranted{UserID: uuid.NameSpaceURL, Role: "admin", At: at}},
			Read:  profileOf(uuid.NameSpaceURL),
			Then:  profile{},
		},
		{
			Name:  "a revoked token is revoked, others are not",
			Given: []domain.Event{user.TokenRevoked{UserID: anna, TokenID: "jti-1", ExpiresAt: at.Add(time.Hour), At: at}},
			Read: func(ctx context.Context, r users.Reads) (any, error) {
				out := revoked{}
				for _, id := range []string{"jti-1", "jti-2"} {
					is, err := r.TokenRevoked(ctx, id)
					if err != nil {
						return nil, err
					}
					out[id] = is
				}
				return out, nil
			},
			Then: revoked{"jti-1": true, "jti-2": false},
		},
	}
	projectortest.Run(t, users.Projector, specs)
}
