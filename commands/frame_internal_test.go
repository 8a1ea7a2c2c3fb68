package commands

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/eventlog"
)

// sampleFrame is the snapshot frame of an account of 120 events (top-ups and premiere
// withdrawals), every one under a key.
func sampleFrame(t testing.TB) []byte {
	t.Helper()
	var events []domain.Event
	var records []eventlog.Record
	for i := range 120 {
		p := uuid.New()
		if i%3 == 0 {
			events = append(events, account.FundsWithdrawn{Payment: p, Amount: 1, Purpose: account.Purpose{Kind: account.ForPremiere, Title: "x"}})
		} else {
			events = append(events, account.FundsAdded{Payment: p, Amount: 5})
		}
		records = append(records, eventlog.Record{Revision: uint64(i), EventData: eventlog.EventData{Metadata: eventlog.Metadata{IdempotencyKey: uuid.NewString()}}})
	}
	s := account.Decider.Fold(events)
	entry := cachedStream{next: 120, last: recordDigest{1, 2, 3}, state: s, keys: indexKeys(keyIndex{}, records)}
	b, err := appendFrame(nil, entry, func(b []byte) ([]byte, error) { return domain.AppendState(b, s) })
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A damaged snapshot is refused, never read as another state: every change of one
// byte and every truncation of a frame fails readFrame (the restore then folds the log).
func TestADamagedSnapshotFrameIsRefused(t *testing.T) {
	frame := sampleFrame(t)
	if _, _, err := readFrame(slices.Clone(frame)); err != nil {
		t.Fatalf("the intact frame: %v", err)
	}
	var accepted int
	for i := range frame {
		for _, flip := range []byte{0x01, 0x80, 0xff} {
			frame[i] ^= flip // readFrame only reads: flipped back below
			if _, _, err := readFrame(frame); err == nil {
				accepted++
			}
			frame[i] ^= flip
		}
		if _, _, err := readFrame(frame[:i]); err == nil {
			accepted++
		}
	}
	mustBe(t, "damaged frames accepted", accepted, 0)
}

func mustBe[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}
