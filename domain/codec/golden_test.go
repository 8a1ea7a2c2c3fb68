package codec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/pricing"
)

// golden is what each payload in testdata/<event type>.json decodes to. A file is a
// stored event as the version that introduced its type wrote it: it must keep decoding
// to the same value, whatever later changes to the Go types.
var golden = map[string]domain.Event{
	// A checkout's debit as written before purposes recorded the cart version: it pays
	// for no version (0), so the account does not take it for one.
	"account.funds_withdrawn.v1": account.FundsWithdrawn{
		UserID: uuid.MustParse("00000000-0000-0000-0000-0000000000aa"), Payment: uuid.MustParse("00000000-0000-0000-0000-000000000002"),
		Amount: 24000, BalanceAfter: 76000,
		Purpose: account.Purpose{Kind: account.ForOrder, OrderID: uuid.MustParse("00000000-0000-0000-0000-000000000002"), ClearCart: true,
			Rentals: []account.RentalLine{{RentalID: uuid.MustParse("00000000-0000-0000-0000-0000000000c1"), PremiereID: uuid.MustParse("00000000-0000-0000-0000-0000000000a1"),
				Title: "Маузер", Terms: pricing.Terms{OnlinePrice: 48000, StandardHours: 48}, StartsAt: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Hours: 24, Price: 24000}}},
		At: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
	},
	"account.payment_declined.v1": account.PaymentDeclined{
		UserID: uuid.MustParse("00000000-0000-0000-0000-0000000000aa"), Payment: uuid.MustParse("00000000-0000-0000-0000-000000000002"),
		Amount: 24000, Balance: 1000, Reason: account.DeclinedInsufficientFunds,
		Purpose: account.Purpose{Kind: account.ForOrder, OrderID: uuid.MustParse("00000000-0000-0000-0000-000000000002"), ClearCart: true, CartVersion: 3,
			Rentals: []account.RentalLine{{RentalID: uuid.MustParse("00000000-0000-0000-0000-0000000000c1"), PremiereID: uuid.MustParse("00000000-0000-0000-0000-0000000000a1"),
				Title: "Маузер", Terms: pricing.Terms{OnlinePrice: 48000, StandardHours: 48}, StartsAt: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Hours: 24, Price: 24000}}},
		At: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
	},
}

func TestGoldenPayloadsStillDecode(t *testing.T) {
	c := Shop()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		seen[name] = true
		want, ok := golden[name]
		if !ok {
			t.Errorf("%s: no expected value in golden", f)
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Decode(name, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s decodes to\n %#v\nwant\n %#v", f, got, want)
		}
	}
	for name := range golden {
		if !seen[name] {
			t.Errorf("golden value for %s has no testdata/%s.json", name, name)
		}
	}
}
