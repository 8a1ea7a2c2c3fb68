package httpapi

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/term"
)

// pathID reads a UUID path parameter.
func pathID(c *gin.Context, name string) (uuid.UUID, error) {
	return parseID(name, c.Param(name))
}

// parseID reads a UUID in its usual 36-character form; name says which value it is.
func parseID(name, raw string) (uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil || len(raw) != 36 {
		return uuid.Nil, badRequest("%s %q is not a UUID (like 3f2504e0-4f89-41d3-9a0c-0305e82c3301)", name, shorten(raw))
	}
	return id, nil
}

// requiredID reads a UUID body field that must be present.
func requiredID(name, raw string) (uuid.UUID, error) {
	if raw == "" {
		return uuid.Nil, badRequest("%s is required", name)
	}
	return parseID(name, raw)
}

// optionalIDField reads a UUID body field that may be absent (uuid.Nil then).
func optionalIDField(name, raw string) (uuid.UUID, error) {
	if raw == "" {
		return uuid.Nil, nil
	}
	return parseID(name, raw)
}

// queryInt reads an integer query parameter; absent means 0.
func queryInt(c *gin.Context, name string) (int, error) {
	raw, ok := c.GetQuery(name)
	if !ok || raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, badRequest("query parameter %s must be a whole number, got %q", name, shorten(raw))
	}
	return n, nil
}

// maxQueryText bounds a free-text query parameter in bytes before anything reads
// it; the queries refuse more than their own limit in characters (q: 200).
const maxQueryText = 1024

// queryText reads a free-text query parameter (a search term): valid UTF-8 without
// control characters, at most maxQueryText bytes. Invalid UTF-8 would otherwise
// reach a read store that refuses it with an error of its own (a 500).
func queryText(c *gin.Context, name string) (string, error) {
	raw := c.Query(name)
	switch {
	case len(raw) > maxQueryText:
		return "", badRequest("query parameter %s is longer than %d bytes", name, maxQueryText)
	case !utf8.ValidString(raw):
		return "", badRequest("query parameter %s is not valid UTF-8 text", name)
	case strings.IndexFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return "", badRequest("query parameter %s must not contain control characters", name)
	}
	return raw, nil
}

// queryUint reads a non-negative integer query parameter; absent means 0.
func queryUint(c *gin.Context, name string) (uint64, error) {
	raw, ok := c.GetQuery(name)
	if !ok || raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return 0, badRequest("query parameter %s must be a non-negative whole number, got %q", name, shorten(raw))
	}
	return n, nil
}

// Query times must fall in the years the shop can have records for (and every read
// store can hold).
var (
	earliestQueryTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	latestQueryTime   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// queryTime reads an RFC 3339 time (or a date, meaning its midnight UTC) between 1970
// and 2200; absent means zero.
func queryTime(c *gin.Context, name string) (time.Time, error) {
	raw := c.Query(name)
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		t, err = time.Parse(time.DateOnly, raw)
	}
	if err == nil {
		if t.Before(earliestQueryTime) || !t.Before(latestQueryTime) {
			return time.Time{}, badRequest("query parameter %s must be between 1970 and 2200, got %q", name, shorten(raw))
		}
		return t.UTC(), nil
	}
	return time.Time{}, badRequest("query parameter %s must be an RFC 3339 time like 2026-12-01T19:00:00Z, or a date like 2026-12-01; got %q", name, shorten(raw))
}

// optionalTime reads an RFC 3339 body field that may be absent (zero then, which
// commands read as "now"). A time given explicitly must be one the shop can mean:
// 0001-01-01 is the zero time and would silently become "now" (issue 7), and no
// start lies before 1970 or past 2200; the domain then checks the start window.
func optionalTime(name, raw string) (time.Time, error) {
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return time.Time{}, badRequest("%s must be an RFC 3339 time like 2026-12-01T19:00:00Z, got %q", name, shorten(raw))
	}
	if t.Before(earliestQueryTime) {
		return time.Time{}, badRequest("%s %s is in the past; leave %s out to start now", name, shorten(raw), name)
	}
	if !t.Before(latestQueryTime) {
		return time.Time{}, badRequest("%s %s is too far ahead; it must be before 2200", name, shorten(raw))
	}
	return t.UTC(), nil
}

// checkPeriod refuses a term outside 1..720 hours before any command runs.
func checkPeriod(hours int) error { return term.CheckHours(hours) }

// requiredPeriod reads a period body field that must be present. A missing period
// (or null) is named as missing: read as 0 it would be blamed as out of range.
func requiredPeriod(hours *int) (int, error) {
	if hours == nil {
		return 0, badRequest("period is required: the term in whole hours, from %d to %d", term.MinHours, term.MaxHours)
	}
	return *hours, checkPeriod(*hours)
}

// requiredAmount reads an amount body field that must be present, like requiredPeriod.
func requiredAmount(field string, k *money.Kopecks) (money.Kopecks, error) {
	if k == nil {
		return 0, badRequest("%s is required: a whole number of kopecks from %d to %d", field, money.MinOperation, money.MaxOperation)
	}
	return *k, checkAmount(field, *k)
}

// checkAmount refuses an amount outside one operation's limits.
func checkAmount(field string, k money.Kopecks) error {
	if k < money.MinOperation || k > money.MaxOperation {
		return badRequest("%s must be a whole number of kopecks from %d to %d, got %d", field, money.MinOperation, money.MaxOperation, k)
	}
	return nil
}

// shorten keeps echoed input short in error details.
func shorten(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// pathIDWithoutBody is the id in the path of a POST that needs no body: an empty body
// or `{}` is accepted, anything else refused like any bad JSON.
func pathIDWithoutBody(c *gin.Context, name string) (uuid.UUID, error) {
	id, err := pathID(c, name)
	if err != nil {
		return uuid.Nil, err
	}
	var in struct{}
	if err := decode(c, &in, true); err != nil {
		return uuid.Nil, err
	}
	return id, nil
}
