package render

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// limitAddressSpace caps the worker's address space, so that one huge
// allocation fails at once (the runtime then stops the worker with "out of
// memory") instead of filling the machine's memory before the watchdog
// sees it. The cap leaves room for what the process has mapped already,
// twice the heap limit and the stacks.
func limitAddressSpace(mem int64) {
	now := mappedBytes()
	if now <= 0 {
		return
	}
	limit := uint64(now) + 2*uint64(mem) + 4*workerStack + 256<<20
	_ = syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit})
}

// mappedBytes is the process's current virtual size (/proc/self/statm).
func mappedBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	pages, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
