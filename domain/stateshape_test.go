package domain_test

import (
	"testing"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
)

// Each snapshotted decider's state shape is pinned beside its Version: a change of a
// state's type fails here until its Version is bumped and the shape written down anew.
func TestStateShapesArePinnedWithTheirVersions(t *testing.T) {
	for _, c := range []struct {
		name    string
		version int
		shape   uint64
		want    [2]uint64 // version, shape
	}{
		{"account", account.Decider.Version, domain.StateShape[account.State](), [2]uint64{3, 0x9abbbd6c01a79aee}},
		{"cart", cart.Decider.Version, domain.StateShape[cart.State](), [2]uint64{1, 0x8d4487ca06828fcb}},
		{"premiere", premiere.Decider.Version, domain.StateShape[premiere.State](), [2]uint64{2, 0x903094e87c932792}},
		{"rental", rental.Decider.Version, domain.StateShape[rental.State](), [2]uint64{1, 0x1202fd5f422b4f74}},
		{"user", user.Decider.Version, domain.StateShape[user.State](), [2]uint64{1, 0xe9b79edafcfd0e4b}},
		{"email guard", user.EmailGuard.Version, domain.StateShape[user.EmailState](), [2]uint64{1, 0x241b02f387cc770e}},
	} {
		if got := [2]uint64{uint64(c.version), c.shape}; got != c.want {
			t.Errorf("%s: version %d, shape %#x; pinned: version %d, shape %#x (a changed state needs a new Version)", c.name, got[0], got[1], c.want[0], c.want[1])
		}
	}
}

type stateV1 struct{ Balance int }

type stateV2 struct {
	Balance int
	Limit   int
}

// A state written for another shape of its type is refused, not read leniently with
// the new field zero.
func TestAStateOfAnotherShapeIsRefused(t *testing.T) {
	b, err := domain.AppendState(nil, stateV1{Balance: 5})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := domain.ReadState[stateV1](b); err != nil || s.Balance != 5 {
		t.Fatalf("same shape: %+v %v", s, err)
	}
	if s, err := domain.ReadState[stateV2](b); err == nil {
		t.Fatalf("another shape read as %+v", s)
	}
}
