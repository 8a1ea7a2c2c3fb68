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

// The similarities PostgreSQL's pg_trgm gives the same pairs (similarity() in PG 15).
func TestSimilarityAsPgTrgm(t *testing.T) {
	if got := Trigrams("маузер"); !slices.Equal(got, []string{"  м", " ма", "мау", "ауз", "узе", "зер", "ер "}) {
		t.Fatalf("Trigrams = %q", got)
	}
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"маузер", "мауззер", 0.6666667},
		{"маузерист", "маузер", 0.54545456},
		{"голованов", "голлованов", 0.75},
		{"мазуер", "маузер", 0.27272728},
		{"маузер", "маузер", 1},
	} {
		if got := Similarity(c.a, c.b); got < c.want-1e-6 || got > c.want+1e-6 {
			t.Errorf("Similarity(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
