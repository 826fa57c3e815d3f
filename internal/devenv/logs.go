package devenv

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/devenv/plan"
)

// Logs calls fn with the environment's log lines: the last Tail lines of
// each service (merged in time order), then, with Follow, new lines as they
// are written until ctx ends or every container is gone. fn is never
// called concurrently.
func (s *Service) Logs(ctx context.Context, o LogsOptions, fn func(LogLine)) error {
	l, err := s.locate(ctx, o.Target, false)
	if err != nil {
		return err
	}
	eng, err := s.engine(ctx)
	if err != nil {
		return err
	}
	labels := []string{plan.LabelEnv + "=" + l.Name}
	if o.Service != "" {
		labels = append(labels, plan.LabelService+"="+o.Service)
	}
	cs, err := eng.List(ctx, labels...)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		if o.Service != "" {
			return fmt.Errorf("environment %s has no service %s: see `paved env ps %s`", l.Name, o.Service, l.Name)
		}
		return fmt.Errorf("environment %s is not running: start it with `paved env up`", l.Name)
	}
	tail := o.Tail
	if tail == 0 {
		tail = 200
	}
	// History first, merged by time.
	var hist []LogLine
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range cs {
		g.Go(func() error {
			rc, err := eng.Logs(gctx, c.ID, false, tail, o.Since)
			if err != nil {
				return err
			}
			defer rc.Close()
			svc := c.Labels[plan.LabelService]
			_ = engine.ReadLogs(rc, func(ll engine.LogLine) {
				mu.Lock()
				hist = append(hist, LogLine{Service: svc, Stream: ll.Stream, Time: ll.Time, Text: ll.Text})
				mu.Unlock()
			})
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].Time.Before(hist[j].Time) })
	for _, ll := range hist {
		fn(ll)
	}
	if !o.Follow {
		return nil
	}
	// Then follow from just after the last line seen per service.
	last := map[string]LogLine{}
	for _, ll := range hist {
		last[ll.Service] = ll
	}
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			svc := c.Labels[plan.LabelService]
			since := o.Since
			prev, seen := last[svc]
			if seen {
				since = prev.Time
			}
			rc, err := eng.Logs(ctx, c.ID, true, -1, since)
			if err != nil {
				return
			}
			defer rc.Close()
			go func() { <-ctx.Done(); rc.Close() }()
			skipping := seen
			_ = engine.ReadLogs(rc, func(ll engine.LogLine) {
				// since is inclusive: skip what history already showed.
				if skipping {
					if ll.Time.Before(prev.Time) || (ll.Time.Equal(prev.Time) && ll.Text == prev.Text) {
						if ll.Text == prev.Text {
							skipping = false
						}
						return
					}
					skipping = false
				}
				mu.Lock()
				defer mu.Unlock()
				if ctx.Err() == nil {
					fn(LogLine{Service: svc, Stream: ll.Stream, Time: ll.Time, Text: ll.Text})
				}
			})
		})
	}
	wg.Wait()
	return nil
}
