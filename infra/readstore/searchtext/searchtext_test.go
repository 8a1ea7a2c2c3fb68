package searchtext

import (
	"slices"
	"testing"
)

func TestNormalizeAndWords(t *testing.T) {
	if got := Normalize("Ёлка у МАУЗЕРА"); got != "елка у маузера" {
		t.Fatalf("Normalize = %q", got)
	}
	if got := Words(`Маузер: «тень» & (дуэль) | 2026!`); !slices.Equal(got, []string{"Маузер", "тень", "дуэль", "2026"}) {
		t.Fatalf("Words = %q", got)
	}
}
