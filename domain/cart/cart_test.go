package cart

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
)

var (
	now   = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	user  = uuid.MustParse("00000000-0000-0000-0000-0000000000aa")
	premA = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	premB = uuid.MustParse("00000000-0000-0000-0000-0000000000b1")
	order = uuid.MustParse("00000000-0000-0000-0000-0000000000f1")
)

func item(p uuid.UUID, hours int) Item { return Item{PremiereID: p, Hours: hours} }

func added(p uuid.UUID, hours int) ItemAdded {
	return ItemAdded{UserID: user, Item: item(p, hours), At: now}
}

func TestCart(t *testing.T) {
	tomorrow := Item{PremiereID: premA, Hours: 24, StartsAt: now.Add(24 * time.Hour)}
	full := make([]domain.Event, 0, MaxItems)
	for range MaxItems {
		full = append(full, added(uuid.New(), 24))
	}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "adds", When: AddItem{UserID: user, Item: item(premA, 24), Now: now}, Then: []domain.Event{added(premA, 24)}},
		{Name: "adds with a start", When: AddItem{UserID: user, Item: tomorrow, Now: now}, Then: []domain.Event{ItemAdded{UserID: user, Item: tomorrow, At: now}}},
		{Name: "the same item again is a no-op", Given: []domain.Event{added(premA, 24)}, When: AddItem{UserID: user, Item: item(premA, 24), Now: now}},
		{Name: "once per premiere", Given: []domain.Event{added(premA, 24)}, When: AddItem{UserID: user, Item: item(premA, 48), Now: now}, WantErr: ErrInCart},
		{Name: "at most 50", Given: full, When: AddItem{UserID: user, Item: item(premA, 24), Now: now}, WantErr: ErrFull},
		{Name: "bad period", When: AddItem{Item: item(premA, 0), Now: now}, WantErr: domain.ErrInvalid},
		{Name: "start in the past", When: AddItem{Item: Item{PremiereID: premA, Hours: 1, StartsAt: now.Add(-time.Hour)}, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "start too far ahead", When: AddItem{Item: Item{PremiereID: premA, Hours: 1, StartsAt: now.Add(31 * 24 * time.Hour)}, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "changes an item", Given: []domain.Event{added(premA, 24)}, When: ChangeItem{UserID: user, Item: tomorrow, Now: now},
			Then: []domain.Event{ItemChanged{UserID: user, Item: tomorrow, At: now}}},
		{Name: "changing to the same is a no-op", Given: []domain.Event{added(premA, 24)}, When: ChangeItem{UserID: user, Item: item(premA, 24), Now: now}},
		{Name: "cannot change what is not there", When: ChangeItem{Item: item(premA, 24), Now: now}, WantErr: ErrNotInCart},
		{Name: "change validates", Given: []domain.Event{added(premA, 24)}, When: ChangeItem{Item: item(premA, 721), Now: now}, WantErr: domain.ErrInvalid},
		{Name: "removes", Given: []domain.Event{added(premA, 24)}, When: RemoveItem{UserID: user, PremiereID: premA, Now: now},
			Then: []domain.Event{ItemRemoved{UserID: user, PremiereID: premA, At: now}}},
		{Name: "cannot remove what is not there", When: RemoveItem{PremiereID: premA}, WantErr: ErrNotInCart},
		{Name: "check-out clears what the order bought", Given: []domain.Event{added(premA, 24), added(premB, 24)},
			When: CheckOut{UserID: user, OrderID: order, PremiereIDs: []uuid.UUID{premA, uuid.Nil}, Now: now},
			Then: []domain.Event{CheckedOut{UserID: user, OrderID: order, PremiereIDs: []uuid.UUID{premA}, At: now}}},
		{Name: "check-out of an order twice is a no-op",
			Given: []domain.Event{added(premA, 24), CheckedOut{OrderID: order, PremiereIDs: []uuid.UUID{premA}}, added(premA, 24)},
			When:  CheckOut{UserID: user, OrderID: order, PremiereIDs: []uuid.UUID{premA}, Now: now}},
	})
}

func TestEvolveKeepsOrder(t *testing.T) {
	s := Decider.Fold([]domain.Event{added(premA, 24), added(premB, 12), ItemChanged{Item: item(premA, 48)}, ItemRemoved{PremiereID: premB}})
	if len(s.Items) != 1 || s.Items[0] != item(premA, 48) {
		t.Fatalf("items = %+v", s.Items)
	}
}

// A cart's version names its content; a check-out is remembered only until the next change.
func TestVersionAndLastCheckOut(t *testing.T) {
	s := Decider.Fold([]domain.Event{added(premA, 24), added(premB, 12)})
	if s.Version != 2 || s.CheckedOutBy != uuid.Nil {
		t.Fatalf("before check-out: version %d, checked out by %s", s.Version, s.CheckedOutBy)
	}
	s = Evolve(s, CheckedOut{OrderID: order, PremiereIDs: []uuid.UUID{premA, premB}})
	if s.Version != 3 || s.CheckedOutBy != order {
		t.Fatalf("after check-out: version %d, checked out by %s", s.Version, s.CheckedOutBy)
	}
	s = Evolve(s, added(premA, 24))
	if s.Version != 4 || s.CheckedOutBy != uuid.Nil {
		t.Fatalf("after a new item: version %d, checked out by %s", s.Version, s.CheckedOutBy)
	}
}
