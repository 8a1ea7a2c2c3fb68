package readstoretest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
)

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
