package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Storefront serves the customers' web pages (infra/web) beside the API. They are not
// API operations, so the OpenAPI document leaves them out.
type Storefront interface {
	// ServeFile answers a GET or HEAD of the named file and says whether it exists;
	// if not, it has written nothing.
	ServeFile(w http.ResponseWriter, r *http.Request, name string) (found bool)
}

// storefrontIndex is the file served at "/"; the pages route in the URL's fragment, so
// no other page path exists.
const storefrontIndex = "index.html"

// storefrontRoutes serves "/" and "/assets/…", outside the readiness gate (the pages
// load while the shop starts and show its 503 themselves). A missing asset is a
// problem like any other 404.
func (a *api) storefrontRoutes(e *gin.Engine, s Storefront) {
	index := func(c *gin.Context) { s.ServeFile(c.Writer, c.Request, storefrontIndex) }
	asset := func(c *gin.Context) {
		if !s.ServeFile(c.Writer, c.Request, strings.TrimPrefix(c.Param("file"), "/")) {
			a.fail(c, notFound("there is no "+c.Request.URL.Path))
		}
	}
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		e.Handle(m, "/", index)
		e.Handle(m, "/assets/*file", asset)
	}
}
