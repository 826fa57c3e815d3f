// Package devenv owns local environments: a service and everything it needs
// (its resources, and optionally the catalog components it depends on)
// running as Docker containers on this machine, started, inspected and torn
// down by one Service.
//
// The machinery is split by job: spec reads score.yaml and compose.yaml into
// one model and writes compose.yaml back; provision turns declared resources
// into containers and their outputs; plan decides container names, labels,
// config hashes and host ports (pure, no I/O); engine talks to the Docker
// Engine API. This package ties them together and keeps the little state an
// environment needs in SQLite (its directory and its remembered host ports).
//
// Rules:
//   - Docker's labels are the truth about what runs: every container, network
//     and volume carries the environment's label, so an interrupted up is
//     reconciled by the next up or down, and nothing is orphaned.
//   - A container is recreated only when its config hash changed.
//   - Containers are reached only through ports published on 127.0.0.1.
//   - Generated passwords live in memory and in the container's environment
//     only: never in SQLite, progress events, errors or the audit log.
//   - Every up and down is one audit entry.
package devenv

import (
	"context"
	"sync"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/devenv/engine"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/store"
)

// Options configures a Service.
type Options struct {
	Store    *store.Store
	Audit    *audit.Log
	Catalog  *catalog.Service
	Platform *platform.Service
	// CacheDir holds build outputs (Go binaries for base-image-free builds).
	CacheDir string
	// Connect opens the Docker engine; nil means engine.Connect (DOCKER_HOST,
	// then the current Docker context, then the default socket).
	Connect func(ctx context.Context) (*engine.Engine, error)
}

// Service is the local environments capability.
type Service struct {
	st       *store.Store
	audit    *audit.Log
	catalog  *catalog.Service
	platform *platform.Service
	cacheDir string
	connect  func(ctx context.Context) (*engine.Engine, error)

	engMu sync.Mutex
	eng   *engine.Engine

	// upMu serialises up/down/restart of one environment in this process.
	upMu   sync.Mutex
	busyMu map[string]*sync.Mutex
}

// New returns the service.
func New(o Options) *Service {
	c := o.Connect
	if c == nil {
		c = engine.Connect
	}
	return &Service{st: o.Store, audit: o.Audit, catalog: o.Catalog, platform: o.Platform, cacheDir: o.CacheDir,
		connect: c, busyMu: map[string]*sync.Mutex{}}
}

// engine connects once and reuses the connection.
func (s *Service) engine(ctx context.Context) (*engine.Engine, error) {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.eng != nil {
		return s.eng, nil
	}
	e, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	s.eng = e
	return e, nil
}

// Close releases the engine connection.
func (s *Service) Close() error {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.eng == nil {
		return nil
	}
	err := s.eng.Close()
	s.eng = nil
	return err
}

// lock serialises operations on one environment within this process.
func (s *Service) lock(name string) func() {
	s.upMu.Lock()
	m := s.busyMu[name]
	if m == nil {
		m = &sync.Mutex{}
		s.busyMu[name] = m
	}
	s.upMu.Unlock()
	m.Lock()
	return m.Unlock
}
