package readsqlite

import (
	"unicode"

	"github.com/kljensen/snowball"
)

// stem reduces a normalised Cyrillic word to its Russian stem, so that every form of a
// word (Маузер, Маузера, Маузером) searches as the same substring. Any other word is
// kept as it is: the Russian stemmer would mangle it.
//
// The Snowball stemmer (github.com/kljensen/snowball) is a dependency because writing a
// Russian stemmer is a project of its own; it is small, pure Go and has no dependencies.
// Stop words (в, и, без …) are kept as they are: they are matched like any other word.
func stem(word string) string {
	if !cyrillic(word) {
		return word
	}
	s, err := snowball.Stem(word, "russian", false)
	if err != nil || s == "" {
		return word
	}
	return s
}

func cyrillic(word string) bool {
	for _, r := range word {
		if !unicode.Is(unicode.Cyrillic, r) {
			return false
		}
	}
	return word != ""
}
