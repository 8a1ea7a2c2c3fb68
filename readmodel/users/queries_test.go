package users_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel/users"
)

func TestProfileAndTokens(t *testing.T) {
	store := querytest.Open(t)
	q := users.Queries{Reads: store}
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	id := uuid.New()
	querytest.Write(store, users.Name, func(tx users.Writes) error {
		if err := tx.PutUser(ctx, users.User{ID: id, Email: "anna@example.ru", FirstName: "Анна", LastName: "Каренина",
			Roles: []string{"customer"}, CreatedAt: start}); err != nil {
			return err
		}
		return tx.RevokeToken(ctx, users.RevokedToken{TokenID: "jti-1", UserID: id, ExpiresAt: start.Add(time.Hour)})
	})

	p, err := q.Profile(ctx, id)
	if err != nil || p.Email != "anna@example.ru" || p.FirstName != "Анна" || len(p.Roles) != 1 ||
		!slices.Equal(p.NotificationChannels, []string{"inbox", "email"}) || p.Phone != "" || p.TelegramChatID != "" {
		t.Fatalf("profile = %+v, %v", p, err)
	}
	querytest.Write(store, users.Name, func(tx users.Writes) error {
		return tx.PutUser(ctx, users.User{ID: id, Email: "anna@example.ru", FirstName: "Анна", LastName: "Каренина",
			Roles: []string{"customer"}, CreatedAt: start, Channels: []string{"inbox", "sms"}, Phone: "+79991234567"})
	})
	if p, err = q.Profile(ctx, id); err != nil || !slices.Equal(p.NotificationChannels, []string{"inbox", "sms"}) || p.Phone != "+79991234567" {
		t.Fatalf("profile with settings = %+v, %v", p, err)
	}
	_, err = q.Profile(ctx, uuid.New())
	querytest.WantKind(t, err, domain.ErrNotFound)
	if revoked, err := q.TokenRevoked(ctx, "jti-1"); err != nil || !revoked {
		t.Fatalf("revoked token: %v, %v", revoked, err)
	}
	if revoked, err := q.TokenRevoked(ctx, "jti-2"); err != nil || revoked {
		t.Fatalf("fresh token: %v, %v", revoked, err)
	}
}
