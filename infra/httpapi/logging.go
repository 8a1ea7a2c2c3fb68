package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/observe"
)

const (
	headerRequestID = "X-Request-Id"
	requestIDKey    = "chance.request_id"
)

// requestID is the request's id: the client's X-Request-Id if it is a sane token,
// else a new UUID. It is the commands' correlation id, so a request can be followed
// from its log line into the events it caused.
func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

func saneRequestID(id string) bool {
	return id != "" && len(id) <= 64 && strings.IndexFunc(id, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}

// logRequests names the request and writes one structured line per request once it is answered.
func (a *api) logRequests(c *gin.Context) {
	started := time.Now()
	id := c.GetHeader(headerRequestID)
	if !saneRequestID(id) {
		id = uuid.NewString()
	}
	c.Set(requestIDKey, id)
	c.Header(headerRequestID, id)
	// Every line logged while answering, by whoever logs it, names the request.
	c.Request = c.Request.WithContext(observe.WithRequestID(c.Request.Context(), id))
	c.Next()
	status := c.Writer.Status()
	level := levelOf(c, status)
	route := routeOf(c)
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.String("route", route),
		slog.Int("status", status), slog.Duration("duration", time.Since(started)), slog.Int("bytes", c.Writer.Size()),
		slog.String("request_id", id), slog.String("client", c.ClientIP()),
	}
	if user := callerID(c); user != uuid.Nil {
		attrs = append(attrs, slog.String("user_id", user.String()))
	}
	a.log.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// outcomeKey marks a request whose client hung up before the answer (fail sets it
// to outcomeClientGone): nothing failed on our side, whatever the status says.
const (
	outcomeKey        = "chance.outcome"
	outcomeClientGone = "client_gone"
)

// levelOf is the level of a request's log line: the shop's own failures are
// errors, an unavailable dependency a warning (expected and retried; load balancers
// poll /readyz through it), a client hanging up Info, and a client's mistake (bad
// input, unknown id, conflict, a reused key …) Debug, never Error, or a hostile
// client could flood the error log and page whoever watches it.
func levelOf(c *gin.Context, status int) slog.Level {
	if c.GetString(outcomeKey) == outcomeClientGone {
		return slog.LevelInfo
	}
	switch {
	case status >= http.StatusInternalServerError:
		return failureLevel(status)
	case status >= http.StatusBadRequest:
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// clientGone reports whether err is the client hanging up: the request's context
// was cancelled (the connection closed) or its body broke off mid-way.
func clientGone(c *gin.Context, err error) bool {
	if errors.Is(err, errBodyCutShort) {
		return true
	}
	return errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil
}

// recoverPanics turns a handler's panic into a logged 500 problem instead of a
// dropped connection.
func (a *api) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // the client went away: let net/http handle it quietly
			}
			a.fail(c, fmt.Errorf("panic: %v", v))
		}
	}()
	c.Next()
}
