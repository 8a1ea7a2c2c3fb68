package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/chance-video/chance/infra/httpapi"
)

// The API's OpenAPI document (openapi.json, served at /api/v1/openapi.json) is held to
// what the router serves: these tests read the document the binary embeds.

const openAPIFile = "openapi.json"

// apiSpec is the document parsed once, with a validator of requests and responses
// against it.
type apiSpec struct {
	raw       []byte
	model     *v3.Document
	validator validator.Validator
}

var (
	specOnce   sync.Once
	loadedSpec *apiSpec
	specErr    error
)

func loadSpec(t *testing.T) *apiSpec {
	t.Helper()
	specOnce.Do(func() { loadedSpec, specErr = parseSpec() })
	if specErr != nil {
		t.Fatal(specErr)
	}
	return loadedSpec
}

// freeForm are the response members whose own members the document leaves open.
var freeForm = []string{
	"$.body.metadata.*", "$.body.items[*].metadata.*", "$.body.payload.**", "$.body.items[*].payload.**",
	"$.body.info.**", "$.body.servers[*].**", "$.body.security[*].**", "$.body.tags[*].**", "$.body.paths.**", "$.body.paths['/openapi.json']", "$.body.paths['/openapi.json'].**", "$.body.components.**",
}

func parseSpec() (*apiSpec, error) {
	raw, err := os.ReadFile(openAPIFile)
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", openAPIFile, err)
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("build the model of %s: %w", openAPIFile, err)
	}
	// Formats (uuid, date-time, email …) are asserted, and strict mode reports any
	// member of a response body the document does not declare, however open its schema.
	// Free-form members (a dead letter's metadata and payload, the document's own
	// sections) are left out of strict mode: their members are data, not API.
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions(), config.WithStrictMode(),
		config.WithStrictIgnorePaths(freeForm...))
	if len(errs) > 0 {
		return nil, fmt.Errorf("a validator of %s: %v", openAPIFile, errs)
	}
	return &apiSpec{raw: raw, model: &m.Model, validator: v}, nil
}

// The document is a valid OpenAPI 3.1 document (checked against the specification's own
// JSON Schema), in the JSON Schema 2020-12 dialect, naming the API's server.
func TestTheOpenAPIDocumentIsValid(t *testing.T) {
	spec := loadSpec(t)
	if ok, errs := spec.validator.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("%s: %s (line %d)", e.Message, e.Reason, e.SpecLine)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("  at %s: %s", f.KeywordLocation, f.Reason)
			}
		}
	}
	if spec.model.Version != "3.1.0" {
		t.Errorf("openapi is %q, want 3.1.0", spec.model.Version)
	}
	if spec.model.JsonSchemaDialect != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("jsonSchemaDialect is %q", spec.model.JsonSchemaDialect)
	}
	if len(spec.model.Servers) != 1 || spec.model.Servers[0].URL != "/api/v1" {
		t.Errorf("servers: want /api/v1 alone")
	}
	ids := map[string]string{}
	for path, item := range spec.model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			where := strings.ToUpper(method) + " " + path
			switch {
			case op.OperationId == "":
				t.Errorf("%s has no operationId", where)
			case ids[op.OperationId] != "":
				t.Errorf("%s and %s share the operationId %s", ids[op.OperationId], where, op.OperationId)
			}
			ids[op.OperationId] = where
			if op.Summary == "" {
				t.Errorf("%s has no summary", where)
			}
		}
	}
}

// served are the routes the router serves as "METHOD /full/path" with OpenAPI's {param}
// for gin's :param. Every API path is also served with a trailing slash (route in
// router.go); the document names it once, so a slash twin counts as its path, if that
// is served too.
func served(t *testing.T, e *gin.Engine) []string {
	t.Helper()
	all := map[string]bool{}
	for _, r := range e.Routes() {
		all[r.Method+" "+r.Path] = true
	}
	var out []string
	for route := range all {
		method, path, _ := strings.Cut(route, " ")
		if twin, ok := strings.CutSuffix(path, "/"); ok && twin != "" && all[method+" "+twin] {
			continue
		}
		segments := strings.Split(path, "/")
		for i, s := range segments {
			if name, ok := strings.CutPrefix(s, ":"); ok {
				segments[i] = "{" + name + "}"
			}
		}
		out = append(out, method+" "+strings.Join(segments, "/"))
	}
	sort.Strings(out)
	return out
}

// documented are the document's operations as "METHOD /full/path": each path under its
// own servers if it names any, else the document's.
func documented(spec *apiSpec) []string {
	var out []string
	for path, item := range spec.model.Paths.PathItems.FromOldest() {
		servers := spec.model.Servers
		if len(item.Servers) > 0 {
			servers = item.Servers
		}
		for method := range item.GetOperations().FromOldest() {
			for _, s := range servers {
				out = append(out, strings.ToUpper(method)+" "+strings.TrimSuffix(s.URL, "/")+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Every route the router serves is in the document, and every operation in the document
// is served: a new route without documentation fails here, named.
func TestEveryRouteIsDocumentedAndEveryDocumentedOperationServed(t *testing.T) {
	spec := loadSpec(t)
	h := newHarness(t)
	engine, ok := h.api.(*gin.Engine)
	if !ok {
		t.Fatalf("the API handler is a %T, not a *gin.Engine", h.api)
	}
	routes, ops := served(t, engine), documented(spec)
	if len(routes) < 30 {
		t.Fatalf("only %d routes served: %v", len(routes), routes)
	}
	for _, r := range routes {
		if !slices.Contains(ops, r) {
			t.Errorf("the router serves %s, which %s does not document: add the operation to it", r, openAPIFile)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("%s documents %s, which the router does not serve", openAPIFile, op)
		}
	}
}

// Every example in the document validates against its schema, by a JSON Schema 2020-12
// validator of its own (not the one that reads the document): media types' and
// parameters' examples against their schema, schemas' examples against themselves.
func TestEveryExampleInTheDocumentValidates(t *testing.T) {
	spec := loadSpec(t)
	var doc any
	if err := json.Unmarshal(spec.raw, &doc); err != nil {
		t.Fatal(err)
	}
	const base = "file:///openapi.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(base, doc); err != nil {
		t.Fatal(err)
	}
	validate := func(schemaAt, exampleAt string, example any) {
		t.Helper()
		sch, err := c.Compile(base + "#" + schemaAt)
		if err != nil {
			t.Errorf("schema %s: %v", schemaAt, err)
			return
		}
		if err := sch.Validate(example); err != nil {
			t.Errorf("the example at %s does not validate against %s: %v", exampleAt, schemaAt, err)
		}
	}
	checked := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case []any:
			for i, item := range v {
				walk(fmt.Sprintf("%s/%d", at, i), item)
			}
		case map[string]any:
			_, hasSchema := v["schema"]
			if ex, ok := v["example"]; ok && hasSchema {
				validate(at+"/schema", at+"/example", ex)
				checked++
			}
			if exs, ok := v["examples"].(map[string]any); ok && hasSchema {
				for name, ex := range exs {
					value, ok := ex.(map[string]any)["value"]
					if !ok {
						t.Errorf("the example %s/examples/%s has no value", at, name)
						continue
					}
					validate(at+"/schema", at+"/examples/"+pointerToken(name), value)
					checked++
				}
			}
			if exs, ok := v["examples"].([]any); ok && strings.HasPrefix(at, "/components/schemas/") {
				for i, ex := range exs {
					validate(at, fmt.Sprintf("%s/examples/%d", at, i), ex)
					checked++
				}
			}
			for k, child := range v {
				walk(at+"/"+pointerToken(k), child)
			}
		}
	}
	walk("", doc)
	if checked < 40 {
		t.Errorf("only %d examples checked; the walk missed some", checked)
	}
	t.Logf("%d examples validate", checked)
}

func pointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// The document is served as embedded, without a token and before the shop is ready,
// with an ETag that a conditional request gets a 304 for.
func TestTheDocumentIsServedCacheably(t *testing.T) {
	spec := loadSpec(t)
	h := newHarness(t, func(d *httpapi.Deps) { d.Ready = func() (bool, string) { return false, "still starting" } })
	res := h.get("/openapi.json", "").want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	if !bytes.Equal(res.Raw, spec.raw) {
		t.Error("the document served is not openapi.json")
	}
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || res.Header.Get("Cache-Control") == "" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, res.Header.Get("Cache-Control"))
	}
	for _, match := range []string{etag, `"other", ` + etag, "W/" + etag, "*"} {
		again := h.send(req{Method: http.MethodGet, Path: "/openapi.json", Header: map[string]string{"If-None-Match": match}})
		if again.Code != http.StatusNotModified || len(again.Raw) != 0 || again.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d, ETag %q, %d bytes", match, again.Code, again.Header.Get("ETag"), len(again.Raw))
		}
	}
	h.send(req{Method: http.MethodGet, Path: "/openapi.json", Header: map[string]string{"If-None-Match": `"stale"`}}).want(t, http.StatusOK)
	h.get("/search", "").problem(t, http.StatusServiceUnavailable) // the API itself is gated
}
