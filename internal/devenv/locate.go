package devenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/devenv/plan"
	"github.com/paved-dev/paved/internal/devenv/spec"
	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/problem"
)

// Catalog annotations devenv reads.
const (
	// AnnotationWorkloadDir points at the directory holding a component's
	// score.yaml or compose.yaml: absolute, or relative to the directory of
	// the catalog file that declares it. Without it, that directory itself.
	AnnotationWorkloadDir = "paved.dev/workload-dir"
	// AnnotationImage runs a component from an image when it has no
	// workload spec (as a dependency: no resources, no build).
	AnnotationImage = "paved.dev/image"
	// AnnotationPorts lists the container ports of an image-only component
	// ("8080" or "8080,9090").
	AnnotationPorts = "paved.dev/ports"
)

// located is what a target names.
type located struct {
	// Name is the environment's name.
	Name string
	// Dir and Workload are set when the workload spec was found and read.
	Dir      string
	Workload *spec.Workload
	// Entity is the catalog component, when known.
	Entity string
	// Row is the stored environment, when it has run before.
	Row   envRow
	Known bool
}

// locate resolves a target: a directory, an environment name or a catalog
// entity. With needSpec the workload spec must load.
func (s *Service) locate(ctx context.Context, target string, needSpec bool) (*located, error) {
	if target == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		target = wd
	}
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		return s.locateDir(ctx, target, needSpec)
	}
	if looksLikePath(target) {
		return nil, problem.New(problem.NotFound, fmt.Sprintf("%s: no such directory", target))
	}
	if plan.CheckName("environment", target) == nil {
		if row, ok, err := s.getEnv(ctx, target); err != nil {
			return nil, err
		} else if ok {
			l := &located{Name: row.Name, Dir: row.Dir, Entity: row.Entity, Row: row, Known: true}
			if needSpec {
				if _, err := os.Stat(row.Dir); err != nil {
					return nil, fmt.Errorf("environment %s: its directory %s is gone: run `paved env down %s`", row.Name, row.Dir, row.Name)
				}
				w, err := spec.LoadDir(row.Dir)
				if err != nil {
					return nil, err
				}
				l.Workload = w
			}
			return l, nil
		}
		// Not remembered here, but Docker may still have it (another Paved
		// home, or a forgotten environment): its labels say where it is from.
		if !needSpec {
			if eng, err := s.engine(ctx); err == nil {
				if cs, err := eng.List(ctx, plan.LabelEnv+"="+target); err == nil && len(cs) > 0 {
					return &located{Name: target, Dir: cs[0].Labels[plan.LabelDir], Entity: cs[0].Labels[plan.LabelComponent]}, nil
				}
			}
		}
	}
	if s.catalog == nil {
		return nil, problem.New(problem.NotFound, fmt.Sprintf("%q is not a directory nor an environment (see `paved env ls`)", target))
	}
	// A target that is neither a directory nor an environment is an
	// entity: a first run must read the catalog before looking it up, from
	// the CLI and the window alike.
	if err := s.catalog.EnsureSynced(ctx, nil); err != nil {
		return nil, fmt.Errorf("read the catalog to find %s: %w", target, err)
	}
	info, err := s.workloadOf(ctx, target)
	if err != nil {
		var nf *catalog.NotFoundError
		if errors.As(err, &nf) {
			return nil, problem.New(problem.NotFound, fmt.Sprintf("%q is not a directory, an environment (see `paved env ls`) nor a catalog entity (see `paved catalog search %s`)", target, target))
		}
		return nil, err
	}
	if !info.CanRun || info.Dir == "" {
		return nil, fmt.Errorf("%s cannot run locally: %s", info.Ref, info.Reason)
	}
	l, err := s.locateDir(ctx, info.Dir, needSpec)
	if err != nil {
		return nil, err
	}
	l.Entity = info.Ref
	return l, nil
}

// entityRefRE matches a catalog reference with a kind ("component:default/x"),
// which contains a slash but is not a path.
var entityRefRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]+:[^\\/]`)

func looksLikePath(t string) bool {
	if entityRefRE.MatchString(t) {
		return false
	}
	return strings.ContainsAny(t, `/\`) || strings.HasPrefix(t, ".") || strings.HasPrefix(t, "~")
}

func (s *Service) locateDir(ctx context.Context, dir string, needSpec bool) (*located, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	w, err := spec.LoadDir(abs)
	if err != nil {
		if needSpec {
			return nil, err
		}
		// down and ps still work from the directory of a broken spec.
		if row, ok, rerr := s.envByDir(ctx, abs); rerr == nil && ok {
			return &located{Name: row.Name, Dir: abs, Entity: row.Entity, Row: row, Known: true}, nil
		}
		return nil, err
	}
	name := plan.Sanitize(w.Name)
	if name == "" {
		return nil, fmt.Errorf("%s: the workload's name %q cannot name an environment: use letters, digits and dashes", w.File, w.Name)
	}
	l := &located{Name: name, Dir: abs, Workload: w}
	row, ok, err := s.getEnv(ctx, name)
	if err != nil {
		return nil, err
	}
	if ok {
		l.Row, l.Known, l.Entity = row, true, row.Entity
		if row.Dir != abs {
			if _, serr := os.Stat(row.Dir); serr == nil {
				if _, ferr := spec.LoadDir(row.Dir); ferr == nil && needSpec {
					return nil, fmt.Errorf("environment %s already belongs to %s: run `paved env down %s --volumes` there first, or rename the workload in %s", name, row.Dir, name, w.File)
				}
			}
		}
	}
	if l.Entity == "" {
		l.Entity = s.entityOfDir(ctx, abs, w.Name)
	}
	return l, nil
}

// entityOfDir finds the catalog component of a directory: the Component in
// its catalog-info.yaml, else one named like the workload. "" when unknown.
func (s *Service) entityOfDir(ctx context.Context, dir, workload string) string {
	if s.catalog == nil {
		return ""
	}
	name := workload
	if data, err := os.ReadFile(filepath.Join(dir, "catalog-info.yaml")); err == nil && len(data) < 1<<20 {
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		for {
			var doc struct {
				Kind     string `yaml:"kind"`
				Metadata struct {
					Name      string `yaml:"name"`
					Namespace string `yaml:"namespace"`
				} `yaml:"metadata"`
			}
			if dec.Decode(&doc) != nil {
				break
			}
			if strings.EqualFold(doc.Kind, "Component") && doc.Metadata.Name != "" {
				ns := doc.Metadata.Namespace
				if ns == "" {
					ns = model.DefaultNamespace
				}
				name = ns + "/" + doc.Metadata.Name
				break
			}
		}
	}
	sum, err := s.catalog.Resolve(ctx, "component:"+name)
	if err != nil {
		return ""
	}
	return sum.Ref
}

// workloadOf finds a catalog entity's workload spec or image.
func (s *Service) workloadOf(ctx context.Context, ref string) (RunInfo, error) {
	d, err := s.catalog.Entity(ctx, ref)
	if err != nil {
		return RunInfo{}, err
	}
	info := RunInfo{Ref: d.Ref}
	if !strings.EqualFold(d.Kind, "component") {
		info.Reason = "only components run locally; this is a " + d.Kind
		return info, nil
	}
	base := s.sourceDir(ctx, d.SourceFile)
	dir := ""
	if ann := strings.TrimSpace(d.Annotations[AnnotationWorkloadDir]); ann != "" {
		switch {
		case filepath.IsAbs(ann):
			dir = ann
		case base != "":
			dir = filepath.Join(base, filepath.FromSlash(ann))
		}
	} else {
		dir = base
	}
	info.Image = strings.TrimSpace(d.Annotations[AnnotationImage])
	if dir != "" {
		if file, _, err := spec.Find(dir); err == nil {
			info.CanRun, info.Dir, info.Spec, info.Image = true, dir, file, ""
			return info, nil
		}
	}
	if info.Image != "" {
		info.CanRun = true
		info.Reason = "runs from its image as a dependency; it has no workload spec of its own to start an environment from"
		return info, nil
	}
	switch {
	case dir == "" && base == "":
		info.Reason = fmt.Sprintf("its catalog source is not a directory on this machine; add a %s annotation with an absolute path, or %s", AnnotationWorkloadDir, AnnotationImage)
	default:
		info.Reason = fmt.Sprintf("no score.yaml or compose.yaml in %s (set the %s annotation to the directory that has one)", dir, AnnotationWorkloadDir)
	}
	return info, nil
}

// sourceDir is the directory on this machine of the catalog file sf, or "".
func (s *Service) sourceDir(ctx context.Context, sf catalog.SourceLocation) string {
	sts, err := s.catalog.Status(ctx)
	if err != nil {
		return ""
	}
	for _, st := range sts {
		if st.Name != sf.Source {
			continue
		}
		root := ""
		switch st.Kind {
		case catalog.KindDir:
			root = st.Target
		case catalog.KindGit:
			if p, ok := gitrepo.LocalPath(st.Target); ok {
				root = p
			}
		}
		if root == "" {
			return ""
		}
		return filepath.Join(root, filepath.FromSlash(st.Subdir), filepath.FromSlash(path.Dir(sf.Path)))
	}
	return ""
}

// CanRun says whether a catalog component can run locally, and the state of
// its environment.
func (s *Service) CanRun(ctx context.Context, ref string) (RunInfo, error) {
	if s.catalog == nil {
		return RunInfo{}, errors.New("no catalog")
	}
	info, err := s.workloadOf(ctx, ref)
	if err != nil || !info.CanRun || info.Dir == "" {
		return info, err
	}
	l, err := s.locateDir(ctx, info.Dir, false)
	if err != nil {
		info.CanRun, info.Reason = false, err.Error()
		return info, nil
	}
	info.Environment, info.State = l.Name, StateStopped
	if eng, err := s.engine(ctx); err == nil {
		if cs, err := eng.List(ctx, plan.LabelEnv+"="+l.Name); err == nil {
			info.State = summarize(cs)
		}
	}
	return info, nil
}
