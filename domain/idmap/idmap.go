// Package idmap is a persistent map keyed by 16-byte ids (UUIDs, hashes): Set returns
// a new Map and leaves the one it was called on as it was. States that hold one can
// therefore be kept in a cache and shared between goroutines while later versions grow
// from them, and a state that a failed command evolved never changes the cached one.
//
// A Map is a sorted run of older entries, never written after it is built and shared
// by every later version, and a short sorted run of recent ones, copied by each Set.
// When the recent run outgrows about the square root of the older one, the two are
// merged into a new older run. A Set costs O(√n) copies amortised, a Get two binary
// searches, and a Map of n entries holds n entries plus the recent run's few.
package idmap

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"slices"
)

// Map is a persistent map from K to V. The zero Map is empty and ready to use.
type Map[K ~[16]byte, V any] struct {
	older  []Entry[K, V] // sorted by key; never written after it is built
	recent []Entry[K, V] // sorted by key; copied on every Set; wins over older
	// shadowed counts the recent keys that are also in older.
	shadowed int
}

// Entry is one key and its value.
type Entry[K ~[16]byte, V any] struct {
	Key   K
	Value V
}

// minRecent is the recent run's length below which it is never merged: merging a
// small map on every Set would copy it all each time.
const minRecent = 32

// Len is the number of keys.
func (m Map[K, V]) Len() int { return len(m.older) + len(m.recent) - m.shadowed }

// Get returns the value of key.
func (m Map[K, V]) Get(key K) (V, bool) {
	if i, ok := search(m.recent, key); ok {
		return m.recent[i].Value, true
	}
	if i, ok := search(m.older, key); ok {
		return m.older[i].Value, true
	}
	var zero V
	return zero, false
}

// Has reports whether key is in the map.
func (m Map[K, V]) Has(key K) bool {
	_, ok := m.Get(key)
	return ok
}

// Set returns a map in which key has value; m is unchanged.
func (m Map[K, V]) Set(key K, value V) Map[K, V] {
	i, found := search(m.recent, key)
	next := Map[K, V]{older: m.older, shadowed: m.shadowed}
	if found {
		next.recent = slices.Clone(m.recent)
		next.recent[i].Value = value
		return next
	}
	next.recent = make([]Entry[K, V], 0, len(m.recent)+1)
	next.recent = append(next.recent, m.recent[:i]...)
	next.recent = append(next.recent, Entry[K, V]{Key: key, Value: value})
	next.recent = append(next.recent, m.recent[i:]...)
	if _, inOlder := search(m.older, key); inOlder {
		next.shadowed++
	}
	if len(next.recent) > max(minRecent, int(math.Sqrt(float64(len(next.older))))) {
		return Map[K, V]{older: merge(next.older, next.recent, next.Len())}
	}
	return next
}

// All yields the entries in key order.
func (m Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		o, r := 0, 0
		for o < len(m.older) || r < len(m.recent) {
			var e Entry[K, V]
			switch {
			case r == len(m.recent):
				e, o = m.older[o], o+1
			case o == len(m.older):
				e, r = m.recent[r], r+1
			default:
				switch c := compare(m.older[o].Key, m.recent[r].Key); {
				case c < 0:
					e, o = m.older[o], o+1
				case c > 0:
					e, r = m.recent[r], r+1
				default: // shadowed: the recent value wins
					e, o, r = m.recent[r], o+1, r+1
				}
			}
			if !yield(e.Key, e.Value) {
				return
			}
		}
	}
}

// FromSorted builds a map from entries in strictly increasing key order (as All
// yields them); it keeps the slice, which the caller must not change afterwards.
func FromSorted[K ~[16]byte, V any](entries []Entry[K, V]) (Map[K, V], error) {
	for i := 1; i < len(entries); i++ {
		if compare(entries[i-1].Key, entries[i].Key) >= 0 {
			return Map[K, V]{}, fmt.Errorf("idmap: entry %d is not after entry %d", i, i-1)
		}
	}
	return Map[K, V]{older: entries}, nil
}

// merge is older and recent in one sorted run, recent winning on equal keys.
func merge[K ~[16]byte, V any](older, recent []Entry[K, V], n int) []Entry[K, V] {
	out := make([]Entry[K, V], 0, n)
	o := 0
	for _, e := range recent {
		start := o
		for o < len(older) && compare(older[o].Key, e.Key) < 0 {
			o++
		}
		out = append(out, older[start:o]...)
		if o < len(older) && compare(older[o].Key, e.Key) == 0 {
			o++ // shadowed by e
		}
		out = append(out, e)
	}
	return append(out, older[o:]...)
}

func search[K ~[16]byte, V any](run []Entry[K, V], key K) (int, bool) {
	return slices.BinarySearchFunc(run, key, func(e Entry[K, V], k K) int { return compare(e.Key, k) })
}

func compare[K ~[16]byte](a, b K) int { return bytes.Compare(a[:], b[:]) }

// AppendBinary appends the map to b for a snapshot: the number of entries (uvarint),
// then each key's 16 bytes and its value as appendValue writes it, in key order. It
// reads back as a sorted run, which costs no sort and no Set.
func (m Map[K, V]) AppendBinary(b []byte, appendValue func([]byte, V) []byte) []byte {
	b = binary.AppendUvarint(b, uint64(m.Len()))
	for k, v := range m.All() {
		b = append(b, k[:]...)
		b = appendValue(b, v)
	}
	return b
}

// ReadBinary reads a map that AppendBinary wrote at the start of b, with readValue
// reading one value from the start of what follows its key; rest is what follows the map.
func ReadBinary[K ~[16]byte, V any](b []byte, readValue func([]byte) (V, []byte, error)) (m Map[K, V], rest []byte, err error) {
	n, size := binary.Uvarint(b)
	if size <= 0 || n > uint64(len(b)-size)/16 { // every entry holds at least its key
		return Map[K, V]{}, nil, fmt.Errorf("idmap: bad length")
	}
	b = b[size:]
	entries := make([]Entry[K, V], n)
	for i := range entries {
		if len(b) < 16 {
			return Map[K, V]{}, nil, fmt.Errorf("idmap: entry %d of %d is cut short", i, n)
		}
		entries[i].Key = K(b[:16])
		if entries[i].Value, b, err = readValue(b[16:]); err != nil {
			return Map[K, V]{}, nil, fmt.Errorf("idmap: entry %d: %w", i, err)
		}
	}
	m, err = FromSorted(entries)
	return m, b, err
}

// mapJSON is a Map's JSON form: the keys in one base64 string (16 bytes each, in
// order) and the values in the same order.
type mapJSON[V any] struct {
	Keys   string `json:"keys"`
	Values []V    `json:"values"`
}

// MarshalJSON writes the map compactly (in the JSON snapshots of states, a cart's).
func (m Map[K, V]) MarshalJSON() ([]byte, error) {
	keys := make([]byte, 0, 16*m.Len())
	values := make([]V, 0, m.Len())
	for k, v := range m.All() {
		keys = append(keys, k[:]...)
		values = append(values, v)
	}
	return json.Marshal(mapJSON[V]{Keys: base64.StdEncoding.EncodeToString(keys), Values: values})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (m *Map[K, V]) UnmarshalJSON(data []byte) error {
	var j mapJSON[V]
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	keys, err := base64.StdEncoding.DecodeString(j.Keys)
	if err != nil {
		return fmt.Errorf("idmap: keys: %w", err)
	}
	if len(keys) != 16*len(j.Values) {
		return fmt.Errorf("idmap: %d bytes of keys for %d values", len(keys), len(j.Values))
	}
	entries := make([]Entry[K, V], len(j.Values))
	for i := range entries {
		entries[i] = Entry[K, V]{Key: K(keys[16*i : 16*i+16]), Value: j.Values[i]}
	}
	built, err := FromSorted(entries)
	if err != nil {
		return err
	}
	*m = built
	return nil
}
