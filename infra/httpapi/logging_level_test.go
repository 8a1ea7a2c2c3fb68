package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// A 503 (starting, a store out of reach) is logged as a warning, a 500 as an error,
// a 4xx written without fail (a page's own answer) as a refusal at debug.
func TestRequestLogLevelByStatus(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for status, want := range map[int]string{http.StatusServiceUnavailable: "level=WARN", http.StatusInternalServerError: "level=ERROR", http.StatusOK: "level=INFO", http.StatusNotFound: "level=DEBUG"} {
		var out bytes.Buffer
		a := &api{log: slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))}
		e := gin.New()
		e.Use(a.logRequests)
		e.GET("/x", func(c *gin.Context) { c.Status(status) })
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
		if !strings.Contains(out.String(), want) {
			t.Errorf("status %d logged %q, want %s", status, out.String(), want)
		}
	}
}
