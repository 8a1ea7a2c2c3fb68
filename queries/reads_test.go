package queries_test

import (
	"slices"
	"testing"

	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// A wait naming a projection the runner does not run fails every query behind it
// (projections.ErrUnknownProjection), so each read model's QueriesRead must name
// projections listed in readmodel/all.
func TestWaitsNameProjectionsThatRun(t *testing.T) {
	running := projectionNames()
	for name, reads := range map[string]queries.ReadModels{
		"catalogue": queries.ForCatalogue, "profile": queries.ForProfile, "rentals": queries.ForRentals,
		"cart": queries.ForCart, "balance": queries.ForBalance, "ledger": queries.ForLedger,
	} {
		if len(reads) == 0 {
			t.Errorf("%s queries wait for nothing, yet read a projection", name)
		}
		for _, r := range reads {
			if !slices.Contains(running, r) {
				t.Errorf("%s queries wait for %q, which is not among the running projections %v", name, r, running)
			}
		}
	}
}

// The cart joins two read models: a write to either must be waited for.
func TestTheCartWaitsForBothReadModelsItJoins(t *testing.T) {
	for _, name := range []string{carts.Name, catalogue.Name} {
		if !slices.Contains(queries.ForCart, name) {
			t.Errorf("the cart reads %s, but its wait %v leaves it out", name, queries.ForCart)
		}
	}
}
