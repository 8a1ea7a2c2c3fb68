package codec

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Every field of every domain event is stored and comes back: an event filled with a
// distinct non-zero value in each field (nested ones too) round-trips. A field added to
// a domain event but not to its payload (or not mapped) fails here.
func TestEveryDomainFieldIsStored(t *testing.T) {
	c := Shop()
	for _, e := range ShopEvents() {
		v := reflect.New(reflect.TypeOf(e)).Elem()
		n := 0
		fill(t, v, &n)
		full := v.Interface()
		name, data, err := c.Encode(full.(interface{ EventType() string }))
		if err != nil {
			t.Fatalf("encode %T: %v", full, err)
		}
		back, err := c.Decode(name, data)
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		if !reflect.DeepEqual(back, full) {
			t.Errorf("%s loses a field:\n got %#v\nwant %#v", name, back, full)
		}
	}
}

// fill sets every field reachable from v to a non-zero value, distinct per field.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 1, 0, 0, *n, 0, time.UTC)))
		return
	case reflect.TypeFor[uuid.UUID]():
		v.Set(reflect.ValueOf(uuid.UUID{15: byte(*n)}))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprint("s", *n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), n)
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				t.Fatalf("%s has an unexported field %s: fill it by hand", v.Type(), v.Type().Field(i).Name)
			}
			fill(t, v.Field(i), n)
		}
	default:
		t.Fatalf("fill does not know %s (%s)", v.Type(), v.Kind())
	}
}
