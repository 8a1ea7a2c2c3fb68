package codec

import "testing"

// BenchmarkEncodeDecode encodes and decodes every golden event once per iteration.
func BenchmarkEncodeDecode(b *testing.B) {
	c := Shop()
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range golden {
			name, data, err := c.Encode(e)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Decode(name, data); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(golden))/b.Elapsed().Seconds(), "events/s")
}
