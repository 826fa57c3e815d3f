package render

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"time"
)

// This file is the worker's half of the sandbox: a loop reading requests
// from stdin and writing one result per job to stdout, inside process
// limits: 2 cores, a 64 MiB stack, a memory limit watched every 5 ms
// (and, on Linux, an address-space limit), and a hard deadline per request
// that holds even if the caller has gone.

const (
	// workerStack bounds the worker's goroutine stacks.
	workerStack = 64 << 20
	// workerCacheBytes bounds the source of the templates a worker keeps
	// parsed. A parsed template takes about 25 times its source in memory:
	// some 100 MiB of the worker's MaxRenderMemory.
	workerCacheBytes = 4 << 20
)

func init() {
	registerWireTypes()
	MaybeServeWorker()
}

// MaybeServeWorker makes this process a render worker, and exits when it is
// done, if it was started as one (by a sandbox of this package); otherwise
// it returns at once. This package's init calls it, so every binary that
// links the package (paved, the window, every test binary) can serve as its
// own render worker.
func MaybeServeWorker() {
	if len(os.Args) < 4 || os.Args[1] != workerArg {
		return
	}
	mem, err1 := strconv.ParseInt(os.Args[2], 10, 64)
	hard, err2 := strconv.ParseInt(os.Args[3], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(os.Stderr, "paved render worker: bad arguments:", err)
		os.Exit(2)
	}
	out := os.Stdout
	// Nothing but results may reach the pipe.
	os.Stdout = os.Stderr
	os.Exit(serveWorker(os.Stdin, out, mem, time.Duration(hard)))
}

// serveWorker answers requests until its input ends; it returns the exit
// code.
func serveWorker(in io.Reader, out io.Writer, mem int64, hard time.Duration) int {
	runtime.GOMAXPROCS(2)
	debug.SetMaxStack(workerStack)
	if mem > 0 {
		// The collector works hard before the watchdog's line is reached.
		debug.SetMemoryLimit(mem * 3 / 4)
		limitAddressSpace(mem)
	}
	en := &engine{cache: newParseCache(workerCacheBytes)}
	dec := gob.NewDecoder(bufio.NewReader(in))
	bw := bufio.NewWriter(out)
	enc := gob.NewEncoder(bw)
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			fmt.Fprintln(os.Stderr, "paved render worker: bad request:", err)
			return 2
		}
		stop := watch(mem, hard)
		ctx, cancel := withTimeLimit(context.Background(), req.Limits)
		for _, j := range req.Jobs {
			r := en.run(ctx, req.Limits, req.Data, j)
			err := enc.Encode(&r)
			if err == nil {
				err = bw.Flush()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "paved render worker: cannot send a result:", err)
				return 2
			}
		}
		cancel()
		stop()
		// What a big render left behind must not count against the next.
		if mem > 0 && heapBytes() > uint64(mem/4) {
			runtime.GC()
		}
	}
}

// heapBytes is the memory the heap's objects take, garbage not yet swept
// included (the watchdog's measure).
func heapBytes() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// run renders one job on its own copy of the data (a template that
// changes a list it was given changes only its copy).
func (en *engine) run(ctx context.Context, lim limits, data map[string]any, j job) result {
	d, _ := copyValue(data).(map[string]any)
	if j.IsValue {
		v, err := en.value(ctx, lim, j.Name, j.Value, d)
		if err != nil {
			return result{Err: toWire(err, j.Name)}
		}
		pv, err := plain(v)
		if err != nil {
			return result{Err: toWire(err, j.Name)}
		}
		return result{Value: pv}
	}
	out, err := en.text(ctx, lim, j.Name, j.Src, d, j.Opts)
	return result{Text: out, Err: toWire(err, j.Name)}
}

// watch ends the process when its heap passes mem, or when a request runs
// past hard, until stop is called.
func watch(mem int64, hard time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var deadline <-chan time.Time
		if hard > 0 {
			t := time.NewTimer(hard)
			defer t.Stop()
			deadline = t.C
		}
		for {
			select {
			case <-done:
				return
			case <-deadline:
				fmt.Fprintln(os.Stderr, "paved render worker: the request ran past its deadline")
				os.Exit(exitTime)
			case <-tick.C:
				if mem <= 0 {
					continue
				}
				if heapBytes() > uint64(mem) {
					fmt.Fprintln(os.Stderr, "paved render worker: out of memory (the limit is", mem>>20, "MiB)")
					os.Exit(exitMemory)
				}
			}
		}
	}()
	return func() { close(done) }
}
