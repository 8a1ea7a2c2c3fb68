package codec

import (
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
)

// ShopEvents lists every event type of the shop's aggregates.
func ShopEvents() []domain.Event {
	var all []domain.Event
	for _, events := range [][]domain.Event{user.Events(), premiere.Events(), cart.Events(), account.Events(), rental.Events()} {
		all = append(all, events...)
	}
	return all
}

// ShopSchemas lists how every event type of the shop is stored. The golden payloads'
// test checks it covers ShopEvents exactly.
func ShopSchemas() []Schema {
	var all []Schema
	for _, schemas := range [][]Schema{userSchemas(), premiereSchemas(), cartSchemas(), accountSchemas(), rentalSchemas()} {
		all = append(all, schemas...)
	}
	return all
}

// Shop is the codec of every shop event, with the upcasters of older versions.
func Shop() *Codec {
	c, err := New(ShopSchemas(), shopUpcasters()...)
	if err != nil {
		panic(err) // a duplicate name is a programming error caught by the tests
	}
	return c
}

// shopUpcasters lists the upcasters of event versions no longer written.
// None yet: the first version of every event is current.
func shopUpcasters() []Upcaster { return nil }
