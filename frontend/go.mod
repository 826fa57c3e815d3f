// This file only keeps Go tooling out of frontend/: `go test ./...` and
// `go vet ./...` would otherwise walk Go packages that npm packages ship
// inside node_modules.
module paved.invalid/frontend

go 1.26
