package httpapi

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// openAPIDocument is the API's OpenAPI 3.1 description, written by hand beside the
// handlers. openapi_test.go holds it to the router: every route served is documented
// and every documented operation served, and real answers validate against it.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPIETag names the document's version: it changes with every build that changes it.
var openAPIETag = func() string {
	sum := sha256.Sum256(openAPIDocument)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}()

// openAPICacheControl lets caches keep the document a few minutes; after that they
// revalidate with the ETag (a 304 costs nothing).
const openAPICacheControl = "public, max-age=300"

// serveOpenAPI serves the document at /api/v1/openapi.json without authentication and
// outside the readiness gate, so tools can read it while the shop starts.
func serveOpenAPI(e *gin.Engine) {
	e.GET(Prefix+"/openapi.json", func(c *gin.Context) {
		c.Header("ETag", openAPIETag)
		if c.GetHeader("Authorization") == "" { // else no-store (noStoreWhenSignedIn)
			c.Header("Cache-Control", openAPICacheControl)
		}
		if etagMatches(c.GetHeader("If-None-Match"), openAPIETag) {
			c.Status(http.StatusNotModified)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIDocument)
	})
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
