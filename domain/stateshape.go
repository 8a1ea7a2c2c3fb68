package domain

import (
	"fmt"
	"hash/fnv"
	"reflect"
	"strings"
)

// StateShape is a hash of S's Go type: its fields' names, tags and types, all the way
// down. A snapshot carries the shape of the state it holds and is read only into a
// state of the same shape, so a field added or changed without a Version bump costs a
// fold from the log instead of a state read back with a zero field (JSON states are
// read leniently). The deciders' tests pin each shape beside its Version.
func StateShape[S any]() uint64 {
	var b strings.Builder
	describe(&b, reflect.TypeFor[S](), map[reflect.Type]bool{})
	h := fnv.New64a()
	h.Write([]byte(b.String()))
	return h.Sum64()
}

func describe(b *strings.Builder, t reflect.Type, seen map[reflect.Type]bool) {
	fmt.Fprintf(b, "%s.%s:%s", t.PkgPath(), t.Name(), t.Kind())
	if seen[t] {
		return // a recursive type: named once
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		b.WriteString("{")
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(b, "%s %q ", f.Name, f.Tag)
			describe(b, f.Type, seen)
			b.WriteString(";")
		}
		b.WriteString("}")
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		if t.Kind() == reflect.Array {
			fmt.Fprintf(b, "[%d]", t.Len())
		}
		b.WriteString("(")
		describe(b, t.Elem(), seen)
		b.WriteString(")")
	case reflect.Map:
		b.WriteString("(")
		describe(b, t.Key(), seen)
		b.WriteString("]")
		describe(b, t.Elem(), seen)
		b.WriteString(")")
	}
	delete(seen, t)
}
