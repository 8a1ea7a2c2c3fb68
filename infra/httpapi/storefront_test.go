package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/infra/web"
)

// The storefront is served beside the API, also while the shop starts (its pages show
// the API's 503 themselves), and the API's own 404s stay problems.
func TestTheStorefrontIsServedBesideTheAPI(t *testing.T) {
	store, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	ready := false
	h := newHarness(t, func(d *httpapi.Deps) {
		d.Storefront = store
		d.Ready = func() (bool, string) { return ready, "catching up" }
	})
	for _, c := range []struct {
		method, path string
		status       int
		contentType  string
	}{
		{http.MethodGet, "/", http.StatusOK, "text/html; charset=utf-8"},
		{http.MethodHead, "/", http.StatusOK, "text/html; charset=utf-8"},
		{http.MethodGet, "/assets/app.js", http.StatusOK, "text/javascript; charset=utf-8"},
		{http.MethodGet, "/assets/style.css", http.StatusOK, "text/css; charset=utf-8"},
		{http.MethodGet, "/assets/nope.js", http.StatusNotFound, "application/problem+json"},
		{http.MethodGet, "/assets/../router.go", http.StatusNotFound, "application/problem+json"},
		{http.MethodGet, "/index.html", http.StatusNotFound, "application/problem+json"},
		{http.MethodPost, "/", http.StatusMethodNotAllowed, "application/problem+json"},
		{http.MethodGet, "/api/v1/nope", http.StatusNotFound, "application/problem+json"},
		{http.MethodGet, "/api/v1/search?q=x", http.StatusServiceUnavailable, "application/problem+json"},
	} {
		w := h.raw(c.method, c.path)
		if w.Code != c.status || w.Header().Get("Content-Type") != c.contentType {
			t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, w.Code, w.Header().Get("Content-Type"), c.status, c.contentType)
		}
		if c.status == http.StatusOK && w.Header().Get("Content-Security-Policy") != web.SecurityPolicy {
			t.Errorf("%s %s: no security policy", c.method, c.path)
		}
	}
	if w := h.raw(http.MethodGet, "/"); !strings.Contains(w.Body.String(), "Шанс-видео") {
		t.Errorf("GET / is not the storefront: %.200s", w.Body.String())
	}
}
