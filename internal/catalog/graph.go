package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/catalog/model"
)

// Graph directions.
const (
	Down = "down" // what the entity depends on
	Up   = "up"   // what depends on the entity
	Both = "both"
)

// dependency relations, declared from the dependent side. Following them
// forwards walks down; following their inverses walks up.
var downRelations = map[string]bool{
	model.RelDependsOn:     true,
	model.RelConsumesAPI:   true,
	model.RelAPIProvidedBy: true,
}

// GraphOptions selects a neighbourhood.
type GraphOptions struct {
	// Depth is how many hops to follow (0 = 2, at most 10).
	Depth int
	// Direction is down, up or both ("" = both).
	Direction string
}

// Graph returns the entities around ref along dependency relations
// (dependsOn, consumesApi and the API providers behind them).
func (s *Service) Graph(ctx context.Context, ref string, o GraphOptions) (Graph, error) {
	if o.Depth <= 0 {
		o.Depth = 2
	}
	if o.Depth > 10 {
		o.Depth = 10
	}
	switch o.Direction {
	case "":
		o.Direction = Both
	case Up, Down, Both:
	default:
		return Graph{}, fmt.Errorf("direction %q: use up, down or both", o.Direction)
	}
	_, root, err := s.resolve(ctx, ref)
	if err != nil {
		return Graph{}, err
	}
	rootKey := strings.ToLower(root.Ref)
	g := Graph{Root: root.Ref, Nodes: []GraphNode{}, Edges: []GraphEdge{}}
	depth := map[string]int{rootKey: 0}
	display := map[string]string{rootKey: root.Ref}
	type edge struct{ from, to, typ string }
	seenEdge := map[edge]bool{}
	// Walk each way from the root separately: what the root depends on is
	// followed further down only, what depends on it further up only, so
	// the graph never zigzags into siblings that share a dependency.
	var down, up []string
	if o.Direction != Up {
		down = []string{rootKey}
	}
	if o.Direction != Down {
		up = []string{rootKey}
	}
	for d := 1; d <= o.Depth && len(down)+len(up) > 0; d++ {
		inDown, inUp := setOf(down), setOf(up)
		js, _ := json.Marshal(append(append([]string{}, down...), up...))
		var nextDown, nextUp []string
		visit := func(k, disp string, next *[]string) {
			if _, ok := depth[k]; !ok {
				depth[k] = d
				display[k] = disp
				*next = append(*next, k)
			}
		}
		err := s.eachRelation(ctx, `
			SELECT src, type, dst, dst_ref FROM catalog_relations WHERE src IN (SELECT value FROM json_each(?1))
			UNION
			SELECT src, type, dst, dst_ref FROM catalog_relations WHERE dst IN (SELECT value FROM json_each(?1))`, string(js),
			func(src, typ, dst, dstRef string) {
				// Normalise to an edge from the dependent to its dependency.
				e, fromDisp, toDisp := edge{src, dst, typ}, src, dstRef
				if !downRelations[typ] {
					inv := model.Inverse(typ)
					if !downRelations[inv] {
						return
					}
					e, fromDisp, toDisp = edge{dst, src, inv}, dstRef, src
				}
				switch {
				case inDown[e.from]:
					visit(e.to, toDisp, &nextDown)
				case inUp[e.to]:
					visit(e.from, fromDisp, &nextUp)
				default:
					return
				}
				if !seenEdge[e] {
					seenEdge[e] = true
					g.Edges = append(g.Edges, GraphEdge{From: e.from, To: e.to, Type: e.typ})
				}
			})
		if err != nil {
			return Graph{}, err
		}
		down, up = nextDown, nextUp
	}
	keys := make([]string, 0, len(depth))
	for k := range depth {
		keys = append(keys, k)
	}
	sums, err := s.summaries(ctx, keys)
	if err != nil {
		return Graph{}, err
	}
	refOf := map[string]string{}
	for _, k := range keys {
		n := GraphNode{Depth: depth[k]}
		if sm, ok := sums[k]; ok {
			n.Ref, n.Kind, n.Name, n.Title = sm.Ref, sm.Kind, sm.Name, sm.Title
		} else {
			n.Ref, n.Missing = display[k], true
			if r, err := model.ParseRef(display[k], model.RefDefaults{Namespace: model.DefaultNamespace}); err == nil {
				n.Kind, n.Name = r.Kind, r.Name
			}
		}
		refOf[k] = n.Ref
		g.Nodes = append(g.Nodes, n)
	}
	// Keep only edges whose ends are both in the graph (the last level's
	// outgoing edges are cut at the depth limit).
	edges := g.Edges[:0]
	for _, e := range g.Edges {
		from, ok1 := refOf[e.From]
		to, ok2 := refOf[e.To]
		if ok1 && ok2 {
			edges = append(edges, GraphEdge{From: from, To: to, Type: e.Type})
		}
	}
	g.Edges = edges
	sort.Slice(g.Nodes, func(i, j int) bool {
		if g.Nodes[i].Depth != g.Nodes[j].Depth {
			return g.Nodes[i].Depth < g.Nodes[j].Depth
		}
		return g.Nodes[i].Ref < g.Nodes[j].Ref
	})
	sort.Slice(g.Edges, func(i, j int) bool {
		if g.Edges[i].From != g.Edges[j].From {
			return g.Edges[i].From < g.Edges[j].From
		}
		return g.Edges[i].To < g.Edges[j].To
	})
	return g, nil
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
