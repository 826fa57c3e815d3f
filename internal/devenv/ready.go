package devenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/devenv/plan"
	"github.com/paved-dev/paved/internal/devenv/spec"
)

// Readiness polling. Docker 20.10 has no health-check start_interval, so a
// health check with a 1 s interval reports healthy a second after start at
// the earliest; probing the published port from the host answers as soon
// as the service listens. A service is ready when either says so.
const (
	probeEvery   = 40 * time.Millisecond
	inspectEvery = 200 * time.Millisecond
)

// waitReady waits until the container is ready: healthy, or its probe on
// the published 127.0.0.1 port answers, or (with neither) running. It
// returns how readiness was seen.
func waitReady(ctx context.Context, eng *engine.Engine, d *plan.Container, probe *spec.Probe) (string, error) {
	hostPort := 0
	if probe != nil {
		for _, p := range d.Ports {
			if p.Container == probe.Port && p.Protocol == "tcp" {
				hostPort = p.Host
			}
		}
	}
	var last engine.Container
	lastInspect := time.Time{}
	for {
		if time.Since(lastInspect) >= inspectEvery {
			c, ok, err := eng.Inspect(ctx, d.Name)
			if err != nil {
				if ctx.Err() != nil {
					return "", notReady(ctx, eng, d, last)
				}
				return "", err
			}
			if !ok {
				return "", fmt.Errorf("container %s disappeared", d.Name)
			}
			last, lastInspect = c, time.Now()
			switch c.State {
			case "exited", "dead":
				return "", fmt.Errorf("container %s exited with code %d%s", d.Name, c.ExitCode, logTail(ctx, eng, d.Name))
			}
			if c.Health == "healthy" {
				return "health check", nil
			}
			if c.Health == "unhealthy" && hostPort == 0 {
				return "", fmt.Errorf("container %s is unhealthy: %s%s", d.Name, oneLine(c.HealthLog), logTail(ctx, eng, d.Name))
			}
			if c.State == "running" && c.Health == "" && hostPort == 0 {
				return "running", nil
			}
		}
		if hostPort > 0 && last.State == "running" {
			if probeOnce(ctx, probe, hostPort) {
				return probe.Kind + " probe on 127.0.0.1:" + strconv.Itoa(hostPort), nil
			}
		}
		select {
		case <-ctx.Done():
			return "", notReady(ctx, eng, d, last)
		case <-time.After(probeEvery):
		}
	}
}

func notReady(ctx context.Context, eng *engine.Engine, d *plan.Container, last engine.Container) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	h := last.Health
	if h == "" {
		h = "no health check"
	}
	msg := fmt.Sprintf("container %s not ready in time (state %s, health %s", d.Name, last.State, h)
	if last.HealthLog != "" {
		msg += ": " + oneLine(last.HealthLog)
	}
	return errors.New(msg + ")" + logTail(context.WithoutCancel(ctx), eng, d.Name))
}

// probeOnce checks a published port once. Through Docker's userland proxy
// a TCP connect succeeds even when nothing listens in the container (the
// proxy accepts, fails to reach the backend, and closes), so a TCP probe
// also waits briefly: a connection that is closed at once is not ready.
func probeOnce(ctx context.Context, p *spec.Probe, hostPort int) bool {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(hostPort))
	if p.Kind == spec.ProbeHTTP {
		rctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, "http://"+addr+p.Path, nil)
		if err != nil {
			return false
		}
		resp, err := probeClient.Do(req)
		if err != nil {
			return false
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return resp.StatusCode >= 200 && resp.StatusCode < 400
	}
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Millisecond))
	var b [1]byte
	_, err = conn.Read(b[:])
	if err == nil {
		return true // the service spoke first (a banner)
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

var probeClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}

// logTail is the last lines a container wrote, for error messages.
func logTail(ctx context.Context, eng *engine.Engine, name string) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	rc, err := eng.Logs(ctx, name, false, 8, time.Time{})
	if err != nil {
		return ""
	}
	defer rc.Close()
	var lines []string
	_ = engine.ReadLogs(rc, func(l engine.LogLine) { lines = append(lines, l.Text) })
	if len(lines) == 0 {
		return ""
	}
	return "; its last output: " + strings.Join(lines, " | ")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
