package codec

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// structKeys is, for each struct type a payload is made of, the keys seen (or wanted).
type structKeys map[reflect.Type]map[string]bool

func (k structKeys) add(t reflect.Type, key string) {
	if k[t] == nil {
		k[t] = map[string]bool{}
	}
	k[t][key] = true
}

// wantKeys adds every key the struct types reachable from t can write, following
// nested structs and slices of them, but not values that encode themselves (times, UUIDs).
func wantKeys(t reflect.Type, want structKeys) {
	t = element(t)
	if t.Kind() != reflect.Struct || encodesItself(t) || want[t] != nil {
		return
	}
	want[t] = map[string]bool{}
	for i := range t.NumField() {
		if key, ok := jsonKey(t.Field(i)); ok {
			want.add(t, key)
			wantKeys(t.Field(i).Type, want)
		}
	}
}

// seenKeys adds the keys a decoded JSON value v of Go type t holds.
func seenKeys(t reflect.Type, v any, seen structKeys) {
	t = element(t)
	if list, ok := v.([]any); ok {
		for _, inner := range list {
			seenKeys(t, inner, seen)
		}
		return
	}
	object, ok := v.(map[string]any)
	if !ok || t.Kind() != reflect.Struct || encodesItself(t) {
		return
	}
	for i := range t.NumField() {
		key, ok := jsonKey(t.Field(i))
		if inner, present := object[key]; ok && present {
			seen.add(t, key)
			seenKeys(t.Field(i).Type, inner, seen)
		}
	}
}

func element(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func jsonKey(f reflect.StructField) (string, bool) {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if !f.IsExported() || name == "-" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	return name, true
}

func encodesItself(t reflect.Type) bool {
	for _, i := range []reflect.Type{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

func decodeJSON(t *testing.T, path string, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}
