//go:build production || dev || browserassets

package main

import "embed"

// frontendDist is the built frontend (make frontend).
//
//go:embed all:frontend/dist
var frontendDist embed.FS

const hasAssets = true
