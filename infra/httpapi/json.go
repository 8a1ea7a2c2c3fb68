package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

// MaxBody bounds a request body. The largest legitimate body, a premiere's card,
// is about 10,000 characters; a megabyte leaves room and stops memory abuse.
const MaxBody = 1 << 20

const bodyKey = "chance.body"

// body reads the request body once, at most MaxBody bytes; later calls get the same
// bytes (the idempotency fingerprint and the decoder both need them).
func body(c *gin.Context) ([]byte, error) {
	if b, ok := c.Get(bodyKey); ok {
		return b.([]byte), nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, badRequest("the request body is larger than %d bytes (1 MiB)", MaxBody)
	case err != nil:
		// The client hung up mid-body (or its connection broke): its mistake at worst.
		p := badRequest("the request body could not be read: %v", err)
		return nil, &bodyCutShort{p}
	}
	c.Set(bodyKey, b)
	return b, nil
}

// errBodyCutShort marks a body that broke off before its end: the client went away.
var errBodyCutShort = errors.New("request body cut short")

// bodyCutShort is the 400 answered for a body that could not be read; it is
// errBodyCutShort, so the request is logged as the client going away.
type bodyCutShort struct{ *Problem }

func (b *bodyCutShort) Unwrap() []error { return []error{b.Problem, errBodyCutShort} }

// Request bodies are read with JSON v2 semantics (github.com/go-json-experiment/json,
// the module that became encoding/json/v2): member names match case-sensitively,
// a name given twice is refused, and strings must be valid UTF-8. encoding/json
// took {"Summ":100} as summ and the last of {"summ":1,"summ":100000000} (issue 7),
// so what the API checked and what a proxy or a log saw could differ. Responses are
// still written with encoding/json: the replies' shapes do not change.

// decode reads the body as exactly one JSON object into dst, refusing unknown or
// repeated fields, wrong types and trailing data with a 400 that names the field at
// fault. An empty body is refused unless optional.
func decode(c *gin.Context, dst any, optional bool) error {
	b, err := body(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		if optional {
			return nil
		}
		return badRequest("the request body is empty; send a JSON object")
	}
	return unmarshalBody(b, dst)
}

// unmarshalBody decodes a non-empty body into dst by the rules of decode.
func unmarshalBody(b []byte, dst any) error {
	if err := checkObject(b); err != nil {
		return err
	}
	err := jsonv2.Unmarshal(b, dst, jsonv2.RejectUnknownMembers(true))
	var semantic *jsonv2.SemanticError
	if errors.Is(err, jsonv2.ErrUnknownName) && errors.As(err, &semantic) {
		if known := sameNameOtherCase(reflect.TypeOf(dst), semantic.JSONPointer); known != "" {
			return badRequest("unknown field %q in the request body; field names are case-sensitive: did you mean %q?", fieldPath(semantic.JSONPointer), known)
		}
	}
	if err != nil {
		return jsonProblem(err)
	}
	return nil
}

// sameNameOtherCase is the JSON name of the top-level field of t (a pointer to a
// struct) that the pointer's member matches but for case, or "".
func sameNameOtherCase(t reflect.Type, p jsontext.Pointer) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || p.Parent() != "" {
		return ""
	}
	got := p.LastToken()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != got && strings.EqualFold(name, got) {
			return name
		}
	}
	return ""
}

// checkObject refuses a body that is not exactly one JSON object, or whose object
// repeats a member name or holds invalid UTF-8 (at any depth). decode and
// canonicalJSON both start here, so a body is fingerprinted only if it would decode.
func checkObject(b []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(b))
	switch kind := dec.PeekKind(); kind {
	case '{':
	case 0: // not JSON at all: ReadValue reports why
	default:
		return badRequest("the request body must be a JSON object, not %s", describeKind(kind, nil))
	}
	if _, err := dec.ReadValue(); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return badRequest("the request body has more data after its JSON object; send exactly one object")
	}
	return nil
}

// jsonProblem explains a decoding error in terms of the request.
func jsonProblem(err error) *Problem {
	var (
		syntax   *jsontext.SyntacticError
		semantic *jsonv2.SemanticError
		tooBig   *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return badRequest("the request body is larger than %d bytes (1 MiB)", MaxBody)
	case errors.Is(err, jsontext.ErrDuplicateName) && errors.As(err, &syntax):
		return badRequest("field %q appears more than once in the request body; send each field once", fieldPath(syntax.JSONPointer))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body is not valid JSON: it ends in the middle of a value")
	case errors.As(err, &syntax):
		return badRequest("the request body is not valid JSON (at byte %d): %v", syntax.ByteOffset, syntax.Err)
	case errors.Is(err, jsonv2.ErrUnknownName) && errors.As(err, &semantic):
		return badRequest("unknown field %q in the request body (field names are case-sensitive)", fieldPath(semantic.JSONPointer))
	case errors.As(err, &semantic) && semantic.JSONPointer != "" && semantic.GoType != nil:
		detail := fmt.Sprintf("field %q must be %s, not %s", fieldPath(semantic.JSONPointer), describeType(semantic.GoType),
			describeKind(semantic.JSONKind, semantic.JSONValue))
		if errors.Is(err, strconv.ErrRange) {
			detail += " (out of range)"
		}
		return badRequest("%s", detail)
	}
	return badRequest("the request body could not be decoded: %v", err)
}

// fieldPath names a member by its JSON Pointer the way a client writes it:
// "/card/actors/0" is card.actors[0].
func fieldPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.ParseUint(tok, 10, 64); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// describeKind names a JSON value's kind, with a number's text.
func describeKind(k jsontext.Kind, v jsontext.Value) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "true or false"
	case '"':
		return "a string"
	case '0':
		if len(v) > 0 {
			return "the number " + shorten(string(v))
		}
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "another kind of value"
}

// describeType names a Go type the way a JSON client thinks of it.
func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array of " + strings.TrimPrefix(describeType(t.Elem()), "a ") + "s"
	case reflect.Pointer:
		return describeType(t.Elem())
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a JSON " + t.Kind().String()
}

// canonicalJSON is the body with insignificant differences removed (whitespace,
// member order, string escapes), so a client that re-serialises a retried request
// still presents the same fingerprint. Numbers stay as sent (100 and 100.0 differ).
// A body decode would refuse (not one object, a repeated name) fails here first,
// with the same 400, and is never fingerprinted.
func canonicalJSON(b []byte) ([]byte, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	if err := checkObject(b); err != nil {
		return nil, err
	}
	v := jsontext.Value(bytes.Clone(b))
	if err := v.Format(jsontext.ReorderRawObjects(true)); err != nil {
		return nil, jsonProblem(err)
	}
	return v, nil
}

// reply writes v as JSON with status.
func reply(c *gin.Context, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // titles and descriptions stay readable
	if err := enc.Encode(v); err != nil {
		// Only a bug in a reply type gets here; recoverPanics logs it as a 500.
		panic(fmt.Errorf("encode response: %w", err))
	}
	c.Data(status, "application/json; charset=utf-8", buf.Bytes())
}

// optionalID is nil for the nil UUID, so JSON shows null rather than zeros.
func optionalID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}
