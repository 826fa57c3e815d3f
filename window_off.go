//go:build !production && !dev

package main

// hasWindow: builds without the production/dev tags link Wails' stub only.
const hasWindow = false
