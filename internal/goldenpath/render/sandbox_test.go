package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/problem"
)

// These tests take the in-process guards away (Steps and Depth 0) to show
// what the worker alone holds: a stack overflow, a memory bomb and a
// runaway loop each end one worker, never the test process, and the next
// render gets a new worker.

func newTestSandbox(t *testing.T, lim limits) *sandbox {
	t.Helper()
	s := newSandbox(lim, 1)
	t.Cleanup(s.closeIdle)
	return s
}

func render1(ctx context.Context, s *sandbox, src string) (string, error) {
	res, err := s.run(ctx, map[string]any{"values": map[string]any{"n": 3}}, []job{{Name: "skeleton/f.njk", Src: src}})
	if err != nil {
		return "", err
	}
	return res[0].text()
}

// bound is how long a test waits for a limit before calling it broken.
func bound(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func wantAlive(t *testing.T, s *sandbox) {
	t.Helper()
	if out, err := render1(bound(t), s, "${{ values.n * 2 }}"); err != nil || out != "6" {
		t.Fatalf("the next render: %q, %v", out, err)
	}
}

func TestAStackOverflowEndsOnlyTheWorker(t *testing.T) {
	s := newTestSandbox(t, limits{Time: 30 * time.Second, Memory: 256 << 20})
	ctx := bound(t)
	_, err := render1(ctx, s, "{% macro m(n) %}${{ m(n + 1) }}{% endmacro %}${{ m(0) }}")
	var re *Error
	if !errors.As(err, &re) || re.Name != "skeleton/f.njk" || !strings.Contains(err.Error(), "recurses too deeply") || ctx.Err() != nil {
		t.Fatalf("err = %v", err)
	}
	wantAlive(t, s)
}

func TestAMemoryBombEndsOnlyTheWorker(t *testing.T) {
	s := newTestSandbox(t, limits{Time: 30 * time.Second, Memory: 128 << 20})
	ctx := bound(t)
	// Each split makes a list of four million strings: the guards let
	// each through (a list, not a text), the memory limit does not.
	_, err := render1(ctx, s, "{% set s = 'x ' * 4000000 %}{% set l = [] %}{% for i in range(2000) %}{% do l.append(s.split(' ')) %}{% endfor %}")
	if err == nil || !strings.Contains(err.Error(), "needs more than the 128 MiB") || ctx.Err() != nil {
		t.Fatalf("err = %v", err)
	}
	wantAlive(t, s)
}

func TestARunawayLoopStopsAtTheTimeLimitWithItsLine(t *testing.T) {
	s := newTestSandbox(t, limits{Time: 300 * time.Millisecond, Memory: 256 << 20})
	ctx := bound(t)
	_, err := render1(ctx, s, "a\n{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}")
	var re *Error
	var tl timeLimit
	if !errors.As(err, &re) || re.Line != 2 || !errors.As(err, &tl) || !strings.Contains(err.Error(), "takes longer than 300ms") || ctx.Err() != nil {
		t.Fatalf("err = %v", err)
	}
	wantAlive(t, s)
}

func TestAWorkerPastItsDeadlineIsKilled(t *testing.T) {
	s := newTestSandbox(t, limits{Time: 20 * time.Second, Memory: 256 << 20})
	// The caller's timer fires long before the worker's own deadline, as
	// it does when a render is stuck where the worker cannot see it.
	s.grace = -19 * time.Second
	ctx := bound(t)
	_, err := render1(ctx, s, "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}")
	var tl timeLimit
	if !errors.As(err, &tl) || ctx.Err() != nil {
		t.Fatalf("err = %v", err)
	}
	wantAlive(t, s)
}

func TestCancellingTheCallerStopsTheRender(t *testing.T) {
	s := newTestSandbox(t, limits{Time: time.Minute, Memory: 256 << 20})
	ctx, cancel := context.WithCancel(bound(t))
	started := make(chan struct{})
	go func() {
		<-started
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	close(started)
	_, err := render1(ctx, s, "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}")
	if !errors.Is(err, context.Canceled) || problem.KindOf(err) != problem.Canceled {
		t.Fatalf("err = %v (kind %s)", err, problem.KindOf(err))
	}
	wantAlive(t, s)
}

func TestACallerThatGaveUpDoesNotStartARender(t *testing.T) {
	s := newTestSandbox(t, defaultLimits())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// The one slot is taken: the render waits for it, or for ctx.
	s.slots <- struct{}{}
	_, err := render1(ctx, s, "${{ 1 }}")
	<-s.slots
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestAWorkerThatDiedIdleIsReplaced(t *testing.T) {
	s := newTestSandbox(t, defaultLimits())
	wantAlive(t, s)
	s.mu.Lock()
	if len(s.idle) != 1 {
		s.mu.Unlock()
		t.Fatalf("%d idle workers, want 1", len(s.idle))
	}
	w := s.idle[0]
	s.mu.Unlock()
	if err := w.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-w.exited
	wantAlive(t, s)
}

func TestConcurrentRendersShareThePool(t *testing.T) {
	s := newSandbox(defaultLimits(), 2)
	t.Cleanup(s.closeIdle)
	var wg sync.WaitGroup
	errs := make(chan error, 8*20)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				res, err := s.run(context.Background(), map[string]any{"g": g, "i": i}, []job{{Name: "f", Src: "${{ g }}-${{ i }}"}})
				if err == nil {
					var out string
					out, err = res[0].text()
					if err == nil && out != fmt.Sprintf("%d-%d", g, i) {
						err = fmt.Errorf("got %q for %d-%d", out, g, i)
					}
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(s.idle); n > 2 {
		t.Errorf("%d idle workers, more than the pool's 2", n)
	}
}

func TestTemplatesCannotChangeTheCallersData(t *testing.T) {
	values := map[string]any{"x": "original"}
	data := map[string]any{"values": values}
	res, err := defaultSandbox().run(context.Background(), data, []job{
		{Name: "first", Src: "{% set values.x = 'changed' %}${{ values.x }}"},
		{Name: "second", Src: "${{ values.x }}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := res[0].text()
	second, _ := res[1].text()
	if first != "changed" || second != "original" || values["x"] != "original" {
		t.Fatalf("first %q, second %q, the caller's value %v", first, second, values["x"])
	}
}

func TestDeathSaysWhyInPlainWords(t *testing.T) {
	for _, c := range []struct {
		stderr string
		want   string
	}{
		{"runtime: goroutine stack exceeds 67108864-byte limit\nfatal error: stack overflow\n\ngoroutine 1 [running]:", "recurses too deeply"},
		{"fatal error: runtime: out of memory\n", "needs more than the 512 MiB"},
		{"paved render worker: out of memory (the limit is 512 MiB)\n", "needs more than the 512 MiB"},
		{"panic: something else\n\ngoroutine 7", "stopped unexpectedly (panic: something else)"},
	} {
		w := &worker{stderr: &tail{}, exited: make(chan struct{})}
		close(w.exited)
		w.cmd = nil
		fmt.Fprint(w.stderr, c.stderr)
		if err := w.deathOf(errors.New("EOF"), defaultLimits(), -1); !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.stderr, err, c.want)
		}
	}
}

func TestTailKeepsWhyAndTheEnd(t *testing.T) {
	var tl tail
	fmt.Fprint(&tl, "fatal error: stack overflow\n")
	fmt.Fprint(&tl, strings.Repeat("frame\n", 10000))
	fmt.Fprint(&tl, "the end\n")
	if tl.first() != "fatal error: stack overflow" || !strings.Contains(tl.String(), "the end") || len(tl.String()) > 2*tailBytes+1 {
		t.Fatalf("first %q, %d bytes", tl.first(), len(tl.String()))
	}
}

func TestRendersThatMakeGarbageWithinTheLimitAreNotKilled(t *testing.T) {
	s := newTestSandbox(t, limits{Time: 30 * time.Second, Memory: 128 << 20, Steps: MaxSteps, Depth: MaxDepth})
	// Each render makes some 60 MiB of garbage, well within the limit.
	src := "{% set s = 'x' * 6000000 %}{% for i in range(10) %}{% set t = s ~ i %}{% endfor %}${{ s | length }}"
	for i := range 30 {
		out, err := render1(bound(t), s, src)
		if err != nil || out != "6000000" {
			t.Fatalf("render %d: %q, %v", i, out, err)
		}
	}
}
