package httpapi

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/queries"
)

// Read-your-writes headers. A write answers with the log position it reached; a
// client that talks to several API instances sends it back on its next read, so
// the instance answering waits for it too (this instance remembers it anyway).
const (
	headerPosition    = "X-Chance-Position"
	headerMinPosition = "X-Chance-Min-Position"
)

// consistent makes a read wait (briefly) until the read models it reads reflect the
// caller's last write and the position the request names, so a client always sees its
// own writes. A read side that stays behind past the wait is logged and the query
// answered from what it has: slightly stale beats failing.
func (a *api) consistent(reads queries.ReadModels) gin.HandlerFunc {
	return func(c *gin.Context) {
		if a.await(c, reads) {
			c.Next()
		}
	}
}

// await waits for the caller's writes; false means it answered with a problem.
func (a *api) await(c *gin.Context, reads queries.ReadModels) bool {
	atLeast := eventlog.Start
	// Only a signed-in client may ask to wait for a position: an anonymous one could
	// otherwise hold any read for the whole wait at no cost to itself.
	if raw := strings.TrimSpace(c.GetHeader(headerMinPosition)); raw != "" && callerID(c) != uuid.Nil {
		pos, err := parsePosition(raw)
		if err != nil {
			a.fail(c, badRequest("header %s: %v", headerMinPosition, err))
			return false
		}
		atLeast = pos
	}
	err := a.q.Await(c.Request.Context(), callerID(c), atLeast, reads)
	switch {
	case errors.Is(err, queries.ErrBehind):
		// A position the client named may lie beyond the log (nothing the shop can
		// fix, and each such read would write a warning): Debug; the projection lag
		// metrics show a read side really behind.
		level := slog.LevelWarn
		if !atLeast.IsStart() {
			level = slog.LevelDebug
		}
		a.log.Log(c.Request.Context(), level, "answering from read models still behind", "error", err, "request_id", requestID(c))
	case err != nil:
		a.fail(c, err)
		return false
	}
	return true
}

// wrote records a successful command's position for the caller's next reads and
// tells the client.
func (a *api) wrote(c *gin.Context, pos eventlog.Position) {
	if pos.IsStart() {
		return // nothing appended (a no-op or a replay of nothing new)
	}
	a.q.Wrote(callerID(c), pos)
	c.Header(headerPosition, pos.String())
}

// parsePosition reads a log position as Position.String writes it: "N" or "commit/prepare".
func parsePosition(raw string) (eventlog.Position, error) {
	commit, prepare, split := strings.Cut(raw, "/")
	c, err := strconv.ParseUint(commit, 10, 64)
	if err != nil {
		return eventlog.Start, errors.New("want a log position such as 42 (from an X-Chance-Position header), got " + strconv.Quote(shorten(raw)))
	}
	p := c
	if split {
		if p, err = strconv.ParseUint(prepare, 10, 64); err != nil {
			return eventlog.Start, errors.New("want a log position such as 42 (from an X-Chance-Position header), got " + strconv.Quote(shorten(raw)))
		}
	}
	return eventlog.Position{Commit: c, Prepare: p}, nil
}
