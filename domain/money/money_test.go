package money

import (
	"errors"
	"testing"

	"github.com/chance-video/chance/domain"
)

func TestDivRoundHalfUp(t *testing.T) {
	cases := []struct {
		num, den int64
		want     Kopecks
	}{
		{0, 7, 0},
		{10, 4, 3}, // 2.5 rounds up
		{9, 4, 2},  // 2.25 rounds down
		{11, 4, 3}, // 2.75 rounds up
		{14, 4, 4}, // 3.5 rounds up
		{100, 1, 100},
	}
	for _, c := range cases {
		if got := DivRoundHalfUp(c.num, c.den); got != c.want {
			t.Errorf("DivRoundHalfUp(%d, %d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

func TestCheckOperation(t *testing.T) {
	for _, ok := range []Kopecks{1, 50_00, MaxOperation} {
		if err := CheckOperation(ok); err != nil {
			t.Errorf("CheckOperation(%d) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []Kopecks{0, -1, MaxOperation + 1} {
		if err := CheckOperation(bad); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("CheckOperation(%d) = %v, want invalid", bad, err)
		}
	}
}

func TestString(t *testing.T) {
	if got := Kopecks(123456).String(); got != "1234.56 RUB" {
		t.Errorf("got %q", got)
	}
	if got := Kopecks(-5).String(); got != "-0.05 RUB" {
		t.Errorf("got %q", got)
	}
}
