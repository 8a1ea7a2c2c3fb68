package readstoretest

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// A message marked sent on a channel is sent on that channel only; marking it again
// is a no-op; the records survive a restart; pruning forgets those sent before the
// time given and no other.
func testSentRecords(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	old, recent := uuid.New(), uuid.New()
	sent := func(s Store, channel string, id uuid.UUID) bool {
		t.Helper()
		ok, err := s.Sent(ctx, channel, id)
		if err != nil {
			t.Fatalf("sent %s on %s: %v", id, channel, err)
		}
		return ok
	}
	if sent(s, "email", old) {
		t.Fatal("a message never marked reads as sent")
	}
	for _, mark := range []struct {
		channel string
		id      uuid.UUID
		at      time.Time
	}{
		{"email", old, at},
		{"email", old, at.Add(time.Hour)}, // a redelivery marks it again: no-op
		{"sms", recent, at.Add(48 * time.Hour)},
		{"email", recent, at.Add(48 * time.Hour)},
	} {
		if err := s.MarkSent(ctx, mark.channel, mark.id, mark.at); err != nil {
			t.Fatalf("mark %s sent on %s: %v", mark.id, mark.channel, err)
		}
	}
	if !sent(s, "email", old) || sent(s, "sms", old) || sent(s, "telegram", recent) {
		t.Fatal("sent records are not per channel and message")
	}
	if err := s.MarkSent(ctx, "email", uuid.New(), time.Time{}); err == nil {
		t.Error("a sent record without a time was accepted")
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t)
	if !sent(s, "email", old) || !sent(s, "sms", recent) {
		t.Fatal("sent records lost in a restart")
	}

	// The record of old is from `at` (the second mark did not move it).
	pruned, err := s.PruneSent(ctx, at.Add(30*time.Minute))
	if err != nil || pruned != 1 {
		t.Fatalf("pruned %d, %v; want the one record sent before", pruned, err)
	}
	if sent(s, "email", old) || !sent(s, "sms", recent) || !sent(s, "email", recent) {
		t.Fatal("pruning forgot the wrong records")
	}
	if pruned, err := s.PruneSent(ctx, at.Add(30*time.Minute)); err != nil || pruned != 0 {
		t.Fatalf("pruning again: %d, %v", pruned, err)
	}
}
