//go:build production || dev

package main

// hasWindow: this build links the desktop window (Wails with GTK/WebKit).
const hasWindow = true
