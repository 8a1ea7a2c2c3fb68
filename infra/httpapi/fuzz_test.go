package httpapi

import (
	"bytes"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// bodyTypes are the request bodies the API decodes, one constructor each.
var bodyTypes = []func() any{
	func() any { return new(registerBody) },
	func() any { return new(loginBody) },
	func() any { return new(fillBody) },
	func() any { return new(withdrawBody) },
	func() any { return new(rentBody) },
	func() any { return new(termBody) },
	func() any { return new(cartItemBody) },
	func() any { return new(checkoutBody) },
	func() any { return new(publishBody) },
	func() any { return new(premierePatch) },
}

// FuzzDecodeBodies: any body, decoded as any request type, either decodes or is a
// 400 problem, never a panic. A body is fingerprinted exactly when it is one
// well-formed object, and its canonical form decodes to the same request.
// Seeds are in testdata/fuzz/FuzzDecodeBodies; plain `go test` runs them.
func FuzzDecodeBodies(f *testing.F) {
	for i, body := range []string{
		`{"email":"ann@example.ru","password":"correct horse","first_name":"Ann \"Nan\"","last_name":"O'Neil"}`,
		`{"email":"a@b.ru","password":"x"}`,
		`{"summ":100}`,
		`{"id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","summ":100,"period":12}`,
		`{"id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","period":12,"starts_at":"2026-12-01T19:00:00Z","payment_id":""}`,
		`{"period":5}`,
		`{"premiere_id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","period":5,"starts_at":"0001-01-01T00:00:00Z"}`,
		`{"expected_total":null}`,
		`{"title":"Маузер","actors":["Евгений Миронов"],"description":"…","theater_price":0,"online_price":1,"reservation_hours":1,"discount_percent":0}`,
		`{"actors":null,"title":"A"}`,
	} {
		f.Add(uint(i), []byte(body))
	}
	f.Add(uint(2), []byte(`{"Summ":100}`))
	f.Add(uint(2), []byte(`{"summ":1,"summ":100000000}`))
	f.Add(uint(9), []byte(`{"actors":["a","a"],"title":{"x":1,"x":2}}`))
	f.Fuzz(func(t *testing.T, kind uint, body []byte) {
		if len(bytes.TrimSpace(body)) == 0 {
			return // decode refuses an empty body before unmarshalBody
		}
		newBody := bodyTypes[kind%uint(len(bodyTypes))]
		dst := newBody()
		err := unmarshalBody(body, dst)
		var p *Problem
		if err != nil && (!errors.As(err, &p) || p.Status != http.StatusBadRequest || p.Detail == "") {
			t.Fatalf("%T: %q: error %v is not a 400 problem with a detail", dst, body, err)
		}
		canonical, cerr := canonicalJSON(body)
		if (cerr == nil) != (checkObject(body) == nil) {
			t.Fatalf("%q: fingerprinted %v, but checkObject says %v", body, cerr, checkObject(body))
		}
		if err != nil || cerr != nil {
			return
		}
		again := newBody()
		if err := unmarshalBody(canonical, again); err != nil || !reflect.DeepEqual(again, dst) {
			t.Fatalf("%T: canonical form %s of %q decodes to %+v (%v), want %+v", dst, canonical, body, again, err, dst)
		}
		if twice, err := canonicalJSON(canonical); err != nil || !bytes.Equal(twice, canonical) {
			t.Fatalf("canonical form %s is not canonical: %s, %v", canonical, twice, err)
		}
	})
}

// FuzzHeaders: the Idempotency-Key check, the Authorization bearer parsing and the
// X-Chance-Min-Position parsing take any value without panicking, and what they
// accept is what they promise.
func FuzzHeaders(f *testing.F) {
	f.Add("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "42")
	f.Add("", "", "")
	f.Add("key with spaces", "bearer  tok ", "7/3")
	f.Add(strings.Repeat("k", 256), "Basic dXNlcjpwYXNz", "18446744073709551615/0")
	f.Add("ключ", "Bearer", "18446744073709551616")
	f.Add("k\x7f", "Bearer \t", "-1/2")
	f.Add("key-1,key-2", "Bearer a.b.c", "1")
	f.Fuzz(func(t *testing.T, key, authorization, position string) {
		if got, err := oneKey([]string{key}); err == nil {
			if got != key || key == "" || len(key) > maxKeyLength || strings.Contains(key, ",") || strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
				t.Fatalf("key %q accepted", key)
			}
		} else if !isProblem(err, http.StatusBadRequest) {
			t.Fatalf("key %q: %v is not a 400 problem", key, err)
		}
		if token, err := bearerToken(authorization); err == nil {
			if token == "" || token != strings.TrimSpace(token) || len(authorization) > maxAuthorization {
				t.Fatalf("Authorization %q gave token %q", authorization, token)
			}
		} else if !isProblem(err, http.StatusUnauthorized) {
			t.Fatalf("Authorization %q: %v is not a 401 problem", authorization, err)
		}
		if pos, err := parsePosition(position); err == nil {
			back, err := parsePosition(pos.String())
			if err != nil || back != pos {
				t.Fatalf("position %q read as %v, which reads back as %v (%v)", position, pos, back, err)
			}
		}
	})
}

func isProblem(err error, status int) bool {
	var p *Problem
	return errors.As(err, &p) && p.Status == status && p.Detail != ""
}
