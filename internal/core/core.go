// Package core wires Paved's capability services from one home directory,
// so the CLI and the window build exactly the same platform: a command and a
// button click run the same code against the same state.
//
// Rules: no globals; everything a service needs is passed in here; opening
// never needs the network.
package core

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/paved-dev/paved/goldenpaths"
	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/goldenpath"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/platform/demo"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/warn"
)

// HomeEnv overrides where Paved keeps its state.
const HomeEnv = "PAVED_HOME"

// Home returns Paved's state directory: $PAVED_HOME, else the user's data
// directory (XDG_DATA_HOME or ~/.local/share on Linux, Application Support
// on macOS, %LocalAppData% on Windows) + /paved.
func Home() (string, error) {
	if h := os.Getenv(HomeEnv); h != "" {
		return filepath.Abs(h)
	}
	var base string
	switch runtime.GOOS {
	case "windows":
		base = os.Getenv("LocalAppData")
	case "darwin":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		base = d
	default:
		base = os.Getenv("XDG_DATA_HOME")
		if base == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("find home directory (set %s): %w", HomeEnv, err)
			}
			base = filepath.Join(h, ".local", "share")
		}
	}
	if base == "" {
		return "", fmt.Errorf("cannot find a data directory: set %s", HomeEnv)
	}
	return filepath.Join(base, "paved"), nil
}

// Paved is the set of platform services over one home directory.
type Paved struct {
	Home     string
	Store    *store.Store
	Audit    *audit.Log
	Platform *platform.Service
	Catalog  *catalog.Service
	// Env runs local environments in Docker.
	Env *devenv.Service
	// GoldenPaths scaffolds and updates services from templates.
	GoldenPaths *goldenpath.Service
	// PlatformErr is set when the configured platform could not be loaded;
	// everything cached keeps working and commands report it.
	PlatformErr error
}

// Options configure Open.
type Options struct {
	// Home is the state directory (see Home).
	Home string
	// Warn receives what went wrong without failing an action (an audit
	// entry that could not be written, ...): the CLI prints it on stderr,
	// the window shows it. Nil drops warnings.
	Warn warn.Sink
}

// Open opens the state in o.Home and builds the services.
func Open(ctx context.Context, o Options) (*Paved, error) {
	home := o.Home
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", home, err)
	}
	st, err := store.Open(ctx, filepath.Join(home, store.FileName), audit.Schema(), catalog.Schema(), devenv.Schema())
	if err != nil {
		return nil, err
	}
	cache := filepath.Join(home, "cache")
	log := audit.New(st, o.Warn)
	plat, err := platform.New(st, log, cache, demo.FS())
	if err != nil {
		st.Close()
		return nil, err
	}
	p := &Paved{
		Home:     home,
		Store:    st,
		Audit:    log,
		Platform: plat,
		Catalog: catalog.New(catalog.Options{
			Store:    st,
			Audit:    log,
			CacheDir: cache,
			Embedded: map[string]fs.FS{platform.EmbeddedDemo: demoWithGoldenPaths(demo.FS(), goldenpaths.FS())},
		}),
	}
	p.GoldenPaths = goldenpath.New(goldenpath.Options{Platform: plat, Catalog: p.Catalog, Audit: log,
		Builtin: goldenpaths.FS(), BuiltinVersion: goldenpaths.Version, Warn: o.Warn})
	p.Env = devenv.New(devenv.Options{Store: st, Audit: log, Catalog: p.Catalog, Platform: plat, CacheDir: cache})
	p.PlatformErr = p.ApplyPlatform(ctx)
	return p, nil
}

// ApplyPlatform makes the catalog's platform sources match the current
// platform's catalog locations.
func (p *Paved) ApplyPlatform(ctx context.Context) error {
	cur, err := p.Platform.Current(ctx)
	if err != nil {
		return err
	}
	locs, err := p.Platform.CatalogLocations(cur)
	if err != nil {
		return err
	}
	srcs := make([]catalog.Source, 0, len(locs))
	for _, l := range locs {
		srcs = append(srcs, catalog.Source{Name: l.Name, Kind: l.Kind, Target: l.Target, Ref: l.Ref, Subdir: l.Subdir, Glob: l.Glob, Origin: catalog.OriginPlatform})
	}
	return p.Catalog.SetPlatformSources(ctx, srcs)
}

// Close releases the store.
func (p *Paved) Close() error {
	if p == nil || p.Store == nil {
		return nil
	}
	var envErr error
	if p.Env != nil {
		envErr = p.Env.Close()
	}
	return errors.Join(envErr, p.Store.Close())
}
