package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/problem"
)

// Events of local environments (docs/ui/env-api.md).
const (
	// EventEnvProgress carries progress.Event while an environment starts,
	// stops or restarts.
	EventEnvProgress = devenv.Topic
	// EventEnvChanged carries EnvChanged after an up, down or restart.
	EventEnvChanged = "env:changed"
	// EventEnvLog carries EnvLogBatch: lines of a followed log stream.
	EventEnvLog = "env:log"
	// EventEnvLogEnd carries EnvLogEnd once a followed stream ends.
	EventEnvLogEnd = "env:log-end"
)

// EnvUpRequest starts an environment.
type EnvUpRequest struct {
	// Target is a component reference, a directory or an environment name.
	Target string `json:"target"`
	// Deps is none (default), direct or all.
	Deps string `json:"deps,omitempty"`
	// Build rebuilds images built from source.
	Build bool `json:"build,omitempty"`
}

// EnvDownRequest stops an environment.
type EnvDownRequest struct {
	Target string `json:"target"`
	// Volumes also removes its named volumes.
	Volumes bool `json:"volumes,omitempty"`
}

// EnvLogsRequest selects log lines.
type EnvLogsRequest struct {
	Target string `json:"target"`
	// Service keeps one service ("" = all).
	Service string `json:"service,omitempty"`
	// Tail is how many recent lines per service (0 = 200, -1 = all).
	Tail int `json:"tail,omitempty"`
	// Since keeps lines at or after this time (RFC 3339; unset = no limit),
	// e.g. to resume following after a service restarted.
	Since time.Time `json:"since,omitempty"`
}

// EnvChanged announces that an environment's containers changed.
type EnvChanged struct {
	Name string `json:"name"`
	// Action is up, down or restart.
	Action string `json:"action"`
}

// EnvLogBatch is a batch of followed log lines (sent at most every 100 ms).
type EnvLogBatch struct {
	Stream string           `json:"stream"`
	Lines  []devenv.LogLine `json:"lines"`
}

// EnvLogEnd says a followed stream ended; Error is set when it failed.
type EnvLogEnd struct {
	Stream string `json:"stream"`
	Error  string `json:"error,omitempty"`
}

// logStreams are the followed log streams of one App.
type logStreams struct {
	mu sync.Mutex
	m  map[string]context.CancelFunc
}

func (a *App) envChanged(name, action string) {
	a.send(EventEnvChanged, EnvChanged{Name: name, Action: action})
}

// EnvUp starts (or updates) an environment and waits until every service is
// ready. Progress arrives as "env:progress" events.
func (a *App) EnvUp(req EnvUpRequest) (devenv.Environment, error) {
	env, err := a.p.Env.Up(a.context(), devenv.UpOptions{Target: req.Target, Deps: req.Deps, Build: req.Build, Wait: true}, a.reporter())
	if env.Name != "" {
		a.envChanged(env.Name, "up")
	}
	return reply(env, err)
}

// EnvDown stops an environment and removes its containers and network
// (and its volumes when asked).
func (a *App) EnvDown(req EnvDownRequest) (devenv.DownResult, error) {
	res, err := a.p.Env.Down(a.context(), devenv.DownOptions{Target: req.Target, Volumes: req.Volumes}, a.reporter())
	if res.Name != "" {
		a.envChanged(res.Name, "down")
	}
	return reply(res, err)
}

// EnvPs reports an environment's containers: state, health, ports.
func (a *App) EnvPs(target string) (devenv.Environment, error) {
	return reply(a.p.Env.Ps(a.context(), devenv.PsOptions{Target: target}))
}

// EnvList lists every environment on this machine.
func (a *App) EnvList() ([]devenv.Summary, error) {
	return reply(a.p.Env.List(a.context(), devenv.ListOptions{}))
}

// EnvRestart restarts one service and waits until it is ready again.
func (a *App) EnvRestart(target, service string) (devenv.Environment, error) {
	env, err := a.p.Env.Restart(a.context(), devenv.RestartOptions{Target: target, Service: service}, a.reporter())
	if env.Name != "" {
		a.envChanged(env.Name, "restart")
	}
	return reply(env, err)
}

// EnvLogs returns recent log lines (oldest first).
func (a *App) EnvLogs(req EnvLogsRequest) ([]devenv.LogLine, error) {
	lines := []devenv.LogLine{}
	err := a.p.Env.Logs(a.context(), devenv.LogsOptions{Target: req.Target, Service: req.Service, Tail: req.Tail, Since: req.Since},
		func(l devenv.LogLine) { lines = append(lines, l) })
	return reply(lines, err)
}

// EnvLogsFollow starts streaming log lines as "env:log" events and returns
// the stream's id; "env:log-end" follows when it stops. Stop it with
// EnvLogsStop.
func (a *App) EnvLogsFollow(req EnvLogsRequest) (string, error) {
	// Fail fast on a bad target or service instead of in the stream.
	if _, err := a.p.Env.Ps(a.context(), devenv.PsOptions{Target: req.Target}); err != nil {
		return reply("", err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	ctx, cancel := context.WithCancel(a.context())
	a.logs.mu.Lock()
	if a.logs.m == nil {
		a.logs.m = map[string]context.CancelFunc{}
	}
	a.logs.m[id] = cancel
	a.logs.mu.Unlock()

	go func() {
		defer a.stopLogs(id)
		var mu sync.Mutex
		var pending []devenv.LogLine
		flush := func() {
			mu.Lock()
			batch := pending
			pending = nil
			mu.Unlock()
			if len(batch) > 0 {
				a.send(EventEnvLog, EnvLogBatch{Stream: id, Lines: batch})
			}
		}
		done := make(chan struct{})
		go func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					flush()
				}
			}
		}()
		err := a.p.Env.Logs(ctx, devenv.LogsOptions{Target: req.Target, Service: req.Service, Tail: req.Tail, Since: req.Since, Follow: true},
			func(l devenv.LogLine) {
				mu.Lock()
				pending = append(pending, l)
				mu.Unlock()
			})
		close(done)
		flush()
		end := EnvLogEnd{Stream: id}
		if err != nil && ctx.Err() == nil {
			end.Error = err.Error()
		}
		a.send(EventEnvLogEnd, end)
	}()
	return reply(id, nil)
}

// EnvLogsStop stops a followed log stream; stopping an ended stream is not
// an error.
func (a *App) EnvLogsStop(id string) error {
	if id == "" {
		return replyErr(problem.Invalidf("no stream id",
			problem.Problem{Field: "id", Message: "is empty", Fix: "pass the id EnvLogsFollow returned"}))
	}
	a.stopLogs(id)
	return replyErr(nil)
}

func (a *App) stopLogs(id string) {
	a.logs.mu.Lock()
	cancel := a.logs.m[id]
	delete(a.logs.m, id)
	a.logs.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// EnvCanRun says whether a component has a workload spec (so the page can
// offer "Run locally") and the state of its environment.
func (a *App) EnvCanRun(ref string) (devenv.RunInfo, error) {
	return reply(a.p.Env.CanRun(a.context(), ref))
}

// EnvExport returns the environment as a compose file.
func (a *App) EnvExport(target string) (devenv.ExportResult, error) {
	return reply(a.p.Env.Export(a.context(), devenv.ExportOptions{Target: target}))
}
