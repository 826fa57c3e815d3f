package goldenpath

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/goldenpath/render"
	"github.com/paved-dev/paved/internal/problem"
)

// registrar implements catalog:register: it reads the entity the tree
// describes at once and registers the final directory as a local catalog
// source once the directory is in place.
type registrar struct {
	s       *Service
	final   string
	pending []pendingReg
	done    []pendingReg
}

type pendingReg struct {
	path, ref, name, source string
}

func entityOf(tree *render.Tree, p string) (*model.Entity, error) {
	f := tree.Get(p)
	if f == nil {
		return nil, fmt.Errorf("catalog:register: the new repository has no %s", p)
	}
	docs, err := model.Decode(f.Data)
	if err != nil {
		// The catalog's own problems (file:line: field: message), as
		// `paved catalog status` would report the file.
		return nil, problem.Invalidf("catalog:register: "+p+" is not a valid descriptor", problem.ProblemsOf(err).In(p)...)
	}
	for _, d := range docs {
		if d.Entity != nil {
			return d.Entity, nil
		}
		if len(d.Problems) > 0 {
			return nil, problem.Invalidf("catalog:register: "+p+" is not a valid entity", problem.List(d.Problems).In(p)...)
		}
	}
	return nil, fmt.Errorf("catalog:register: %s describes no entity", p)
}

func (r *registrar) Predict(tree *render.Tree, p string) (string, error) {
	e, err := entityOf(tree, p)
	if err != nil {
		return "", err
	}
	return e.Ref().String(), nil
}

func (r *registrar) Register(_ context.Context, tree *render.Tree, p string) (string, error) {
	if r.s.o.Catalog == nil {
		return "", errors.New("catalog:register: no catalog in this build")
	}
	e, err := entityOf(tree, p)
	if err != nil {
		return "", err
	}
	ref := e.Ref().String()
	r.pending = append(r.pending, pendingReg{path: p, ref: ref, name: e.Metadata.Name})
	return ref, nil
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

// sourceName is "local-<name>", fitted to the catalog's source names.
func sourceName(name string, n int) string {
	base := "local-" + strings.Trim(nonName.ReplaceAllString(strings.ToLower(name), "-"), "-")
	suffix := ""
	if n > 1 {
		suffix = fmt.Sprintf("-%d", n)
	}
	if len(base)+len(suffix) > 63 {
		base = strings.TrimRight(base[:63-len(suffix)], "-")
	}
	return base + suffix
}

// commit registers and syncs every pending source.
func (r *registrar) commit(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	existing, err := r.s.o.Catalog.Sources(ctx)
	if err != nil {
		return err
	}
	taken := map[string]bool{}
	for _, src := range existing {
		taken[src.Name] = true
	}
	for _, p := range r.pending {
		name := ""
		for n := 1; n < 100; n++ {
			if c := sourceName(p.name, n); !taken[c] {
				name = c
				break
			}
		}
		taken[name] = true
		o := catalog.AddSourceOptions{Target: r.final, Name: name, Local: true}
		if p.path != "catalog-info.yaml" {
			o.Glob = p.path
		}
		src, err := r.s.o.Catalog.AddSource(ctx, o)
		if err != nil {
			return err
		}
		p.source = src.Name
		r.done = append(r.done, p)
		res, err := r.s.o.Catalog.Sync(ctx, catalog.SyncOptions{Source: src.Name}, nil)
		if err != nil {
			return err
		}
		if len(res) == 1 && res[0].Error != "" {
			return fmt.Errorf("catalog:register: %s", res[0].Error)
		}
	}
	return nil
}

// undo removes the sources commit added (a later failure).
func (r *registrar) undo(ctx context.Context) {
	for _, d := range r.done {
		_ = r.s.o.Catalog.RemoveSource(ctx, d.source)
	}
}
