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
	Rebuild(ctx context.Context, projection string) (events uint64, err error)
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
	out := make([]replayReply, 0, len(names))
	for _, n := range names {
		started := time.Now()
		events, err := a.rebuilder.Rebuild(c.Request.Context(), n)
		if errors.Is(err, ErrUnknownProjection) {
			a.fail(c, notFound("no read model named "+n+"; try all, or one of "+strings.Join(a.rebuilder.Names(), ", ")))
			return
		}
		if err != nil {
			a.fail(c, err)
			return
		}
		out = append(out, replayReply{Projection: n, Events: events, Seconds: time.Since(started).Seconds()})
	}
	reply(c, http.StatusOK, gin.H{"items": out})
}

// ErrUnknownProjection is what a Rebuilder returns for a name it does not run.
var ErrUnknownProjection = errors.New("unknown projection")
