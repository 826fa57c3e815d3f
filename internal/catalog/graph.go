package catalog

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/problem"
)

// DependencyRelations are the relation types Dependencies follows when
// DependencyOptions.Relations is nil, declared from the dependent side:
// dependsOn, consumesApi, and apiProvidedBy (an API depends on the
// components that provide it). Following them forwards walks down;
// following their inverses walks up.
func DependencyRelations() []string {
	return []string{model.RelDependsOn, model.RelConsumesAPI, model.RelAPIProvidedBy}
}

// Graph returns the entities around ref along dependency relations
// (dependsOn, consumesApi and the API providers behind them), as the graph
// view shows them: Depth 0 means 2, and at most 10 hops are followed.
func (s *Service) Graph(ctx context.Context, ref string, o GraphOptions) (Graph, error) {
	if o.Depth <= 0 {
		o.Depth = 2
	}
	return s.Dependencies(ctx, ref, DependencyOptions{Direction: o.Direction, Depth: min(o.Depth, 10)})
}

// Dependencies walks dependency relations from the entity ref names, level
// by level with one query for the relations of a whole level and one for
// the entities it reaches. Each way from the root is walked separately:
// what the root depends on is followed further down only, what depends on
// it further up only, so the walk never zigzags into siblings that share a
// dependency. Each entity is listed once, at its shortest distance.
func (s *Service) Dependencies(ctx context.Context, ref string, o DependencyOptions) (Graph, error) {
	switch o.Direction {
	case "":
		o.Direction = Both
	case Up, Down, Both:
	default:
		return Graph{}, problem.Invalidf(fmt.Sprintf("direction %q: use up, down or both", o.Direction))
	}
	if o.Depth < 0 {
		return Graph{}, problem.Invalidf(fmt.Sprintf("depth %d: give a number of hops (0 = as far as the relations go)", o.Depth))
	}
	if o.Relations == nil {
		o.Relations = DependencyRelations()
	}
	rels := map[string]bool{}
	for _, r := range o.Relations {
		rels[r] = true
	}
	kinds := map[string]bool{}
	for _, k := range o.Kinds {
		kinds[strings.ToLower(k)] = true
	}
	_, root, err := s.resolve(ctx, ref)
	if err != nil {
		return Graph{}, err
	}
	rootKey := strings.ToLower(root.Ref)
	w := &walk{
		depth:   map[string]int{rootKey: 0},
		display: map[string]string{rootKey: root.Ref},
		sums:    map[string]EntitySummary{rootKey: root},
		skipped: map[string]bool{},
		seen:    map[GraphEdge]bool{},
	}
	var down, up []string
	if o.Direction != Up {
		down = []string{rootKey}
	}
	if o.Direction != Down {
		up = []string{rootKey}
	}
	for d := 1; (o.Depth == 0 || d <= o.Depth) && len(down)+len(up) > 0; d++ {
		inDown, inUp := setOf(down), setOf(up)
		reached := map[string]*[]string{} // new key -> the frontier it joins
		var nextDown, nextUp []string
		err := s.eachRelation(ctx, `
			SELECT src, type, dst, dst_ref FROM catalog_relations WHERE src IN (SELECT value FROM json_each(?1))
			UNION
			SELECT src, type, dst, dst_ref FROM catalog_relations WHERE dst IN (SELECT value FROM json_each(?1))`, jsonString(slices.Concat(down, up)),
			func(src, typ, dst, dstRef string) {
				// Normalise to an edge from the dependent to its dependency.
				e, fromDisp, toDisp := GraphEdge{From: src, To: dst, Type: typ}, src, dstRef
				if !rels[typ] {
					inv := model.Inverse(typ)
					if !rels[inv] {
						return
					}
					e, fromDisp, toDisp = GraphEdge{From: dst, To: src, Type: inv}, dstRef, src
				}
				switch {
				case inDown[e.From]:
					w.reach(e.To, toDisp, &nextDown, reached)
				case inUp[e.To]:
					w.reach(e.From, fromDisp, &nextUp, reached)
				default:
					return
				}
				if !w.seen[e] {
					w.seen[e] = true
					w.edges = append(w.edges, e)
				}
			})
		if err != nil {
			return Graph{}, err
		}
		sums, err := s.summaries(ctx, slices.Collect(maps.Keys(reached)))
		if err != nil {
			return Graph{}, err
		}
		for _, k := range slices.Sorted(maps.Keys(reached)) {
			sm, found := sums[k]
			if found && len(kinds) > 0 && !kinds[strings.ToLower(sm.Kind)] {
				w.skipped[k] = true // neither listed nor walked through
				continue
			}
			if found {
				w.sums[k] = sm
			}
			w.depth[k] = d
			*reached[k] = append(*reached[k], k)
		}
		down, up = nextDown, nextUp
	}
	return w.graph(root.Ref), nil
}

// walk is the state of one Dependencies call. Keys are lower-cased refs.
type walk struct {
	depth   map[string]int           // listed entities and their distance
	display map[string]string        // each key as first written
	sums    map[string]EntitySummary // the listed entities that are in the catalog
	skipped map[string]bool          // reached but of a kind not asked for
	seen    map[GraphEdge]bool
	edges   []GraphEdge
}

// reach notes that key, written disp, was reached from a frontier that
// continues into next.
func (w *walk) reach(key, disp string, next *[]string, reached map[string]*[]string) {
	if _, listed := w.depth[key]; listed || w.skipped[key] {
		return
	}
	if _, ok := reached[key]; !ok {
		reached[key] = next
		w.display[key] = disp
	}
}

// graph builds the result: nodes by depth then ref, and the edges whose
// ends are both listed (the last level's outgoing edges are cut at the
// depth limit), by from then to.
func (w *walk) graph(root string) Graph {
	g := Graph{Root: root, Nodes: make([]GraphNode, 0, len(w.depth)), Edges: []GraphEdge{}}
	refOf := map[string]string{}
	for k, d := range w.depth {
		n := GraphNode{Depth: d}
		if sm, ok := w.sums[k]; ok {
			n.Ref, n.Kind, n.Name, n.Title = sm.Ref, sm.Kind, sm.Name, sm.Title
		} else {
			n.Ref, n.Missing = w.display[k], true
			if r, err := model.ParseRef(w.display[k], model.RefDefaults{Namespace: model.DefaultNamespace}); err == nil {
				n.Kind, n.Name = r.Kind, r.Name
			}
		}
		refOf[k] = n.Ref
		g.Nodes = append(g.Nodes, n)
	}
	for _, e := range w.edges {
		from, ok1 := refOf[e.From]
		to, ok2 := refOf[e.To]
		if ok1 && ok2 {
			g.Edges = append(g.Edges, GraphEdge{From: from, To: to, Type: e.Type})
		}
	}
	slices.SortFunc(g.Nodes, func(a, b GraphNode) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), strings.Compare(a.Ref, b.Ref))
	})
	slices.SortFunc(g.Edges, func(a, b GraphEdge) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To), strings.Compare(a.Type, b.Type))
	})
	return g
}

func (s *Service) eachRelation(ctx context.Context, q, arg string, fn func(src, typ, dst, dstRef string)) error {
	rows, err := s.st.R.QueryContext(ctx, q, arg)
	if err != nil {
		return fmt.Errorf("read relations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var src, typ, dst, dstRef string
		if err := rows.Scan(&src, &typ, &dst, &dstRef); err != nil {
			return fmt.Errorf("read relations: %w", err)
		}
		fn(src, typ, dst, dstRef)
	}
	return rows.Err()
}

// DOT renders a graph in Graphviz's dot language.
func (g Graph) DOT() string {
	var b strings.Builder
	b.WriteString("digraph catalog {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n")
	for _, n := range g.Nodes {
		attrs := fmt.Sprintf("label=%q", n.Kind+"\n"+n.Name)
		if n.Ref == g.Root {
			attrs += ", penwidth=2"
		}
		if n.Missing {
			attrs += ", style=\"rounded,dashed\""
		}
		fmt.Fprintf(&b, "  %q [%s];\n", n.Ref, attrs)
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", e.From, e.To, e.Type)
	}
	b.WriteString("}\n")
	return b.String()
}

func setOf(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}
