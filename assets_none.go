//go:build !production && !dev && !browserassets

package main

import "embed"

// Builds without the frontend (plain `go build`, `go test`) serve the CLI only.
var frontendDist embed.FS

const hasAssets = false
