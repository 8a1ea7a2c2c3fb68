package readpostgres

import (
	"strings"
)

// actorsSeparator joins the actors in actors_norm: a line break, which no name contains,
// so an actor filter cannot match across two names typed on one line.
const actorsSeparator = "\n"

// likePattern is a LIKE pattern matching s anywhere, with LIKE's wildcards in s escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}
