// Package platform owns the platform configuration: which platform repository
// this machine uses (a git repository or a local directory with platform.yaml
// at its root, or the embedded demo), its validated contents, and where the
// other capabilities find their inputs in it (catalog locations now; golden
// paths, policies, clusters, Vault and cost rates later).
//
// Rules:
//   - platform.yaml is validated against the JSON Schema in schema/ before it
//     is used; errors name the file, line, field and fix.
//   - Switching platforms validates the new one first: a bad platform never
//     replaces a good one.
//   - Reading the current platform needs no network: git platforms are read
//     from the local clone; Refresh fetches.
package platform

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/schemacheck"
	"github.com/paved-dev/paved/internal/store"
)

// FileName is the platform configuration file at the repository root.
const FileName = "platform.yaml"

// Origins of the current platform.
const (
	OriginDemo = "demo"
	OriginPath = "path"
	OriginGit  = "git"
)

//go:embed schema/platform.schema.json
var schemaJSON []byte

// Config is a parsed platform.yaml.
type Config struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	Spec       Spec     `json:"spec"`
}

// Metadata names the platform.
type Metadata struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// Spec is what the platform provides.
type Spec struct {
	Catalog     Locations `json:"catalog"`
	GoldenPaths Locations `json:"goldenPaths"`
	Policies    *Policies `json:"policies,omitempty"`
	Clusters    []Cluster `json:"clusters,omitempty"`
	Vault       *Vault    `json:"vault,omitempty"`
	Costs       *Costs    `json:"costs,omitempty"`
	// Environments configures local environments (paved env).
	Environments *Environments `json:"environments,omitempty"`
}

// Environments configures local environments.
type Environments struct {
	// Provisioners run resource types locally; they replace the built-in
	// postgres and redis ones for the same type and class.
	Provisioners []Provisioner `json:"provisioners,omitempty"`
}

// Provisioner runs one resource type (and class) as a container. Env,
// command and outputs are templates: ${host} ${port} ${name} ${id}
// ${workload} ${params.KEY} ${secret.NAME} (secrets only in env and outputs).
type Provisioner struct {
	Type        string            `json:"type"`
	Class       string            `json:"class,omitempty"`
	Image       string            `json:"image,omitempty"`
	Command     []string          `json:"command,omitempty"`
	Env         map[string]string `json:"env,omitempty"`
	Ports       []int             `json:"ports,omitempty"`
	Volumes     []string          `json:"volumes,omitempty"`
	HealthCheck *HealthCheck      `json:"healthCheck,omitempty"`
	Outputs     map[string]string `json:"outputs,omitempty"`
	// StopGracePeriod is how long a stop waits before killing, e.g. 10s.
	StopGracePeriod string `json:"stopGracePeriod,omitempty"`
}

// HealthCheck is a provisioner's readiness check: a Docker health check
// (Command) and/or a probe from the host on the published port.
type HealthCheck struct {
	// Command runs in the container: ["CMD", ...] or ["CMD-SHELL", "..."].
	Command     []string `json:"command,omitempty"`
	Interval    string   `json:"interval,omitempty"`
	Timeout     string   `json:"timeout,omitempty"`
	StartPeriod string   `json:"startPeriod,omitempty"`
	Retries     int      `json:"retries,omitempty"`
	// Probe is tcp (default when a port is published) or http:/PATH.
	Probe string `json:"probe,omitempty"`
}

// Locations lists where to read something from.
type Locations struct {
	Locations []Location `json:"locations"`
}

// Location is a path relative to the platform repository, an absolute path,
// or a git URL.
type Location struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	// Ref is a git branch or tag (git URLs only).
	Ref string `json:"ref,omitempty"`
	// Glob selects descriptor files instead of the root catalog-info.yaml.
	Glob string `json:"glob,omitempty"`
}

// Policies locates the Rego policies.
type Policies struct {
	Location    string `json:"location"`
	Enforcement string `json:"enforcement,omitempty"`
}

// Cluster is a Kubernetes cluster per environment.
type Cluster struct {
	Name        string `json:"name"`
	Environment string `json:"environment,omitempty"`
	Context     string `json:"context"`
	Namespace   string `json:"namespace,omitempty"`
}

// Vault is where secrets come from.
type Vault struct {
	Address    string `json:"address"`
	AuthMethod string `json:"authMethod,omitempty"`
	KVMount    string `json:"kvMount,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
}

// Costs holds the rates used for cost visibility.
type Costs struct {
	Currency string `json:"currency,omitempty"`
	Rates    struct {
		CPUCoreHour     float64 `json:"cpuCoreHour,omitempty"`
		MemoryGiBHour   float64 `json:"memoryGiBHour,omitempty"`
		StorageGiBMonth float64 `json:"storageGiBMonth,omitempty"`
	} `json:"rates"`
}

// Info summarises the current platform for people.
type Info struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Origin is demo, path or git.
	Origin string `json:"origin"`
	// Location is the directory or URL ("" for the demo).
	Location string `json:"location,omitempty"`
	Ref      string `json:"ref,omitempty"`
	Commit   string `json:"commit,omitempty"`
}

// Platform is the loaded current platform.
type Platform struct {
	Info   Info
	Config Config
	// FS is the platform repository's content (platform.yaml at its root).
	FS fs.FS
}

// choice is what is remembered about the platform in use.
type choice struct {
	Origin   string `json:"origin"`
	Location string `json:"location"`
	Ref      string `json:"ref,omitempty"`
	Commit   string `json:"commit,omitempty"`
	// dir, when set, is a fresh clone being validated by Use before it
	// replaces the one in use; it is never saved.
	dir string
}

const settingKey = "platform"

// Service manages the platform in use.
type Service struct {
	st       *store.Store
	audit    *audit.Log
	cacheDir string
	demo     fs.FS
	schema   *schemacheck.Schema
}

// New returns the platform service. demo is the embedded demo platform.
func New(st *store.Store, log *audit.Log, cacheDir string, demo fs.FS) (*Service, error) {
	sc, err := schemacheck.Compile("platform.schema.json", schemaJSON)
	if err != nil {
		return nil, err
	}
	return &Service{st: st, audit: log, cacheDir: cacheDir, demo: demo, schema: sc}, nil
}

// Parse validates and decodes a platform.yaml; file names it in errors.
func (s *Service) Parse(file string, data []byte) (Config, error) {
	var c Config
	if err := s.schema.Decode(file, data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Current loads the platform in use (the demo when none was chosen).
func (s *Service) Current(ctx context.Context) (*Platform, error) {
	ch, err := s.choice(ctx)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, ch)
}

func (s *Service) choice(ctx context.Context) (choice, error) {
	var raw string
	err := s.st.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return choice{Origin: OriginDemo}, nil
	}
	if err != nil {
		return choice{}, fmt.Errorf("read platform setting: %w", err)
	}
	var ch choice
	if err := json.Unmarshal([]byte(raw), &ch); err != nil {
		return choice{}, fmt.Errorf("platform setting is corrupt (%v): run `paved platform use <repository>` again", err)
	}
	return ch, nil
}

func (s *Service) load(ctx context.Context, ch choice) (*Platform, error) {
	var fsys fs.FS
	label := FileName
	switch ch.Origin {
	case OriginDemo:
		fsys, label = s.demo, "demo "+FileName
	case OriginPath:
		fsys, label = os.DirFS(ch.Location), filepath.Join(ch.Location, FileName)
	case OriginGit:
		repo, h, err := s.openClone(ctx, ch, false)
		if err != nil {
			return nil, err
		}
		t, err := repo.Snapshot(h)
		if err != nil {
			return nil, err
		}
		fsys, label = t, gitrepo.Redact(ch.Location)+"@"+h.String()[:12]+":"+FileName
		ch.Commit = h.String()
	default:
		return nil, fmt.Errorf("unknown platform origin %q: run `paved platform use <repository>` again", ch.Origin)
	}
	data, err := readFile(fsys, FileName, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", label, err)
	}
	cfg, err := s.Parse(label, data)
	if err != nil {
		return nil, err
	}
	info := Info{Name: cfg.Metadata.Name, Title: cfg.Metadata.Title, Description: cfg.Metadata.Description,
		Origin: ch.Origin, Location: ch.Location, Ref: ch.Ref, Commit: ch.Commit}
	if info.Title == "" {
		info.Title = info.Name
	}
	return &Platform{Info: info, Config: cfg, FS: fsys}, nil
}

func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no %s at the repository root: a platform repository needs one", name)
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > limit {
		return nil, fmt.Errorf("%s must be a regular file of at most %d bytes", name, limit)
	}
	return fs.ReadFile(fsys, name)
}

func (s *Service) cloneDir() string { return filepath.Join(s.cacheDir, "platform.git") }

// cloneDirOf is where ch's repository is read from.
func (s *Service) cloneDirOf(ch choice) string {
	if ch.dir != "" {
		return ch.dir
	}
	return s.cloneDir()
}

// openClone opens (fetching when fetch is set, or cloning when missing) the
// platform repository and returns the commit to read.
func (s *Service) openClone(ctx context.Context, ch choice, fetch bool) (*gitrepo.Repo, plumbing.Hash, error) {
	if !fetch && ch.Commit != "" {
		repo, err := gitrepo.Open(s.cloneDirOf(ch), ch.Location)
		if err == nil {
			return repo, plumbing.NewHash(ch.Commit), nil
		}
	}
	repo, h, err := gitrepo.Update(ctx, s.cloneDirOf(ch), ch.Location, ch.Ref)
	var stale *gitrepo.StaleError
	if errors.As(err, &stale) && !fetch {
		err = nil
	}
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("platform repository: %w", err)
	}
	return repo, h, nil
}

// Use switches to the platform at target: a local directory or a git URL
// (ref selects a branch or tag). "demo" returns to the embedded demo.
func (s *Service) Use(ctx context.Context, target, ref string) (info Info, err error) {
	defer func() {
		if s.audit != nil {
			s.audit.Note(ctx, "platform.use", gitrepo.Redact(target), info.Name, err)
		}
	}()
	var ch choice
	switch {
	case target == OriginDemo:
		ch = choice{Origin: OriginDemo}
	case gitrepo.IsURL(target):
		if gitrepo.HasPassword(target) {
			return Info{}, fmt.Errorf("platform %s: the URL contains a password or token; remove it and use PAVED_GIT_TOKEN, a git credential helper or ssh-agent instead (Paved never stores credentials)", gitrepo.Redact(target))
		}
		ch = choice{Origin: OriginGit, Location: target, Ref: ref}
		// A different repository gets a fresh clone, made beside the clone
		// in use and swapped in only once it proves valid, so a bad
		// platform never replaces a good one.
		if old, _ := s.choice(ctx); old.Origin != OriginGit || old.Location != target || old.Ref != ref {
			ch.dir = s.cloneDir() + ".new"
			_ = os.RemoveAll(ch.dir)
			defer os.RemoveAll(ch.dir)
		}
		_, h, err := s.openClone(ctx, ch, true)
		if err != nil {
			return Info{}, err
		}
		ch.Commit = h.String()
	default:
		abs, err := filepath.Abs(target)
		if err != nil {
			return Info{}, err
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return Info{}, fmt.Errorf("platform %s: not a git URL nor an existing directory", target)
		}
		ch = choice{Origin: OriginPath, Location: abs}
	}
	p, err := s.load(ctx, ch)
	if err != nil {
		return Info{}, err
	}
	if _, err := s.CatalogLocations(p); err != nil {
		return Info{}, err
	}
	if ch.dir != "" {
		if err := os.RemoveAll(s.cloneDir()); err != nil {
			return Info{}, fmt.Errorf("replace the platform clone: %w", err)
		}
		if err := os.Rename(ch.dir, s.cloneDir()); err != nil {
			return Info{}, fmt.Errorf("replace the platform clone: %w", err)
		}
	}
	raw, _ := json.Marshal(ch)
	if _, err := s.st.W.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		settingKey, string(raw)); err != nil {
		return Info{}, fmt.Errorf("save platform setting: %w", err)
	}
	return p.Info, nil
}

// Refresh fetches a git platform's repository and moves to its newest
// commit. Other platforms need no refresh.
func (s *Service) Refresh(ctx context.Context) (Info, error) {
	ch, err := s.choice(ctx)
	if err != nil {
		return Info{}, err
	}
	if ch.Origin != OriginGit {
		p, err := s.load(ctx, ch)
		if err != nil {
			return Info{}, err
		}
		return p.Info, nil
	}
	_, h, err := s.openClone(ctx, ch, true)
	if err != nil {
		return Info{}, err
	}
	if h.String() != ch.Commit {
		next := ch
		next.Commit = h.String()
		p, err := s.load(ctx, next)
		if err != nil {
			return Info{}, fmt.Errorf("the platform repository's newest commit is not usable, keeping %s: %w", ch.Commit[:12], err)
		}
		raw, _ := json.Marshal(next)
		if _, err := s.st.W.ExecContext(ctx, `UPDATE settings SET value = ? WHERE key = ?`, string(raw), settingKey); err != nil {
			return Info{}, fmt.Errorf("save platform setting: %w", err)
		}
		return p.Info, nil
	}
	p, err := s.load(ctx, ch)
	if err != nil {
		return Info{}, err
	}
	return p.Info, nil
}

// CatalogLocation is a catalog location resolved against the platform.
type CatalogLocation struct {
	Name string
	// Kind is dir, git or embedded.
	Kind, Target, Ref, Subdir, Glob string
}

// EmbeddedDemo is the embedded source target name of the demo platform.
const EmbeddedDemo = "demo"

// CatalogLocations resolves the platform's catalog locations: relative
// targets point inside the platform repository and may not climb out of it.
func (s *Service) CatalogLocations(p *Platform) ([]CatalogLocation, error) {
	var out []CatalogLocation
	for i, l := range p.Config.Spec.Catalog.Locations {
		cl := CatalogLocation{Name: l.Name, Ref: l.Ref, Glob: l.Glob}
		switch {
		case gitrepo.IsURL(l.Target):
			cl.Kind, cl.Target = "git", l.Target
		case filepath.IsAbs(l.Target):
			cl.Kind, cl.Target = "dir", l.Target
		default:
			rel := path.Clean(filepath.ToSlash(l.Target))
			if rel == ".." || strings.HasPrefix(rel, "../") {
				return nil, fmt.Errorf("%s: spec.catalog.locations[%d].target %q leads outside the platform repository: use a path inside it, an absolute path or a git URL", FileName, i, l.Target)
			}
			if rel == "." {
				rel = ""
			}
			switch p.Info.Origin {
			case OriginDemo:
				cl.Kind, cl.Target, cl.Subdir = "embedded", EmbeddedDemo, rel
			case OriginPath:
				cl.Kind, cl.Target = "dir", filepath.Join(p.Info.Location, filepath.FromSlash(rel))
			case OriginGit:
				cl.Kind, cl.Target, cl.Subdir = "git", p.Info.Location, rel
				if cl.Ref == "" {
					cl.Ref = p.Info.Ref
				}
			}
		}
		out = append(out, cl)
	}
	return out, nil
}
