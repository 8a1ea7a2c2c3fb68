package codec

import (
	"reflect"
	"testing"

	"github.com/chance-video/chance/domain"
)

// FuzzDecode: decoding any bytes as any registered event type (or under any name)
// never panics; what decodes re-encodes, and decodes again to the same event.
// Seeds are every event type's zero value and golden payload, and testdata/fuzz/FuzzDecode;
// plain `go test` runs them.
func FuzzDecode(f *testing.F) {
	c := Shop()
	events := ShopEvents()
	for i, e := range events {
		_, data, err := c.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint(i), "", []byte(data))
	}
	index := map[string]uint{}
	for i, e := range events {
		index[e.EventType()] = uint(i)
	}
	for _, e := range golden { // full shapes: every key of every payload
		name, data, err := c.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(index[name], "", []byte(data))
	}
	f.Add(uint(0), "user.registered.v0", []byte(`{}`))
	f.Add(uint(3), "", []byte(`{"user_id":"not-a-uuid"}`))
	f.Add(uint(5), "", []byte(`{"at":"0000-01-01T00:00:00+01:00"}`))
	f.Fuzz(func(t *testing.T, kind uint, name string, data []byte) {
		if name != "" {
			_, _ = c.Decode(name, data) // an unknown or odd name: an error, never a panic
		}
		name = events[kind%uint(len(events))].EventType()
		first, err := c.Decode(name, data)
		if err != nil {
			return
		}
		again := roundTrip(t, c, name, first)
		if again != nil && !reflect.DeepEqual(again, first) {
			t.Fatalf("%s does not round-trip:\nfirst %#v\nagain %#v", name, first, again)
		}
	})
}

// roundTrip encodes e and decodes it back; nil if e holds a time JSON cannot write
// (a year past 9999 once its offset is applied), which encoding refuses cleanly.
func roundTrip(t *testing.T, c *Codec, name string, e domain.Event) domain.Event {
	t.Helper()
	gotName, data, err := c.Encode(e)
	if err != nil {
		return nil
	}
	if gotName != name {
		t.Fatalf("encoded %s as %s", name, gotName)
	}
	back, err := c.Decode(gotName, data)
	if err != nil {
		t.Fatalf("%s: its own encoding does not decode: %v\n%s", name, err, data)
	}
	return back
}
