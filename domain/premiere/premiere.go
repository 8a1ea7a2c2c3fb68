// Package premiere decides the catalogue: publishing a premiere, repricing it,
// changing its discount, editing its card and its details and withdrawing it from sale.
// Stream: "premiere-<id>".
package premiere

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

// Stream names a premiere's stream.
func Stream(id uuid.UUID) string { return "premiere-" + id.String() }

// Card is the descriptive part of a premiere.
type Card struct {
	Title       string
	Actors      []string
	Description string
}

// Command is one of the commands below.
type Command interface{ isPremiereCommand() }

// Publish puts a new premiere on sale.
type Publish struct {
	ID           uuid.UUID
	Card         Card
	TheaterPrice money.Kopecks
	Terms        pricing.Terms
	Details      Details // zero: none stated; otherwise recorded by a DetailsChanged after Published
	Now          time.Time
}

// Reprice changes the prices and the standard term; the discount stays.
type Reprice struct {
	TheaterPrice  money.Kopecks
	OnlinePrice   money.Kopecks
	StandardHours int
	Now           time.Time
}

// ChangeDiscount sets the discount.
type ChangeDiscount struct {
	Percent int
	Now     time.Time
}

// Edit replaces the card.
type Edit struct {
	Card Card
	Now  time.Time
}

// Change is an admin's edit of a premiere: any of the card's fields, the details, the prices,
// the standard term and the discount; a nil field stays as it is. It is one command,
// so what it changes is decided on one state and recorded together, or not at all.
type Change struct {
	Title           *string
	Actors          *[]string
	Description     *string
	TheaterPrice    *money.Kopecks
	OnlinePrice     *money.Kopecks
	StandardHours   *int
	DiscountPercent *int
	DurationMinutes *int
	Theatre         *string
	PosterURL       *string
	Now             time.Time
}

// WithdrawFromSale stops selling the premiere; rentals already bought are unaffected.
type WithdrawFromSale struct {
	Now time.Time
}

func (Publish) isPremiereCommand()          {}
func (Reprice) isPremiereCommand()          {}
func (ChangeDiscount) isPremiereCommand()   {}
func (Edit) isPremiereCommand()             {}
func (Change) isPremiereCommand()           {}
func (WithdrawFromSale) isPremiereCommand() {}

// Published: a premiere is on sale.
type Published struct {
	ID           uuid.UUID
	Card         Card
	TheaterPrice money.Kopecks
	Terms        pricing.Terms
	At           time.Time
}

// Repriced: new prices and standard term.
type Repriced struct {
	ID            uuid.UUID
	TheaterPrice  money.Kopecks
	OnlinePrice   money.Kopecks
	StandardHours int
	At            time.Time
}

// DiscountChanged: a new discount.
type DiscountChanged struct {
	ID      uuid.UUID
	Percent int
	At      time.Time
}

// Edited: a new card.
type Edited struct {
	ID   uuid.UUID
	Card Card
	At   time.Time
}

// WithdrawnFromSale: no longer sold.
type WithdrawnFromSale struct {
	ID uuid.UUID
	At time.Time
}

func (Published) EventType() string         { return "premiere.published.v1" }
func (Repriced) EventType() string          { return "premiere.repriced.v1" }
func (DiscountChanged) EventType() string   { return "premiere.discount_changed.v1" }
func (Edited) EventType() string            { return "premiere.edited.v1" }
func (WithdrawnFromSale) EventType() string { return "premiere.withdrawn_from_sale.v1" }

// Events lists one value of each event type, for the codec.
func Events() []domain.Event {
	return []domain.Event{Published{}, Repriced{}, DiscountChanged{}, Edited{}, WithdrawnFromSale{}, DetailsChanged{}}
}
