package yookassa

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/chance-video/chance/domain/money"
)

// value writes kopecks as YooKassa's amount value: roubles with two decimals ("123.45").
func value(k money.Kopecks) string {
	return fmt.Sprintf("%d.%02d", k/100, k%100)
}

// kopecks reads an amount value ("123.45", "123.4", "123"): a positive amount with at
// most two decimals, or an error.
func kopecks(v string) (money.Kopecks, error) {
	whole, frac, dotted := strings.Cut(v, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 || (dotted && frac == "") || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("amount value %q is not roubles with at most two decimals", v)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount value %q: %w", v, err)
	}
	return money.Kopecks(n), nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
