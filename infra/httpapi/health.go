package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Readiness says whether the read side can answer truthfully yet: false with the
// reason while the read models are still catching up with the log.
type Readiness func() (ready bool, why string)

// retryWhileStarting is the Retry-After of an API answer refused while starting.
const retryWhileStarting = "1"

// healthRoutes are for orchestrators and load balancers, outside /api/v1 and
// outside the readiness gate: /healthz says the process is alive and serving HTTP,
// /readyz whether it should be sent traffic.
func (a *api) healthRoutes(e *gin.Engine) {
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		e.Handle(m, "/healthz", func(c *gin.Context) { reply(c, http.StatusOK, gin.H{"status": "ok"}) })
		e.Handle(m, "/readyz", func(c *gin.Context) {
			if ok, why := a.isReady(); !ok {
				c.Header("Retry-After", retryWhileStarting)
				reply(c, http.StatusServiceUnavailable, gin.H{"status": "starting", "detail": why})
				return
			}
			reply(c, http.StatusOK, gin.H{"status": "ready"})
		})
	}
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
