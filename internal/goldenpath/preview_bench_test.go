package goldenpath

import (
	"context"
	"testing"
)

// BenchmarkPreview is the live preview's cost: the go-service golden path
// rendered in memory (go test -bench Preview ./internal/goldenpath).
func BenchmarkPreview(b *testing.B) {
	e := newEnv(b)
	vals := basicValues("orders-api")
	for b.Loop() {
		if _, err := e.s.Preview(context.Background(), PreviewOptions{Template: "go-service", Values: vals}); err != nil {
			b.Fatal(err)
		}
	}
}
