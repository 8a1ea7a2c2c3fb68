package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chance-video/chance/infra/web"
)

func serve(t *testing.T, s *web.Storefront, method, name string, header map[string]string) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	r := httptest.NewRequest(method, "/", nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	found := s.ServeFile(w, r, name)
	return w, found
}

func newStorefront(t *testing.T) *web.Storefront {
	t.Helper()
	s, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every file is served with its type, a strict policy against injected scripts, and an
// ETag that turns a repeated request into a 304 with no body.
func TestEveryFileIsServedUnderTheSecurityPolicyAndRevalidated(t *testing.T) {
	s := newStorefront(t)
	for name, wantType := range map[string]string{
		web.Index: "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8", "api.js": "text/javascript; charset=utf-8",
		"style.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml",
	} {
		w, found := serve(t, s, http.MethodGet, name, nil)
		if !found || w.Code != http.StatusOK {
			t.Fatalf("%s: found %v, status %d", name, found, w.Code)
		}
		h := w.Header()
		if h.Get("Content-Type") != wantType {
			t.Errorf("%s: Content-Type %q, want %q", name, h.Get("Content-Type"), wantType)
		}
		for k, v := range map[string]string{"Content-Security-Policy": web.SecurityPolicy, "X-Content-Type-Options": "nosniff",
			"Cache-Control": "no-cache", "X-Frame-Options": "DENY"} {
			if h.Get(k) != v {
				t.Errorf("%s: %s %q, want %q", name, k, h.Get(k), v)
			}
		}
		if w.Body.Len() == 0 || h.Get("Content-Length") == "" {
			t.Errorf("%s: empty body or no length", name)
		}
		etag := h.Get("ETag")
		again, _ := serve(t, s, http.MethodGet, name, map[string]string{"If-None-Match": `"other", ` + etag})
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s with its ETag: %d and %d bytes, want 304 and none", name, again.Code, again.Body.Len())
		}
		head, _ := serve(t, s, http.MethodHead, name, nil)
		if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != h.Get("Content-Length") {
			t.Errorf("HEAD %s: %d, %d bytes, length %q", name, head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
		}
	}
}

// The policy allows scripts from the shop only: no inline script, no eval.
func TestThePolicyAllowsNoInlineScript(t *testing.T) {
	for _, directive := range []string{"script-src 'self';", "default-src 'none';", "frame-ancestors 'none'"} {
		if !strings.Contains(web.SecurityPolicy, directive) {
			t.Errorf("policy lacks %q: %s", directive, web.SecurityPolicy)
		}
	}
	if strings.Contains(web.SecurityPolicy, "unsafe") {
		t.Errorf("policy allows something unsafe: %s", web.SecurityPolicy)
	}
}

// Names that are not embedded files, traversal included, are not served: the caller
// answers them (a 404 problem).
func TestOnlyEmbeddedFilesAreServed(t *testing.T) {
	s := newStorefront(t)
	for _, name := range []string{"", "nope.js", "../web.go", "static/app.js", "/app.js", "web.go", "APP.JS"} {
		w, found := serve(t, s, http.MethodGet, name, nil)
		if found || w.Body.Len() != 0 || len(w.Header()) != 0 {
			t.Errorf("%q: found %v, %d bytes, headers %v", name, found, w.Body.Len(), w.Header())
		}
	}
}

var inlineHandler = regexp.MustCompile(`\son[a-z]+\s*=`)

// The page loads its code as modules from the shop, never inline, and never builds
// markup from strings (innerHTML and friends): text goes in as text nodes only.
func TestThePagesHaveNoInlineScriptAndNoHTMLFromStrings(t *testing.T) {
	s := newStorefront(t)
	w, _ := serve(t, s, http.MethodGet, web.Index, nil)
	page := w.Body.String()
	if !strings.Contains(page, `<script type="module" src="/assets/app.js"></script>`) {
		t.Errorf("index.html does not load /assets/app.js as a module")
	}
	if strings.Count(page, "<script") != 1 || strings.Contains(page, "style=") || inlineHandler.MatchString(page) {
		t.Errorf("index.html has inline script or style")
	}
	for _, name := range []string{"app.js", "api.js", "dom.js", "ui.js", "format.js", "catalogue.js", "cart.js", "account.js"} {
		w, found := serve(t, s, http.MethodGet, name, nil)
		if !found {
			t.Fatalf("%s is not embedded", name)
		}
		for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
			if strings.Contains(w.Body.String(), sink) {
				t.Errorf("%s uses %s", name, sink)
			}
		}
	}
}
