package catalog

import (
	"context"
	"time"
)

// Watch keeps the cache in step with the sources until ctx ends, calling
// onChange after any sync that changed the catalog. Failures are recorded in
// the sources' status (and the audit log) like any sync; offline is normal.
func (s *Service) Watch(ctx context.Context, o WatchOptions, onChange func([]SyncResult)) {
	if o.LocalEvery <= 0 {
		o.LocalEvery = 2 * time.Second
	}
	if o.RemoteEvery <= 0 {
		o.RemoteEvery = 10 * time.Minute
	}
	t := time.NewTicker(o.LocalEvery)
	defer t.Stop()
	lastRemote := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		srcs, err := s.Sources(ctx)
		if err != nil {
			continue
		}
		remoteDue := time.Since(lastRemote) >= o.RemoteEvery
		if remoteDue {
			lastRemote = time.Now()
		}
		var changed []SyncResult
		for _, src := range srcs {
			if src.Kind == KindEmbedded || (src.Kind == KindGit && !remoteDue) {
				continue
			}
			res, err := s.Sync(ctx, SyncOptions{Source: src.Name, Quiet: true}, nil)
			if err != nil {
				continue
			}
			for _, r := range res {
				if r.Error == "" && !r.Unchanged {
					changed = append(changed, r)
				}
			}
		}
		if len(changed) > 0 && onChange != nil {
			onChange(changed)
		}
	}
}
