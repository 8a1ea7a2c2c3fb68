package queries_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/users"
)

func TestProfileTokensAndInbox(t *testing.T) {
	f := newFixture(t, queriesDefaults)
	ctx := context.Background()
	id := uuid.New()
	write(f, users.Name, func(tx users.Writes) error {
		if err := tx.PutUser(ctx, users.User{ID: id, Email: "anna@example.ru", FirstName: "Анна", LastName: "Каренина",
			Roles: []string{"customer"}, CreatedAt: start}); err != nil {
			return err
		}
		return tx.RevokeToken(ctx, users.RevokedToken{TokenID: "jti-1", UserID: id, ExpiresAt: start.Add(time.Hour)})
	})

	p, err := f.svc.Profile(ctx, id)
	if err != nil || p.Email != "anna@example.ru" || p.FirstName != "Анна" || len(p.Roles) != 1 {
		t.Fatalf("profile = %+v, %v", p, err)
	}
	_, err = f.svc.Profile(ctx, uuid.New())
	wantKind(t, err, domain.ErrNotFound)
	if revoked, err := f.svc.TokenRevoked(ctx, "jti-1"); err != nil || !revoked {
		t.Fatalf("revoked token: %v, %v", revoked, err)
	}
	if revoked, err := f.svc.TokenRevoked(ctx, "jti-2"); err != nil || revoked {
		t.Fatalf("fresh token: %v, %v", revoked, err)
	}

	for i := range 3 {
		n := readmodel.Notification{ID: uuid.New(), UserID: id, Kind: "top_up", Channel: "inbox", Subject: "Баланс пополнен",
			Body: "…", CreatedAt: start.Add(time.Duration(i) * time.Minute)}
		if err := f.store.AddNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	inbox, err := f.svc.Notifications(ctx, id, 2)
	if err != nil || len(inbox.Items) != 2 || !inbox.Items[0].CreatedAt.Equal(start.Add(2*time.Minute)) {
		t.Fatalf("inbox = %+v, %v; want the 2 newest, newest first", inbox, err)
	}
	_, err = f.svc.Notifications(ctx, id, 201)
	wantKind(t, err, domain.ErrInvalid)
}
