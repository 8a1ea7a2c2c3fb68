package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Rebuilder rebuilds a read model online: from position zero into fresh tables while
// the current ones keep serving, swapped in once caught up (projections.Runner).
type Rebuilder interface {
	// Rebuild rebuilds the named read models one after another, telling done of each.
	// It refuses at once, rebuilding nothing, if any of them is being rebuilt already.
	Rebuild(ctx context.Context, projections []string, done func(projection string, events uint64)) error
	Names() []string
}

type replayReply struct {
	Projection string  `json:"projection"`
	Events     uint64  `json:"events"`
	Seconds    float64 `json:"seconds"`
}

// replay: POST /admin/replay/:projection — rebuilds one read model, or "all", while the
// shop keeps serving; answers when the new tables are in place.
func (a *api) replay(c *gin.Context) {
	if a.rebuilder == nil {
		a.fail(c, newProblem(http.StatusNotImplemented, "this server cannot rebuild read models online"))
		return
	}
	name := c.Param("projection")
	names := []string{name}
	if name == "all" {
		names = a.rebuilder.Names()
	}
	// Rebuilding every read model of a large log takes longer than the server's write
	// timeout allows an ordinary request.
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{})
	out := make([]replayReply, 0, len(names))
	started := time.Now()
	// One pass over the log feeds every named read model: seconds is the time from the
	// request to that read model's swap.
	err := a.rebuilder.Rebuild(c.Request.Context(), names, func(n string, events uint64) {
		out = append(out, replayReply{Projection: n, Events: events, Seconds: time.Since(started).Seconds()})
	})
	if errors.Is(err, ErrUnknownProjection) {
		a.fail(c, notFound("no read model named "+name+"; try all, or one of "+strings.Join(a.rebuilder.Names(), ", ")))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, gin.H{"items": out})
}

// Errors a Rebuilder returns: a name it does not run, and a read model already being
// rebuilt (409).
var (
	ErrUnknownProjection = errors.New("unknown projection")
	ErrRebuildInProgress = errors.New("this read model is already being rebuilt; wait for that rebuild to finish")
)
