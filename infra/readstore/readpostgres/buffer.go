package readpostgres

// buffer holds a Tx's writes to one table until commit: the last write of a key wins,
// and reads in the same Tx see it. Keys keep their first-write order so that a flush
// sends rows in a stable order (the same batches make the same statements).
type buffer[K comparable, V any] struct {
	rows  map[K]V
	order []K
}

func (b *buffer[K, V]) put(k K, v V) {
	if b.rows == nil {
		b.rows = map[K]V{}
	}
	if _, ok := b.rows[k]; !ok {
		b.order = append(b.order, k)
	}
	b.rows[k] = v
}

func (b *buffer[K, V]) get(k K) (V, bool) {
	v, ok := b.rows[k]
	return v, ok
}

func (b *buffer[K, V]) len() int { return len(b.order) }

// each calls fn for every buffered row, in first-write order.
func (b *buffer[K, V]) each(fn func(V)) {
	for _, k := range b.order {
		fn(b.rows[k])
	}
}
