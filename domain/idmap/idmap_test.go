package idmap_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/chance-video/chance/domain/idmap"
)

type id [16]byte

func randomID(r *rand.Rand, space int) id {
	var k id
	n := r.IntN(space)
	k[0], k[1], k[15] = byte(n>>8), byte(n), byte(n*7)
	return k
}

// Every version of a map keeps answering as it did when it was made, through merges,
// overwrites of older and recent keys, and binary and JSON round trips.
func TestMapIsPersistentAndAgreesWithAGoMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type version struct {
		m    idmap.Map[id, int]
		want map[id]int
	}
	var versions []version
	m, want := idmap.Map[id, int]{}, map[id]int{}
	for i := range 5000 {
		k := randomID(r, 3000) // overwrites happen
		m = m.Set(k, i)
		want[k] = i
		if i%250 == 0 {
			versions = append(versions, version{m: m, want: clone(want)})
		}
	}
	versions = append(versions, version{m: m, want: want})
	for n, v := range versions {
		check(t, n, v.m, v.want)
	}
	data := append(m.AppendBinary([]byte("head"), 8, putInt), "tail"...)
	back, rest, err := idmap.ReadBinary[id](data[len("head"):], readInt, nil)
	if err != nil || string(rest) != "tail" {
		t.Fatalf("read back: %v, rest %q", err, rest)
	}
	check(t, -1, back, want)
	// A map read back in place grows like any other (overwrites, merges), and its
	// earlier versions keep answering as they did.
	grownWant, grownMap := clone(want), back
	for i := range 2000 {
		k := randomID(r, 4000)
		grownMap = grownMap.Set(k, -i)
		grownWant[k] = -i
	}
	check(t, -3, grownMap, grownWant)
	check(t, -1, back, want)
	js, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON idmap.Map[id, int]
	if err := json.Unmarshal(js, &fromJSON); err != nil {
		t.Fatal(err)
	}
	check(t, -2, fromJSON, want)
	// A map read back grows like any other, and leaves its source alone.
	grown := back.Set(id{0xff}, -1)
	if back.Has(id{0xff}) || !grown.Has(id{0xff}) || grown.Len() != back.Len()+1 {
		t.Fatal("a Set on a map read back changed it or did not add")
	}
}

func check(t *testing.T, n int, m idmap.Map[id, int], want map[id]int) {
	t.Helper()
	if m.Len() != len(want) {
		t.Fatalf("version %d: len %d, want %d", n, m.Len(), len(want))
	}
	for k, v := range want {
		if got, ok := m.Get(k); !ok || got != v {
			t.Fatalf("version %d: %x = %d (%v), want %d", n, k, got, ok, v)
		}
	}
	if _, ok := m.Get(id{0xee, 0xee}); ok {
		t.Fatalf("version %d: found a key never set", n)
	}
	var prev *id
	count := 0
	for k, v := range m.All() {
		if prev != nil && string(prev[:]) >= string(k[:]) {
			t.Fatalf("version %d: All out of order", n)
		}
		if want[k] != v {
			t.Fatalf("version %d: All yields %x = %d, want %d", n, k, v, want[k])
		}
		kk := k
		prev = &kk
		count++
	}
	if count != len(want) {
		t.Fatalf("version %d: All yields %d entries, want %d", n, count, len(want))
	}
}

func clone(m map[id]int) map[id]int {
	c := make(map[id]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func TestUnsortedEntriesAreRefused(t *testing.T) {
	if _, err := idmap.FromSorted([]idmap.Entry[id, int]{{Key: id{2}}, {Key: id{1}}}); err == nil {
		t.Fatal("built a map from unsorted entries")
	}
	var m idmap.Map[id, int]
	if err := json.Unmarshal([]byte(`{"keys":"AAAA","values":[1]}`), &m); err == nil {
		t.Fatal("read keys of the wrong length")
	}
	m = m.Set(id{1}, 1).Set(id{2}, 2)
	data := m.AppendBinary(nil, 8, putInt) // 2 entries of 8-byte values, after 2 bytes of header
	for _, bad := range [][]byte{nil, data[:len(data)-1], {0xff, 0xff, 0xff, 0xff, 0x0f}, {1, 200}} {
		if _, _, err := idmap.ReadBinary[id](bad, readInt, nil); err == nil {
			t.Fatalf("read a map from %x: a cut or bad encoding", bad)
		}
	}
	swapped := slices.Clone(data)
	copy(swapped[2:18], data[2+24:2+40]) // the second key first: out of order
	if _, _, err := idmap.ReadBinary[id](swapped, readInt, nil); err == nil {
		t.Fatal("read a map whose keys are out of order")
	}
	negative := func(v []byte) error {
		if readInt(v) < 0 {
			return errors.New("negative")
		}
		return nil
	}
	if _, _, err := idmap.ReadBinary[id](m.Set(id{3}, -3).AppendBinary(nil, 8, putInt), readInt, negative); err == nil {
		t.Fatal("read a map with a value its check refuses")
	}
	if got, _, err := idmap.ReadBinary[id](data, readInt, negative); err != nil || got.Len() != 2 {
		t.Fatalf("read back %d entries, %v", got.Len(), err)
	}
}

func putInt(dst []byte, v int) { binary.BigEndian.PutUint64(dst, uint64(v)) }

func readInt(b []byte) int { return int(binary.BigEndian.Uint64(b)) }

func BenchmarkSet(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 4))
			var m idmap.Map[id, int]
			for i := range n {
				m = m.Set(randomBig(r), i)
			}
			b.ResetTimer()
			for i := range b.N {
				m = m.Set(randomBig(r), i)
			}
		})
	}
}

func randomBig(r *rand.Rand) id {
	var k id
	for i := range k {
		k[i] = byte(r.Uint32())
	}
	return k
}
