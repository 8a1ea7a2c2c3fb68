// Package searchtext is the text form every read store searches in, computed in Go so
// that matching never depends on a database's locale (lower() in a "C" database leaves
// Cyrillic alone, SQLite's LIKE folds ASCII only) and ё, which no tokenizer or text
// search configuration folds, matches е.
package searchtext

import (
	"strings"
	"unicode"
)

// Normalize is the one form search compares: lower case, ё as е. Stored columns and
// query words both go through it.
func Normalize(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ё", "е")
}

// Words splits a query into its words: runs of letters and digits. Nothing else
// survives, so a word can be spliced into a full-text query without being read as an
// operator.
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
