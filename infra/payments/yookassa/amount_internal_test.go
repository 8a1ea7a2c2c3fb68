package yookassa

import (
	"testing"

	"github.com/chance-video/chance/domain/money"
)

func TestAmountValues(t *testing.T) {
	for k, v := range map[money.Kopecks]string{1: "0.01", 100: "1.00", 12345: "123.45", 100_000_00: "100000.00"} {
		if got := value(k); got != v {
			t.Errorf("value(%d) = %s, want %s", k, got, v)
		}
		if got, err := kopecks(v); err != nil || got != k {
			t.Errorf("kopecks(%s) = %d, %v; want %d", v, got, err, k)
		}
	}
	for v, k := range map[string]money.Kopecks{"5": 500, "5.5": 550, "0.10": 10} {
		if got, err := kopecks(v); err != nil || got != k {
			t.Errorf("kopecks(%s) = %d, %v; want %d", v, got, err, k)
		}
	}
	for _, bad := range []string{"", "1.", ".5", "1.234", "-1.00", "1,00", "1e3", "１.00", "9999999999999.00"} {
		if got, err := kopecks(bad); err == nil {
			t.Errorf("kopecks(%q) = %d, want an error", bad, got)
		}
	}
}
