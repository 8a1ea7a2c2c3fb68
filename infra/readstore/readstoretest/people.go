package readstoretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
)

func canonCart(c readmodel.Cart) readmodel.Cart {
	c.Items = slices.Clone(nilIfEmpty(c.Items))
	for i := range c.Items {
		c.Items[i].StartsAt = utc(c.Items[i].StartsAt)
	}
	return c
}

func testCarts(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	user := uuid.New()
	empty, err := s.Cart(ctx, user)
	if err != nil || empty.UserID != user || len(empty.Items) != 0 {
		t.Errorf("cart of a customer without one: %+v, %v; want an empty cart of %s", empty, err, user)
	}
	full := readmodel.Cart{UserID: user, Items: []cart.Item{
		{PremiereID: uuid.New(), Hours: 48},                             // starts when paid
		{PremiereID: uuid.New(), Hours: 3, StartsAt: at.Add(time.Hour)}, // a chosen start
	}}
	update(t, s, carts, 1, func(ctx context.Context, tx projections.Tx) error {
		got, err := tx.Cart(ctx, user)
		if err != nil || got.UserID != user || len(got.Items) != 0 {
			t.Errorf("tx cart before any write: %+v, %v", got, err)
		}
		if err := tx.PutCart(ctx, full); err != nil {
			return err
		}
		got, err = tx.Cart(ctx, user)
		if err != nil {
			return err
		}
		same(t, "tx cart after put", got, full, canonCart)
		return nil
	})
	got, err := s.Cart(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range got.Items {
		checkUTC(t, "cart item", it.StartsAt)
	}
	same(t, "cart", got, full, canonCart)

	// Emptied (checked out): the cart reads back empty.
	update(t, s, carts, 2, func(ctx context.Context, tx projections.Tx) error {
		return tx.PutCart(ctx, readmodel.Cart{UserID: user})
	})
	if got, err := s.Cart(ctx, user); err != nil || len(got.Items) != 0 || got.UserID != user {
		t.Errorf("emptied cart: %+v, %v", got, err)
	}
}

func canonUser(u readmodel.User) readmodel.User {
	u.Roles, u.CreatedAt = nilIfEmpty(u.Roles), utc(u.CreatedAt)
	return u
}

func testUsersAndTokens(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	admin := readmodel.User{ID: uuid.New(), Email: "Admin@Example.com", FirstName: "Анна", LastName: "Каренина",
		Roles: []string{"customer", "admin"}, CreatedAt: at}
	plain := readmodel.User{ID: uuid.New(), Email: "x@example.com", CreatedAt: at}
	update(t, s, users, 1, func(ctx context.Context, tx projections.Tx) error {
		for _, u := range []readmodel.User{admin, plain} {
			if err := tx.PutUser(ctx, u); err != nil {
				return err
			}
		}
		got, found, err := tx.User(ctx, admin.ID)
		if err != nil || !found {
			t.Errorf("tx user: found %v, %v", found, err)
		}
		same(t, "tx user", got, admin, canonUser)
		return tx.RevokeToken(ctx, readmodel.RevokedToken{TokenID: "token-1", UserID: admin.ID, ExpiresAt: at.Add(time.Hour)})
	})
	for _, want := range []readmodel.User{admin, plain} {
		got, found, err := s.User(ctx, want.ID)
		if err != nil || !found {
			t.Fatalf("user %s: found %v, %v", want.ID, found, err)
		}
		checkUTC(t, "user", got.CreatedAt)
		same(t, "user", got, want, canonUser)
	}
	if _, found, err := s.User(ctx, uuid.New()); err != nil || found {
		t.Errorf("unknown user: found %v, %v", found, err)
	}

	// A changed profile replaces the old one; revoking twice is harmless.
	admin.LastName, admin.Roles = "Вронская", []string{"customer"}
	update(t, s, users, 2, func(ctx context.Context, tx projections.Tx) error {
		if err := tx.PutUser(ctx, admin); err != nil {
			return err
		}
		return tx.RevokeToken(ctx, readmodel.RevokedToken{TokenID: "token-1", UserID: admin.ID, ExpiresAt: at.Add(time.Hour)})
	})
	got, _, _ := s.User(ctx, admin.ID)
	same(t, "user after upsert", got, admin, canonUser)

	for token, want := range map[string]bool{"token-1": true, "token-2": false, "": false} {
		if revoked, err := s.TokenRevoked(ctx, token); err != nil || revoked != want {
			t.Errorf("token %q revoked: %v, %v; want %v", token, revoked, err, want)
		}
	}
}

func testInbox(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	alice, bob := uuid.New(), uuid.New()
	note := func(user uuid.UUID, subject string, created time.Time) readmodel.Notification {
		return readmodel.Notification{ID: uuid.New(), UserID: user, Kind: "rental.confirmed", Channel: "inbox",
			Subject: subject, Body: "Текст письма\nв две строки", CreatedAt: created}
	}
	first, second, third := note(alice, "первое", at), note(alice, "второе", at.Add(time.Minute)), note(alice, "третье", at.Add(2*time.Minute))
	other := note(bob, "чужое", at.Add(time.Hour))
	for _, n := range []readmodel.Notification{second, third, first, other} {
		if err := s.AddNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	again := second
	again.Subject = "дубль"
	if err := s.AddNotification(ctx, again); err != nil {
		t.Fatalf("a redelivered notification: %v", err)
	}

	canon := func(ns []readmodel.Notification) []readmodel.Notification {
		ns = slices.Clone(nilIfEmpty(ns))
		for i := range ns {
			ns[i].CreatedAt = utc(ns[i].CreatedAt)
		}
		return ns
	}
	got, err := s.Notifications(ctx, alice, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range got {
		checkUTC(t, "notification", n.CreatedAt)
	}
	same(t, "inbox, newest first", got, []readmodel.Notification{third, second, first}, canon)
	got, err = s.Notifications(ctx, alice, 2)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "inbox, limit 2", got, []readmodel.Notification{third, second}, canon)
	got, err = s.Notifications(ctx, uuid.New(), 10)
	if err != nil || len(got) != 0 {
		t.Errorf("inbox of a stranger: %d, %v", len(got), err)
	}
}
