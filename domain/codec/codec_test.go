package codec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/domain/rental"
)

func TestEveryShopEventRoundTrips(t *testing.T) {
	c := Shop()
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	samples := []domain.Event{
		rental.Rented{RentalID: uuid.New(), Title: "Маузер", Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 2}, StartsAt: at, Hours: 2, Price: 100, At: at},
		account.FundsWithdrawn{Payment: uuid.New(), Amount: 5, Purpose: account.Purpose{Kind: account.ForOrder, Rentals: []account.RentalLine{{RentalID: uuid.New(), Price: 5, StartsAt: at}}}, At: at},
	}
	for _, e := range append(ShopEvents(), samples...) {
		name, data, err := c.Encode(e)
		if err != nil {
			t.Fatalf("encode %T: %v", e, err)
		}
		if !strings.HasSuffix(name, ".v1") || strings.Contains(name, "rental.Rented") {
			t.Errorf("%T: type name %q is not an explicit versioned name", e, name)
		}
		back, err := c.Decode(name, data)
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Errorf("%s did not round-trip:\n got %#v\nwant %#v", name, back, e)
		}
	}
}

// An old version's payload still loads: a hypothetical v0 of rental.rented that
// stored the price in roubles as "price_rub" and the term as "period".
func TestUpcasterLoadsAnOldVersion(t *testing.T) {
	v0ToV1 := Upcaster{From: "rental.rented.v0", To: "rental.rented.v1", Upcast: func(old json.RawMessage) (json.RawMessage, error) {
		var v0 struct {
			RentalID uuid.UUID `json:"rental_id"`
			PriceRub int64     `json:"price_rub"`
			Period   int       `json:"period"`
		}
		if err := json.Unmarshal(old, &v0); err != nil {
			return nil, err
		}
		return json.Marshal(rentalRentedV1{RentalID: v0.RentalID, Price: 100 * v0.PriceRub, Hours: v0.Period})
	}}
	c, err := New(ShopSchemas(), v0ToV1)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	got, err := c.Decode("rental.rented.v0", json.RawMessage(`{"rental_id":"`+id.String()+`","price_rub":480,"period":48}`))
	if err != nil {
		t.Fatal(err)
	}
	r, ok := got.(rental.Rented)
	if !ok || r.RentalID != id || r.Price != 48000 || r.Hours != 48 {
		t.Fatalf("upcast event = %#v", got)
	}
	if !c.Knows("rental.rented.v0") || c.Knows("rental.rented.v9") {
		t.Fatal("Knows disagrees with the registrations")
	}
}

func TestRejectsWhatItDoesNotKnow(t *testing.T) {
	c := Shop()
	if _, err := c.Decode("nobody.knows.v1", json.RawMessage(`{}`)); err == nil {
		t.Fatal("unknown type decoded")
	}
	if _, err := c.Decode("rental.rented.v1", json.RawMessage(`{"hours":"many"}`)); err == nil {
		t.Fatal("malformed payload decoded")
	}
	if _, err := New(append(rentalSchemas(), rentalSchemas()[0])); err == nil {
		t.Fatal("a duplicate registration was accepted")
	}
	if _, err := New(ShopSchemas(), Upcaster{From: "rental.rented.v1", To: "rental.rented.v1"}); err == nil {
		t.Fatal("an upcaster from a current type was accepted")
	}
}
