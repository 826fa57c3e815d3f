package core

import (
	"context"
	"fmt"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/platform"
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

// UsePlatformOptions configure UsePlatform.
type UsePlatformOptions struct {
	// Target is a git URL, a local directory, or "demo" for the built-in
	// platform.
	Target string
	// Ref is the git branch or tag ("" = the remote's default branch).
	Ref string
	// NoSync switches without syncing the catalog afterwards.
	NoSync bool
}

// UsePlatformResult is what UsePlatform did.
type UsePlatformResult struct {
	Platform platform.Info        `json:"platform"`
	Sync     []catalog.SyncResult `json:"sync"`
}

// UsePlatform is "use this platform" as a person asks for it: validate and
// switch to the platform, make the catalog's platform sources its catalog
// locations, then sync them (unless NoSync). The CLI and the window both
// call it.
func (p *Paved) UsePlatform(ctx context.Context, o UsePlatformOptions, rep progress.Reporter) (UsePlatformResult, error) {
	res := UsePlatformResult{Sync: []catalog.SyncResult{}}
	info, err := p.Platform.Use(ctx, o.Target, o.Ref)
	if err != nil {
		return res, err
	}
	res.Platform = info
	p.PlatformErr = nil
	if err := p.ApplyPlatform(ctx); err != nil {
		return res, fmt.Errorf("apply the catalog locations of platform %s: %w", info.Name, err)
	}
	if o.NoSync {
		return res, nil
	}
	synced, err := p.Catalog.Sync(ctx, catalog.SyncOptions{}, rep)
	if err != nil {
		return res, err
	}
	res.Sync = synced
	return res, nil
}
