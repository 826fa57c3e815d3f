package core

import (
	"context"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/progress"
)

// SyncCatalog syncs the catalog the way a person asks for it, from the CLI
// or the window: a sync of every source first refreshes a git platform
// repository and re-applies its catalog locations (a refresh that fails,
// e.g. offline, is returned as refreshErr and the sync goes on with what is
// cached).
func (p *Paved) SyncCatalog(ctx context.Context, o catalog.SyncOptions, rep progress.Reporter) (res []catalog.SyncResult, refreshErr, err error) {
	if o.Source == "" {
		if _, refreshErr = p.Platform.Refresh(ctx); refreshErr == nil {
			if err := p.ApplyPlatform(ctx); err != nil {
				return nil, nil, err
			}
		}
	}
	res, err = p.Catalog.Sync(ctx, o, rep)
	return res, refreshErr, err
}
