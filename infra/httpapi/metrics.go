package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// RequestMetrics records each answered request (observe.Metrics implements it).
type RequestMetrics interface {
	// Request is told the route template (never the path: the path would make a
	// time series per id), the method, the status and how long the answer took.
	Request(route, method string, status int, took time.Duration)
}

// unmatchedRoute names the requests no route matched (404, 405) in metrics and logs.
const unmatchedRoute = "unmatched"

// routeOf is the template of the route that served c, such as /api/v1/rent/:id.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return unmatchedRoute
}

// measureRequests times every request, from before any other middleware to the end
// of its answer.
func measureRequests(m RequestMetrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		started := time.Now()
		c.Next()
		m.Request(routeOf(c), c.Request.Method, c.Writer.Status(), time.Since(started))
	}
}

// mountMetrics serves Prometheus's scrape endpoint, GET /metrics, beside /healthz and
// /readyz: outside /api/v1 and outside the readiness gate, so a starting process is
// scraped too. A nil handler mounts nothing.
func mountMetrics(e *gin.Engine, metrics http.Handler) {
	if metrics != nil {
		e.GET("/metrics", gin.WrapH(metrics))
	}
}
