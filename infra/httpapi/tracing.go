package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
)

// RequestTracer opens the span of each request (observe.Tracing implements it).
type RequestTracer interface {
	// StartRequest opens the request's span, named after the route template; end is
	// told the status.
	StartRequest(ctx context.Context, header http.Header, method, route, requestID string) (_ context.Context, end func(status int))
}

// traceRequests runs each request inside its span: the use cases, the appends and
// every log line of the request are then in its trace.
func (a *api) traceRequests(t RequestTracer) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, end := t.StartRequest(c.Request.Context(), c.Request.Header, c.Request.Method, routeOf(c), requestID(c))
		c.Request = c.Request.WithContext(ctx)
		c.Next()
		end(c.Writer.Status())
	}
}
