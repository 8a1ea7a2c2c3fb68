package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

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
		return nil, badRequest("the request body could not be read: %v", err)
	}
	c.Set(bodyKey, b)
	return b, nil
}

// decode reads the body as exactly one JSON object into dst, refusing unknown
// fields, wrong types and trailing data with a 400 that names the field at fault.
// An empty body is refused unless optional.
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
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the request body has more data after its JSON object; send exactly one object")
	}
	return nil
}

// jsonProblem explains a decoding error in terms of the request.
func jsonProblem(err error) *Problem {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		tooBig   *http.MaxBytesError
		unknown  = "json: unknown field "
		message  = err.Error()
		jsonText = strings.TrimPrefix(message, "json: ")
	)
	switch {
	case errors.As(err, &syntax):
		return badRequest("the request body is not valid JSON (at byte %d): %s", syntax.Offset, syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body is not valid JSON: it ends in the middle of a value")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return badRequest("the request body must be a JSON object, not %s", typeErr.Value)
		}
		return badRequest("field %q must be %s, not %s", typeErr.Field, describeType(typeErr.Type), typeErr.Value)
	case strings.HasPrefix(message, unknown):
		return badRequest("unknown field %s in the request body", strings.TrimPrefix(message, unknown))
	case errors.As(err, &tooBig):
		return badRequest("the request body is larger than %d bytes (1 MiB)", MaxBody)
	}
	return badRequest("the request body could not be decoded: %s", jsonText)
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
	}
	return "a JSON " + t.Kind().String()
}

// canonicalJSON is the body with insignificant differences removed (whitespace,
// member order), so a client that re-serialises a retried request still presents
// the same fingerprint. A body that is not JSON fails here with the decoder's 400.
func canonicalJSON(b []byte) ([]byte, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep 100 and 100.0 apart exactly as sent, never through float64
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("the request body has more data after its JSON object; send exactly one object")
	}
	return json.Marshal(v) // map keys come out sorted
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
