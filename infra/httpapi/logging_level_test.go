package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/chance-video/chance/commands"
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

// A failure that maps to 503 (a store or the payment provider out of reach, a request
// cut short) is a warning in the log, both the failure's line and the request's; one
// of the shop's own (a 500) is an error.
func TestFailureLogLevel(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("append: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), "level=WARN"},
		{fmt.Errorf("top up: %w", commands.ErrProviderUnavailable), "level=WARN"},
		{fmt.Errorf("load: %w", context.DeadlineExceeded), "level=WARN"},
		{errors.New("a bug of ours"), "level=ERROR"},
	} {
		var out bytes.Buffer
		a := &api{log: slog.New(slog.NewTextHandler(&out, nil))}
		e := gin.New()
		e.Use(a.logRequests)
		e.GET("/x", func(c *gin.Context) { a.fail(c, tc.err) })
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("%v: want the failure's line and the request's, got %q", tc.err, out.String())
		}
		for _, line := range lines {
			if !strings.HasPrefix(strings.SplitN(line, " level=", 2)[0], "time=") || !strings.Contains(line, tc.want) {
				t.Errorf("%v: logged %q, want %s", tc.err, line, tc.want)
			}
		}
	}
}
