package postgres

import (
	"strings"
	"unicode"
)

// normalize is the one text form search compares: lower case, ё as е. Stored columns
// and query words both go through it, in Go, so that matching never depends on the
// database's locale (lower() in a "C" database leaves Cyrillic alone) and ё, which no
// text search configuration folds, matches е.
func normalize(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ё", "е")
}

// words splits a query into its words: runs of letters and digits. What is left can be
// spliced into a to_tsquery argument without being read as an operator.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// actorsSeparator joins the actors in actors_norm: a line break, which no name contains,
// so an actor filter cannot match across two names typed on one line.
const actorsSeparator = "\n"

// likePattern is a LIKE pattern matching s anywhere, with LIKE's wildcards in s escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}
