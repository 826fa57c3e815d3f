package devenv

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/devenv/plan"
	"github.com/paved-dev/paved/internal/progress"
)

// Down removes an environment's containers and network (found by label,
// so whatever an interrupted up left is removed too) and, with Volumes, its
// volumes. All containers stop at once: a container whose main process
// cannot act on SIGTERM (PID 1 without a handler) is killed right away
// instead of waited for; the others get their stop grace.
func (s *Service) Down(ctx context.Context, o DownOptions, rep progress.Reporter) (res DownResult, err error) {
	rep = progress.OrDiscard(rep)
	start := time.Now()
	target := o.Target
	defer func() {
		name := res.Name
		if name == "" {
			name = target
		}
		detail := fmt.Sprintf("%d containers removed", len(res.Containers))
		if o.Volumes {
			detail += fmt.Sprintf(", %d volumes removed", len(res.Volumes))
		}
		s.audit.Note(ctx, "env.down", name, detail, err)
	}()
	l, err := s.locate(ctx, o.Target, false)
	if err != nil {
		return DownResult{}, err
	}
	target = l.Name
	defer s.lock(l.Name)()
	res = DownResult{Name: l.Name, Containers: []string{}, Networks: []string{}, Volumes: []string{}, KeptVolumes: []string{}}
	eng, err := s.engine(ctx)
	if err != nil {
		return res, err
	}
	// Remove until none is left: a killed up may have had creates in flight
	// that the engine finishes after the first listing.
	for round := 0; round < 5; round++ {
		cs, err := eng.List(ctx, plan.LabelEnv+"="+l.Name)
		if err != nil {
			return res, err
		}
		if len(cs) == 0 {
			break
		}
		if err := s.removeAll(ctx, eng, l.Name, cs, rep); err != nil {
			return res, err
		}
		for _, c := range cs {
			res.Containers = append(res.Containers, c.Name)
		}
	}
	nets, err := eng.Networks(ctx, plan.LabelEnv+"="+l.Name)
	if err != nil {
		return res, err
	}
	for _, n := range nets {
		if err := eng.RemoveNetwork(ctx, n); err != nil {
			return res, err
		}
		res.Networks = append(res.Networks, n)
	}
	vols, err := eng.Volumes(ctx, plan.LabelEnv+"="+l.Name)
	if err != nil {
		return res, err
	}
	if o.Volumes {
		for _, v := range vols {
			if err := eng.RemoveVolume(ctx, v); err != nil {
				return res, err
			}
			res.Volumes = append(res.Volumes, v)
		}
		if err := s.forgetEnv(ctx, l.Name); err != nil {
			return res, err
		}
	} else {
		res.KeptVolumes = append(res.KeptVolumes, vols...)
		if l.Known {
			_ = s.touchEnv(ctx, l.Name)
		}
	}
	res.DurationMs = float64(time.Since(start).Microseconds()) / 1000
	report(rep, l.Name, "", "done", fmt.Sprintf("%s is down in %.1f s", l.Name, time.Since(start).Seconds()), 0, 0)
	return res, nil
}

// removeAll stops and removes containers in parallel.
func (s *Service) removeAll(ctx context.Context, eng *engine.Engine, env string, cs []engine.Container, rep progress.Reporter) error {
	// Every container is tried (eight at a time) and every failure kept.
	var g errgroup.Group
	g.SetLimit(8)
	var mu sync.Mutex
	var errs []error
	for _, c := range cs {
		g.Go(func() error {
			svc := c.Labels[plan.LabelService]
			report(rep, env, svc, "stop", "stopping "+c.Name, 0, 0)
			if err := eng.Remove(ctx, c.ID, stopGrace(c.Labels)); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait() // failures are collected in errs
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// summarize gives an environment's state from its container list alone.
func summarize(cs []engine.Container) string {
	if len(cs) == 0 {
		return StateStopped
	}
	for _, c := range cs {
		if c.State != "running" {
			return StatePartial
		}
	}
	return StateRunning
}
