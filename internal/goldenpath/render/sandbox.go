package render

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file is the caller's half of the sandbox: a pool of render workers
// (this binary started again with workerArg), each serving one request at a
// time over its stdin and stdout. A worker that passes its time limit, or
// whose caller gives up, is killed; a worker that dies (memory, stack) is
// replaced on the next request; idle workers exit after idleTimeout.

const (
	// workerArg, as the first argument, makes this binary a render worker.
	workerArg = "paved-render-worker"
	// killGrace is how long past its time limit a worker may take to
	// report the limit itself (with the line) before it is killed.
	killGrace = 2 * time.Second
	// idleTimeout is how long an idle worker is kept for the next render.
	idleTimeout = 2 * time.Minute
)

// defaultSandbox is the process's pool, started on first use: one per
// process, like the process's own memory, because the workers are what
// keeps it safe.
var defaultSandbox = sync.OnceValue(func() *sandbox {
	return newSandbox(defaultLimits(), max(2, runtime.GOMAXPROCS(0)))
})

// sandbox is a pool of at most cap(slots) workers.
type sandbox struct {
	lim limits
	// grace is how long past lim.Time a worker is killed (killGrace).
	grace time.Duration
	slots chan struct{}
	mu    sync.Mutex
	idle  []*worker
}

func newSandbox(lim limits, size int) *sandbox {
	return &sandbox{lim: lim, grace: killGrace, slots: make(chan struct{}, size)}
}

// run sends jobs sharing data to a worker and returns one result per job.
// The error is for the request as a whole: the worker could not start,
// died, ran out of time, or ctx was cancelled.
func (s *sandbox) run(ctx context.Context, data map[string]any, jobs []job) ([]result, error) {
	name := jobs[0].Name
	pd, err := plain(data)
	if err != nil {
		return nil, &Error{Name: name, Err: err}
	}
	req := request{Limits: s.lim, Jobs: jobs}
	req.Data, _ = pd.(map[string]any)
	for i := range req.Jobs {
		if req.Jobs[i].IsValue {
			if req.Jobs[i].Value, err = plain(req.Jobs[i].Value); err != nil {
				return nil, &Error{Name: req.Jobs[i].Name, Err: err, value: true}
			}
		}
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, &Error{Name: name, Err: context.Cause(ctx), limit: true}
	}
	defer func() { <-s.slots }()
	w, err := s.get()
	if err != nil {
		return nil, &Error{Name: name, Err: fmt.Errorf("the template renderer could not start: %w", err)}
	}
	res, err := w.call(ctx, req, s.lim, s.grace)
	if err != nil {
		w.kill()
		return nil, err
	}
	s.put(w)
	return res, nil
}

// get returns an idle worker that is still alive, or starts one.
func (s *sandbox) get() (*worker, error) {
	s.mu.Lock()
	for len(s.idle) > 0 {
		w := s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		if w.idle != nil {
			w.idle.Stop()
		}
		select {
		case <-w.exited:
			continue
		default:
		}
		s.mu.Unlock()
		return w, nil
	}
	s.mu.Unlock()
	return startWorker(s.lim, s.grace)
}

// put keeps w for the next request, until idleTimeout.
func (s *sandbox) put(w *worker) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) >= cap(s.slots) {
		w.close()
		return
	}
	s.idle = append(s.idle, w)
	w.idle = time.AfterFunc(idleTimeout, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, x := range s.idle {
			if x == w {
				s.idle = append(s.idle[:i], s.idle[i+1:]...)
				w.close()
				return
			}
		}
	})
}

// closeIdle stops the idle workers (tests).
func (s *sandbox) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range s.idle {
		if w.idle != nil {
			w.idle.Stop()
		}
		w.close()
	}
	s.idle = nil
}

// worker is one render worker process.
type worker struct {
	cmd    *exec.Cmd
	in     *os.File
	out    *os.File
	bw     *bufio.Writer
	enc    *gob.Encoder
	dec    *gob.Decoder
	stderr *tail
	exited chan struct{}
	once   sync.Once
	idle   *time.Timer
	// results carries what read decodes; closed (after readErr is set)
	// when the worker's output ends.
	results chan result
	readErr error
	// quit is closed when the worker is killed or closed.
	quit chan struct{}
}

// hardDeadline is when a worker stops itself in a request, should its
// caller be gone: after the caller would have killed it.
func hardDeadline(lim limits, grace time.Duration) time.Duration {
	if lim.Time <= 0 {
		return 0
	}
	return lim.Time + grace + time.Second
}

// executable is this binary, for starting it again.
func executable() (string, error) {
	if runtime.GOOS == "linux" {
		// Still this binary when the file was replaced on disk (an upgrade).
		if _, err := os.Stat("/proc/self/exe"); err == nil {
			return "/proc/self/exe", nil
		}
	}
	return os.Executable()
}

func startWorker(lim limits, grace time.Duration) (*worker, error) {
	exe, err := executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, workerArg, strconv.FormatInt(lim.Memory, 10), strconv.FormatInt(int64(hardDeadline(lim, grace)), 10))
	// The worker needs nothing from the environment, and tokens stay out
	// of the process that runs template code.
	cmd.Env = []string{}
	cmd.Dir = os.TempDir()
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		stdinR.Close()
		stdinW.Close()
		return nil, err
	}
	w := &worker{cmd: cmd, in: stdinW, out: stdoutR, stderr: &tail{}, exited: make(chan struct{})}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinR, stdoutW, w.stderr
	err = cmd.Start()
	stdinR.Close()
	stdoutW.Close()
	if err != nil {
		stdinW.Close()
		stdoutR.Close()
		return nil, err
	}
	go func() {
		_ = cmd.Wait()
		close(w.exited)
	}()
	w.bw = bufio.NewWriter(stdinW)
	w.enc = gob.NewEncoder(w.bw)
	w.dec = gob.NewDecoder(bufio.NewReader(stdoutR))
	w.results, w.quit = make(chan result), make(chan struct{})
	go w.read()
	return w, nil
}

// call runs one request; on an error the worker must be killed.
func (w *worker) call(ctx context.Context, req request, lim limits, grace time.Duration) ([]result, error) {
	var timeout <-chan time.Time
	if lim.Time > 0 {
		t := time.NewTimer(lim.Time + grace)
		defer t.Stop()
		timeout = t.C
		_ = w.in.SetWriteDeadline(time.Now().Add(lim.Time + grace))
	}
	got := make([]result, 0, len(req.Jobs))
	running := func() job {
		if len(got) < len(req.Jobs) {
			return req.Jobs[len(got)]
		}
		return req.Jobs[len(req.Jobs)-1]
	}
	fail := func(err error) error {
		j := running()
		return &Error{Name: j.Name, Err: err, limit: true, value: j.IsValue}
	}
	err := w.enc.Encode(&req)
	if err == nil {
		err = w.bw.Flush()
	}
	if err != nil {
		return nil, fail(w.death(err, lim))
	}
	for len(got) < len(req.Jobs) {
		select {
		case r, ok := <-w.results:
			if !ok {
				return nil, fail(w.death(w.readErr, lim))
			}
			got = append(got, r)
		case <-ctx.Done():
			return nil, fail(context.Cause(ctx))
		case <-timeout:
			return nil, fail(timeLimit(lim.Time))
		}
	}
	return got, nil
}

// read delivers the worker's results until its output ends.
func (w *worker) read() {
	defer close(w.results)
	for {
		var r result
		if err := w.dec.Decode(&r); err != nil {
			w.readErr = err
			return
		}
		select {
		case w.results <- r:
		case <-w.quit:
			return
		}
	}
}

// exitMemory is the worker's exit code when its memory watchdog fires;
// exitTime when its own deadline does.
const (
	exitMemory = 3
	exitTime   = 4
)

// death says in plain words why a worker stopped answering.
func (w *worker) death(err error, lim limits) error {
	select {
	case <-w.exited:
	case <-time.After(2 * time.Second):
	}
	code := -1
	if st := w.cmd.ProcessState; st != nil {
		code = st.ExitCode()
	}
	return w.deathOf(err, lim, code)
}

// deathOf classifies a worker's end by its exit code and what it wrote.
func (w *worker) deathOf(err error, lim limits, code int) error {
	log := w.stderr.String()
	switch {
	case strings.Contains(log, "stack overflow"), strings.Contains(log, "stack exceeds"):
		return errors.New("the template nests or recurses too deeply (the renderer ran out of stack)")
	case code == exitMemory, strings.Contains(log, "out of memory"), strings.Contains(log, "cannot allocate memory"):
		return fmt.Errorf("the template needs more than the %d MiB of memory a render may use", lim.Memory>>20)
	case code == exitTime:
		return errors.New("the template took too long to render")
	}
	first := w.stderr.first()
	if first == "" {
		first = err.Error()
	}
	return fmt.Errorf("the template renderer stopped unexpectedly (%s)", first)
}

// kill stops the worker at once.
func (w *worker) kill() {
	w.once.Do(func() {
		close(w.quit)
		if w.cmd.Process != nil {
			_ = w.cmd.Process.Kill()
		}
		w.in.Close()
		w.out.Close()
	})
}

// close lets an idle worker exit (it reads the end of its input).
func (w *worker) close() {
	w.once.Do(func() {
		close(w.quit)
		w.in.Close()
		go func() {
			select {
			case <-w.exited:
			case <-time.After(5 * time.Second):
				_ = w.cmd.Process.Kill()
			}
			w.out.Close()
		}()
	})
}

// tail keeps the start and the end of a worker's stderr, for death (the
// Go runtime says why it stopped first, then prints a long stack).
type tail struct {
	mu         sync.Mutex
	head, last []byte
}

const tailBytes = 4096

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := tailBytes - len(t.head); room > 0 {
		t.head = append(t.head, p[:min(room, len(p))]...)
	}
	t.last = append(t.last, p...)
	if len(t.last) > tailBytes {
		t.last = append([]byte(nil), t.last[len(t.last)-tailBytes:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.head) + "\n" + string(t.last)
}

// first is the first line written.
func (t *tail) first() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range strings.Split(string(t.head), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
