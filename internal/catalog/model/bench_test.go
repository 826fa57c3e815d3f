package model

import (
	"testing"
)

func TestBenchFixtureIsValid(t *testing.T) {
	docs := decodeFixture(t, "bench/ten-entities.yaml")
	if len(docs) != 10 {
		t.Fatalf("%d documents, want 10", len(docs))
	}
	for _, d := range docs {
		if d.Entity == nil {
			t.Errorf("doc %d rejected:%s", d.Index, problemStrings(d.Problems))
		}
	}
}

// BenchmarkDecode decodes a typical 10-entity descriptor file. A sync of
// 10,000 entities is 1,000 of these.
func BenchmarkDecode(b *testing.B) {
	data := readFixture(b, "bench/ten-entities.yaml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		docs, err := Decode(data)
		if err != nil || len(docs) != 10 {
			b.Fatal(err, len(docs))
		}
	}
}

// BenchmarkDecodeParallel is the same on all GOMAXPROCS cores, as a sync
// decoding many files concurrently would run.
func BenchmarkDecodeParallel(b *testing.B) {
	data := readFixture(b, "bench/ten-entities.yaml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
