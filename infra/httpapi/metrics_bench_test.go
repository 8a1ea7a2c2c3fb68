package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/chance-video/chance/infra/observe"
)

// The cost of timing a request into the metrics, against the same router without it:
// the middleware's own time and allocations are the difference.
func BenchmarkRequestMetrics(b *testing.B) {
	releaseMode.Do(func() { gin.SetMode(gin.ReleaseMode) })
	for _, c := range []struct {
		name    string
		metrics RequestMetrics
	}{{"bare", nil}, {"metrics", observe.NewMetrics()}} {
		e := gin.New()
		if c.metrics != nil {
			e.Use(measureRequests(c.metrics))
		}
		e.GET("/api/v1/premiere/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
		req := httptest.NewRequest(http.MethodGet, "/api/v1/premiere/5b0f4c1e-6f0e-4c59-9a67-1f3c2e1f9a10", nil)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			w := httptest.NewRecorder()
			for b.Loop() {
				e.ServeHTTP(w, req)
			}
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := httptest.NewRecorder()
				for pb.Next() {
					e.ServeHTTP(w, req)
				}
			})
		})
	}
}
