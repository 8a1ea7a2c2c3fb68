package pricing

import (
	"errors"
	"testing"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
)

func TestQuote(t *testing.T) {
	cases := []struct {
		name  string
		terms Terms
		hours int
		want  money.Kopecks
	}{
		{"standard term, no discount", Terms{50000, 48, 0}, 48, 50000},
		{"half the term", Terms{50000, 48, 0}, 24, 25000},
		{"discount applies", Terms{50000, 48, 20}, 48, 40000},
		{"one hour rounds half up", Terms{100, 8, 0}, 1, 13},       // 12.5 → 13
		{"one hour rounds down", Terms{99, 8, 0}, 1, 12},           // 12.375 → 12
		{"rounded once, not per step", Terms{1000, 3, 15}, 1, 283}, // 283.33
		{"longest term", Terms{money.MaxOperation, 1, 0}, 720, 720 * money.MaxOperation},
		{"zero hours cost nothing", Terms{50000, 48, 0}, 0, 0},
	}
	for _, c := range cases {
		if got := c.terms.Quote(c.hours); got != c.want {
			t.Errorf("%s: Quote(%d) = %d, want %d", c.name, c.hours, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := (Terms{50000, 48, 99}).Check(); err != nil {
		t.Fatalf("valid terms rejected: %v", err)
	}
	bad := []Terms{
		{0, 48, 0},
		{50000, 0, 0},
		{50000, 721, 0},
		{50000, 48, -1},
		{50000, 48, 100},
	}
	for _, b := range bad {
		if err := b.Check(); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Check(%+v) = %v, want invalid", b, err)
		}
	}
}

func TestCheckForSale(t *testing.T) {
	for _, ok := range []Terms{{720, 720, 0}, {72000, 720, 99}, {100, 1, 0}} {
		if err := ok.CheckForSale(); err != nil {
			t.Errorf("CheckForSale(%+v) = %v: every hour costs a kopeck or more", ok, err)
		}
	}
	for _, free := range []Terms{{719, 720, 0}, {71999, 720, 99}, {3, 720, 0}, {0, 48, 0}} {
		if err := free.CheckForSale(); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("CheckForSale(%+v) = %v, want invalid: an hour would cost under a kopeck", free, err)
		}
		if free.OnlinePrice > 0 && free.Check() != nil {
			t.Errorf("Check(%+v) refused terms a rental may already hold", free)
		}
	}
}
