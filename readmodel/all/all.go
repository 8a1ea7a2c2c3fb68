// Package all lists the shop's read models: the one place the runner, replay and the
// audit learn which projections exist.
package all

import (
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/readmodel/users"
)

// Projectors is every projector of the shop.
func Projectors() []projections.Projector {
	return []projections.Projector{
		catalogue.Projector, accounts.Projector, ledger.Projector,
		carts.Projector, rentals.Projector, users.Projector,
	}
}
