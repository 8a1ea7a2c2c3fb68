// Package money is the kopeck: every amount in the shop is an integer number of them.
package money

import (
	"fmt"

	"github.com/chance-video/chance/domain"
)

// Kopecks is an amount of roubles in kopecks (1 RUB = 100 kopecks). Never a float.
type Kopecks int64

// Currency is the only currency the shop sells in.
const Currency = "RUB"

// Limits of one operation (a top-up, a debit, a refund).
const (
	MinOperation Kopecks = 1
	MaxOperation Kopecks = 100_000_000 // 1,000,000 RUB
)

// CheckOperation rejects an amount outside the per-operation limits.
func CheckOperation(a Kopecks) error {
	if a < MinOperation || a > MaxOperation {
		return domain.Invalid(fmt.Sprintf("amount must be between %d and %d kopecks, got %d", MinOperation, MaxOperation, a))
	}
	return nil
}

// DivRoundHalfUp divides a non-negative numerator by a positive denominator and
// rounds half up. It is the only rounding in the shop: prices are computed exactly
// as fractions and rounded once, at the end.
func DivRoundHalfUp(numerator, denominator int64) Kopecks {
	if denominator <= 0 || numerator < 0 {
		panic(fmt.Sprintf("money: DivRoundHalfUp(%d, %d) outside its domain", numerator, denominator))
	}
	return Kopecks((numerator + denominator/2) / denominator)
}

func (k Kopecks) String() string {
	sign := ""
	if k < 0 {
		sign, k = "-", -k
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, k/100, k%100, Currency)
}
