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
//
// A Map read from its binary form (a snapshot) keeps the bytes as its older run and
// searches them in place, decoding nothing up front; its first merge builds the run.
package idmap

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"sort"
)

// Map is a persistent map from K to V. The zero Map is empty and ready to use.
type Map[K ~[16]byte, V any] struct {
	older  []Entry[K, V] // sorted by key; never written after it is built
	recent []Entry[K, V] // sorted by key; copied on every Set; wins over older
	// shadowed counts the recent keys that are also in older.
	shadowed int
	// frozen, when set, stands for older: the records ReadBinary found, searched
	// where they lie and decoded one at a time, until the first merge builds older.
	frozen *frozen[V]
}

// frozen is a sorted run in its binary form: n records of a 16-byte key and width
// bytes of value, in strictly increasing key order (checked by ReadBinary).
type frozen[V any] struct {
	data  []byte
	width int
	n     int
	value func([]byte) V
}

func (f *frozen[V]) key(i int) []byte { return f.data[i*(16+f.width) : i*(16+f.width)+16] }

func (f *frozen[V]) at(i int) (key [16]byte, v V) {
	r := f.data[i*(16+f.width) : (i+1)*(16+f.width)]
	return [16]byte(r[:16]), f.value(r[16:])
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
func (m Map[K, V]) Len() int { return m.olderLen() + len(m.recent) - m.shadowed }

func (m Map[K, V]) olderLen() int {
	if m.frozen != nil {
		return m.frozen.n
	}
	return len(m.older)
}

// olderAt is the i-th entry of the older run.
func (m Map[K, V]) olderAt(i int) Entry[K, V] {
	if m.frozen != nil {
		k, v := m.frozen.at(i)
		return Entry[K, V]{Key: K(k), Value: v}
	}
	return m.older[i]
}

// searchOlder finds key in the older run.
func (m Map[K, V]) searchOlder(key K) (int, bool) {
	if f := m.frozen; f != nil {
		i := sort.Search(f.n, func(i int) bool { return bytes.Compare(f.key(i), key[:]) >= 0 })
		return i, i < f.n && bytes.Equal(f.key(i), key[:])
	}
	return search(m.older, key)
}

// Get returns the value of key.
func (m Map[K, V]) Get(key K) (V, bool) {
	if i, ok := search(m.recent, key); ok {
		return m.recent[i].Value, true
	}
	if i, ok := m.searchOlder(key); ok {
		return m.olderAt(i).Value, true
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
	next := Map[K, V]{older: m.older, frozen: m.frozen, shadowed: m.shadowed}
	if found {
		next.recent = slices.Clone(m.recent)
		next.recent[i].Value = value
		return next
	}
	next.recent = make([]Entry[K, V], 0, len(m.recent)+1)
	next.recent = append(next.recent, m.recent[:i]...)
	next.recent = append(next.recent, Entry[K, V]{Key: key, Value: value})
	next.recent = append(next.recent, m.recent[i:]...)
	if _, inOlder := m.searchOlder(key); inOlder {
		next.shadowed++
	}
	if len(next.recent) > max(minRecent, int(math.Sqrt(float64(next.olderLen())))) {
		return Map[K, V]{older: next.merge()}
	}
	return next
}

// All yields the entries in key order.
func (m Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		o, r, n := 0, 0, m.olderLen()
		for o < n || r < len(m.recent) {
			var e Entry[K, V]
			switch {
			case r == len(m.recent):
				e, o = m.olderAt(o), o+1
			case o == n:
				e, r = m.recent[r], r+1
			default:
				older := m.olderAt(o)
				switch c := compare(older.Key, m.recent[r].Key); {
				case c < 0:
					e, o = older, o+1
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

// merge is the older and recent runs in one sorted run, recent winning on equal keys.
func (m Map[K, V]) merge() []Entry[K, V] {
	out := make([]Entry[K, V], 0, m.Len())
	if m.frozen != nil { // once: from now on older is a run of entries
		for k, v := range m.All() {
			out = append(out, Entry[K, V]{Key: k, Value: v})
		}
		return out
	}
	o := 0
	for _, e := range m.recent {
		start := o
		for o < len(m.older) && compare(m.older[o].Key, e.Key) < 0 {
			o++
		}
		out = append(out, m.older[start:o]...)
		if o < len(m.older) && compare(m.older[o].Key, e.Key) == 0 {
			o++ // shadowed by e
		}
		out = append(out, e)
	}
	return append(out, m.older[o:]...)
}

func search[K ~[16]byte, V any](run []Entry[K, V], key K) (int, bool) {
	return slices.BinarySearchFunc(run, key, func(e Entry[K, V], k K) int { return compare(e.Key, k) })
}

func compare[K ~[16]byte](a, b K) int { return bytes.Compare(a[:], b[:]) }

// AppendBinary appends the map to b for a snapshot: the number of entries and the
// width of a value (uvarints), then each key's 16 bytes and its value, which put
// writes into a slice of width bytes, in key order. ReadBinary reads it in place.
func (m Map[K, V]) AppendBinary(b []byte, width int, put func(dst []byte, v V)) []byte {
	b = binary.AppendUvarint(b, uint64(m.Len()))
	b = binary.AppendUvarint(b, uint64(width))
	for k, v := range m.All() {
		b = append(b, k[:]...)
		b = append(b, make([]byte, width)...)
		put(b[len(b)-width:], v)
	}
	return b
}

// maxWidth bounds a value's width in the binary form.
const maxWidth = 64

// ReadBinary reads a map that AppendBinary wrote at the start of b, without copying
// or decoding it: the map searches b's records where they lie (b must never change
// afterwards) and decodes a value, with value, when it is asked for. check vets every
// value first, so that value never meets a bad one (nil: any bytes are a value).
// Keys are checked to be in strictly increasing order. rest is what follows the map.
func ReadBinary[K ~[16]byte, V any](b []byte, value func([]byte) V, check func([]byte) error) (m Map[K, V], rest []byte, err error) {
	n, size := binary.Uvarint(b)
	if size <= 0 {
		return Map[K, V]{}, nil, errors.New("idmap: bad length")
	}
	width, wsize := binary.Uvarint(b[size:])
	if wsize <= 0 || width > maxWidth || n > uint64(len(b)-size-wsize)/(16+width) {
		return Map[K, V]{}, nil, errors.New("idmap: bad width, or cut short")
	}
	b = b[size+wsize:]
	f := &frozen[V]{data: b[: int(n)*(16+int(width)) : int(n)*(16+int(width))], width: int(width), n: int(n), value: value}
	var prevHi, prevLo uint64
	for i := range f.n {
		k := f.key(i)
		hi, lo := binary.BigEndian.Uint64(k[:8]), binary.BigEndian.Uint64(k[8:])
		if i > 0 && (hi < prevHi || hi == prevHi && lo <= prevLo) { // byte order, as compare
			return Map[K, V]{}, nil, fmt.Errorf("idmap: entry %d is not after entry %d", i, i-1)
		}
		prevHi, prevLo = hi, lo
		if check != nil {
			if err := check(f.data[i*(16+f.width)+16 : (i+1)*(16+f.width)]); err != nil {
				return Map[K, V]{}, nil, fmt.Errorf("idmap: entry %d: %w", i, err)
			}
		}
	}
	if f.n == 0 {
		return Map[K, V]{}, b, nil
	}
	return Map[K, V]{frozen: f}, b[len(f.data):], nil
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
