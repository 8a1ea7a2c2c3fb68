// Package all lists the shop's read models: the one place the runner, replay, the audit
// and the queries learn which projections exist and what they can read of them.
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

// Reads is every read model's Reads port: what a read store serves its readers (the
// queries, the scheduler, the audit). Each read store adapter implements it, one file
// per read model.
type Reads interface {
	catalogue.Reads
	accounts.Reads
	ledger.Reads
	carts.Reads
	rentals.Reads
	users.Reads
}
