package codec

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/chance-video/chance/domain"
)

// goldenFile is one payload file: testdata/<event type>[@<variant>].json.
type goldenFile struct {
	path, key, eventType string
	data                 []byte
}

// decodesAsExpected decodes the file and checks it against its expected event in
// expected (named what, for the report); it returns the event and whether it matched.
func (f goldenFile) decodesAsExpected(t *testing.T, c *Codec, expected map[string]domain.Event, what string) (domain.Event, bool) {
	t.Helper()
	want, ok := expected[f.key]
	if !ok {
		t.Errorf("%s: no expected value in %s", f.path, what)
		return nil, false
	}
	got, err := c.Decode(f.eventType, f.data)
	if err != nil {
		t.Errorf("%s: %v", f.path, err)
		return nil, false
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s decodes to\n %#v\nwant\n %#v", f.path, got, want)
		return nil, false
	}
	return got, true
}

func readGoldenFiles(t *testing.T, dir string) []goldenFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []goldenFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		key := strings.TrimSuffix(filepath.Base(p), ".json")
		eventType, _, _ := strings.Cut(key, "@")
		files = append(files, goldenFile{path: p, key: key, eventType: eventType, data: data})
	}
	return files
}

// Every golden payload decodes to its expected event, and encoding that event writes
// the file again byte for byte: a renamed field, a changed tag or a dropped value fails.
func TestGoldenPayloadsDecodeAndEncodeByteForByte(t *testing.T) {
	c := Shop()
	files := readGoldenFiles(t, "testdata")
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.key] = true
		got, ok := f.decodesAsExpected(t, c, golden, "golden")
		if !ok {
			continue
		}
		name, data, err := c.Encode(got)
		if err != nil {
			t.Errorf("%s: encode: %v", f.path, err)
			continue
		}
		if name != f.eventType {
			t.Errorf("%s encodes as type %q", f.path, name)
		}
		// A file is the stored payload and one newline, as text files end.
		if !bytes.Equal(append(data, '\n'), f.data) {
			t.Errorf("%s re-encodes differently:\n got %s\nwant %s", f.path, data, bytes.TrimSuffix(f.data, []byte("\n")))
		}
	}
	for key, e := range golden {
		if !seen[key] {
			_, data, err := c.Encode(e)
			t.Errorf("golden value for %s has no testdata/%s.json; write it once from the encoder (%v):\n%s", key, key, err, data)
		}
	}
}

// Payloads of older shapes, which the current code no longer writes, still decode.
func TestOlderPayloadsStillDecode(t *testing.T) {
	c := Shop()
	seen := map[string]bool{}
	for _, f := range readGoldenFiles(t, filepath.Join("testdata", "older")) {
		seen[f.key] = true
		f.decodesAsExpected(t, c, older, "older")
	}
	for key := range older {
		if !seen[key] {
			t.Errorf("older value for %s has no testdata/older/%s.json", key, key)
		}
	}
}

// Adding an event type without its golden payload fails, and so does a golden payload
// of a type nobody registers.
func TestEveryEventTypeHasAGoldenPayload(t *testing.T) {
	c := Shop()
	registered := c.names()
	if len(registered) == 0 {
		t.Fatal("the shop codec registers no event type")
	}
	plain := map[string]bool{}
	for _, f := range readGoldenFiles(t, "testdata") {
		if f.key == f.eventType {
			plain[f.eventType] = true
		}
		if !c.current(f.eventType) {
			t.Errorf("%s: %q is not a registered event type", f.path, f.eventType)
		}
	}
	for _, f := range readGoldenFiles(t, filepath.Join("testdata", "older")) {
		if !c.Knows(f.eventType) {
			t.Errorf("%s: %q is not a known event type", f.path, f.eventType)
		}
	}
	for _, name := range registered {
		if !plain[name] {
			t.Errorf("event type %s has no golden payload testdata/%s.json", name, name)
		}
	}
	for _, e := range ShopEvents() {
		if !c.current(e.EventType()) {
			t.Errorf("%T (%s) is a domain event the codec does not register", e, e.EventType())
		}
	}
	if len(registered) != len(ShopEvents()) {
		t.Errorf("the codec registers %d event types, the domain lists %d", len(registered), len(ShopEvents()))
	}
}

// Every key a payload type can write appears in some golden payload, so no renamed tag
// goes unnoticed because no file happened to hold it. A struct shared by several payloads
// (a payment's purpose) counts as covered by any of them.
func TestGoldenPayloadsHoldEveryKey(t *testing.T) {
	c := Shop()
	want, seen := structKeys{}, structKeys{}
	for _, name := range c.names() {
		wantKeys(c.payloadType(name), want)
	}
	for _, f := range readGoldenFiles(t, "testdata") {
		if c.current(f.eventType) {
			seenKeys(c.payloadType(f.eventType), decodeJSON(t, f.path, f.data), seen)
		}
	}
	for typ, keys := range want {
		var missing []string
		for key := range keys {
			if !seen[typ][key] {
				missing = append(missing, key)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("no golden payload holds %v of %s: add a variant testdata/<event type>@<variant>.json", missing, typ)
		}
	}
}
