// Package web is the storefront: the shop's pages for customers, plain HTML, CSS and
// JavaScript modules embedded in the binary (no build step). The pages talk only to the
// public API under /api/v1, as any other client would.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// Index is the page every route of the storefront starts from (routes are in the URL's
// fragment, so the server never sees them).
const Index = "index.html"

// SecurityPolicy is the storefront's Content-Security-Policy: scripts, styles and API
// calls from this origin only (no inline script or style, so an injected string cannot
// run), posters from this origin or any https host, and no framing.
const SecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// file is one embedded file, ready to serve.
type file struct {
	body        []byte
	contentType string
	etag        string
}

// Storefront serves the embedded files.
type Storefront struct {
	files map[string]file
}

// New reads the embedded files once; a name it does not hold is never served, so no
// path can reach outside them.
func New() (*Storefront, error) {
	s := &Storefront{files: map[string]file{}}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return fmt.Errorf("storefront: %s: no content type for %q files", p, path.Ext(p))
		}
		sum := sha256.Sum256(body)
		s.files[strings.TrimPrefix(p, "static/")] = file{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := s.files[Index]; !ok {
		return nil, fmt.Errorf("storefront: no %s embedded", Index)
	}
	return s, nil
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// ServeFile answers a GET or HEAD of the file name ("index.html", "app.js" …) and says
// whether there is such a file; if not, it has written nothing and the caller answers.
// Every answer must be revalidated (Cache-Control: no-cache) against its ETag, a 304
// when unchanged: the modules import each other by plain names, so a cached old module
// beside a new one would break the page after an upgrade.
func (s *Storefront) ServeFile(w http.ResponseWriter, r *http.Request, name string) bool {
	f, ok := s.files[name]
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("Content-Security-Policy", SecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", f.etag)
	if etagMatches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Length", fmt.Sprint(len(f.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.body)
	}
	return true
}

// etagMatches applies If-None-Match (RFC 9110 §13.1.2): "*", or a list of entity tags
// compared weakly.
func etagMatches(header, etag string) bool {
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}
