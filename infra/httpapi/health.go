package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Readiness says whether the read side can answer truthfully yet: false with the
// reason while the read models are still catching up with the log.
type Readiness func() (ready bool, why string)

// retryWhileStarting is the Retry-After of an API answer refused while starting.
const retryWhileStarting = "1"

// Ops are the operations endpoints, outside /api/v1 and outside the readiness gate:
// every process serves them, with the api role or without (OpsHandler).
type Ops struct {
	// Starting, if set, says whether the read side has caught up since the process
	// started; nil: it has.
	Starting Readiness
	// Checks, if set, are /readyz's checks once started (stores, broker, lag).
	Checks func(ctx context.Context) []Check
	// Metrics, if set, is served at GET /metrics (observe.Metrics.Handler).
	Metrics http.Handler
}

// Check is one part of readiness, as /readyz reports it.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	// Advisory: reported, but a failure does not make the process unready (the
	// projection lag on a process that does not project: it cannot cure it, and its
	// writes and slightly stale reads still work).
	Advisory bool `json:"advisory,omitempty"`
}

// opsRoutes are for orchestrators and load balancers: /healthz says the process is
// alive and serving HTTP, /readyz whether it should be sent traffic. Every operations
// endpoint is registered here, once, for the API and for processes without it.
func (o Ops) routes(e *gin.Engine) {
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		e.Handle(m, "/healthz", func(c *gin.Context) { reply(c, http.StatusOK, gin.H{"status": "ok"}) })
		e.Handle(m, "/readyz", o.readyz)
	}
	mountMetrics(e, o.Metrics)
}

// readyz answers 200 when the process has started and every check passes; 503 with
// what is not ready otherwise.
func (o Ops) readyz(c *gin.Context) {
	if o.Starting != nil {
		if ok, why := o.Starting(); !ok {
			c.Header("Retry-After", retryWhileStarting)
			reply(c, http.StatusServiceUnavailable, gin.H{"status": "starting", "detail": why})
			return
		}
	}
	var checks []Check
	if o.Checks != nil {
		checks = o.Checks(c.Request.Context())
	}
	var failed []string
	for _, ch := range checks {
		if !ch.OK && !ch.Advisory {
			failed = append(failed, ch.Name)
		}
	}
	if len(failed) > 0 {
		c.Header("Retry-After", retryWhileStarting)
		reply(c, http.StatusServiceUnavailable, gin.H{"status": "not ready", "detail": "failing: " + strings.Join(failed, ", "), "checks": checks})
		return
	}
	reply(c, http.StatusOK, gin.H{"status": "ready", "checks": checks})
}

// OpsHandler serves only the operations endpoints: the HTTP face of a process without
// the api role.
func OpsHandler(o Ops) http.Handler {
	releaseMode.Do(func() { gin.SetMode(gin.ReleaseMode) })
	e := gin.New()
	e.Use(gin.Recovery())
	e.NoRoute(func(c *gin.Context) {
		p := newProblem(http.StatusNotFound, "there is no "+c.Request.URL.Path+" here: this process serves no API (it does not play the api role), only /healthz and /readyz")
		p.Instance = c.Request.URL.Path
		body, _ := json.Marshal(p)
		c.Data(p.Status, "application/problem+json", body)
	})
	o.routes(e)
	return e
}

func (a *api) isReady() (bool, string) {
	if a.ready == nil {
		return true, ""
	}
	return a.ready()
}

// gateUntilReady answers 503 + Retry-After until the read models have caught up with
// the log as it was at start: an answer from a half-built read model (a search that
// finds nothing, a balance of zero) would be wrong, not merely late.
func (a *api) gateUntilReady(c *gin.Context) {
	if ok, why := a.isReady(); !ok {
		p := newProblem(http.StatusServiceUnavailable, "the shop is starting: "+why+"; retry in a moment")
		p.Type, p.Title = typeStarting, "Starting"
		p.Header = http.Header{"Retry-After": {retryWhileStarting}}
		a.fail(c, p)
		return
	}
	c.Next()
}

// limitHeaders refuses requests whose header section is larger than maxHeaderBytes
// with a 431 problem (the server's own limit, somewhat higher, stops larger ones
// before they are read).
func (a *api) limitHeaders(c *gin.Context) {
	if a.maxHeaderBytes <= 0 {
		c.Next()
		return
	}
	size := len(c.Request.Method) + len(c.Request.RequestURI) + len(c.Request.Proto) + 4
	for k, vs := range c.Request.Header {
		for _, v := range vs {
			size += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	if size > a.maxHeaderBytes {
		a.fail(c, newProblem(http.StatusRequestHeaderFieldsTooLarge,
			fmt.Sprintf("the request line and headers take %d bytes; at most %d are accepted", size, a.maxHeaderBytes)))
		return
	}
	c.Next()
}
