//go:build !linux

package render

// limitAddressSpace is Linux only: elsewhere the memory watchdog alone
// bounds the worker.
func limitAddressSpace(int64) {}
