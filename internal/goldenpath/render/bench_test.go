package render

import (
	"context"
	"os"
	"testing"
)

// BenchmarkSkeleton is the renderer's share of a live preview: the
// go-service skeleton rendered into a tree (names, then contents, each one
// request to a warm worker whose parse cache holds the files).
func BenchmarkSkeleton(b *testing.B) {
	fsys := os.DirFS("../../../goldenpaths/go-service")
	values := map[string]any{"name": "orders-api", "owner": "group:default/team-a", "description": "Takes orders", "port": 8080}
	o := DirOptions{Values: values, TemplateFileExtension: ".njk"}
	for b.Loop() {
		if err := RenderDirContext(context.Background(), fsys, "skeleton", NewTree(), o, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTrip is one small render through a warm worker.
func BenchmarkRoundTrip(b *testing.B) {
	data := map[string]any{"values": map[string]any{"name": "orders-api"}}
	for b.Loop() {
		if _, err := StringContext(context.Background(), "x", "${{ values.name }}", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
