package catalog

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/paved-dev/paved/internal/catalog/model"
	"github.com/paved-dev/paved/internal/problem"
)

// AmbiguousError reports a short reference that matches several entities.
type AmbiguousError struct {
	Ref        string
	Candidates []string
}

// ProblemKind classifies the error: the reference given is not precise
// enough, which the user must fix.
func (e *AmbiguousError) ProblemKind() problem.Kind { return problem.Invalid }

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches %d entities (%s): use the full reference, e.g. %s",
		e.Ref, len(e.Candidates), strings.Join(e.Candidates, ", "), e.Candidates[0])
}

// Resolve finds the one entity a reference names. References may be short:
// "payments-api" (any kind and namespace), "group:team-a" (any namespace),
// or full: "component:default/payments-api". Matching ignores case.
func (s *Service) Resolve(ctx context.Context, ref string) (EntitySummary, error) {
	_, sum, err := s.resolve(ctx, ref)
	return sum, err
}

func (s *Service) resolve(ctx context.Context, ref string) (int64, EntitySummary, error) {
	in := strings.TrimSpace(ref)
	if in == "" {
		return 0, EntitySummary{}, errors.New("entity reference is empty: give a name such as payments-api or component:default/payments-api")
	}
	kind, rest, hasKind := strings.Cut(in, ":")
	if !hasKind {
		kind, rest = "", in
	}
	ns, name, hasNS := strings.Cut(rest, "/")
	if !hasNS {
		ns, name = "", rest
	}
	conds := []string{"e.winner = 1", "e.name = ?"}
	args := []any{name}
	if kind != "" {
		conds = append(conds, "e.kind = ?")
		args = append(args, kind)
	}
	if ns != "" {
		conds = append(conds, "e.namespace = ?")
		args = append(args, ns)
	}
	rows, err := s.st.R.QueryContext(ctx, `SELECT `+summaryCols+`, e.id FROM catalog_entities e WHERE `+strings.Join(conds, " AND ")+` ORDER BY e.kind, e.namespace LIMIT 20`, args...)
	if err != nil {
		return 0, EntitySummary{}, fmt.Errorf("resolve %q: %w", ref, err)
	}
	defer rows.Close()
	var found []EntitySummary
	var ids []int64
	for rows.Next() {
		var id int64
		sm, err := scanSummary(rows, &id)
		if err != nil {
			return 0, EntitySummary{}, fmt.Errorf("resolve %q: %w", ref, err)
		}
		found = append(found, sm)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return 0, EntitySummary{}, fmt.Errorf("resolve %q: %w", ref, err)
	}
	switch len(found) {
	case 0:
		sugg, err := s.suggest(ctx, kind, name)
		if err != nil {
			return 0, EntitySummary{}, fmt.Errorf("resolve %q: %w", ref, err)
		}
		return 0, EntitySummary{}, &NotFoundError{Ref: in, Suggestions: sugg}
	case 1:
		return ids[0], found[0], nil
	}
	// A namespace-less short ref prefers the default namespace when that alone is unambiguous.
	if ns == "" {
		var def []int
		for i, f := range found {
			if f.Namespace == model.DefaultNamespace {
				def = append(def, i)
			}
		}
		if len(def) == 1 && kind != "" {
			return ids[def[0]], found[def[0]], nil
		}
	}
	cands := make([]string, len(found))
	for i, f := range found {
		cands[i] = f.Ref
	}
	return 0, EntitySummary{}, &AmbiguousError{Ref: ref, Candidates: cands}
}

// Entity returns everything known about the entity ref names.
func (s *Service) Entity(ctx context.Context, ref string) (EntityDetail, error) {
	id, sum, err := s.resolve(ctx, ref)
	if err != nil {
		return EntityDetail{}, err
	}
	d := EntityDetail{EntitySummary: sum, Links: []Link{}, Annotations: map[string]string{}, Labels: map[string]string{}}
	var body, key string
	err = s.st.R.QueryRowContext(ctx, `SELECT e.ref, d.body, d.raw, e.source, e.path, e.line
		FROM catalog_entities e JOIN catalog_documents d ON d.id = e.id WHERE e.id = ?`, id).
		Scan(&key, &body, &d.RawYAML, &d.SourceFile.Source, &d.SourceFile.Path, &d.SourceFile.Line)
	if err != nil {
		return EntityDetail{}, fmt.Errorf("read entity %s: %w", sum.Ref, err)
	}
	if err := json.Unmarshal([]byte(body), &d.Entity); err != nil {
		return EntityDetail{}, fmt.Errorf("decode entity %s: %w", sum.Ref, err)
	}
	if meta, ok := d.Entity["metadata"].(map[string]any); ok {
		if b, err := json.Marshal(meta["links"]); err == nil {
			_ = json.Unmarshal(b, &d.Links)
		}
		for k, v := range asMap(meta["annotations"]) {
			d.Annotations[k] = fmt.Sprint(v)
		}
		for k, v := range asMap(meta["labels"]) {
			d.Labels[k] = fmt.Sprint(v)
		}
	}
	if d.Links == nil {
		d.Links = []Link{}
	}
	d.Relations, err = s.relations(ctx, key)
	if err != nil {
		return EntityDetail{}, err
	}
	return d, nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// relations lists an entity's relations in both directions: those it
// declares and the inverse of those declared about it.
func (s *Service) relations(ctx context.Context, key string) ([]RelationView, error) {
	rows, err := s.st.R.QueryContext(ctx, `
		SELECT type, dst, dst_ref, 0 FROM catalog_relations WHERE src = ?
		UNION
		SELECT type, src, src, 1 FROM catalog_relations WHERE dst = ?`, key, key)
	if err != nil {
		return nil, fmt.Errorf("read relations of %s: %w", key, err)
	}
	type rel struct{ typ, key, display string }
	seen := map[rel]bool{}
	var rels []rel
	for rows.Next() {
		var typ, k, display string
		var inverse bool
		if err := rows.Scan(&typ, &k, &display, &inverse); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read relations of %s: %w", key, err)
		}
		if inverse {
			typ = model.Inverse(typ)
		}
		r := rel{typ, k, display}
		if seen[rel{typ, k, ""}] {
			continue
		}
		seen[rel{typ, k, ""}] = true
		rels = append(rels, r)
	}
	rows.Close()
	keys := make([]string, 0, len(rels))
	for _, r := range rels {
		keys = append(keys, r.key)
	}
	sums, err := s.summaries(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]RelationView, 0, len(rels))
	for _, r := range rels {
		v := RelationView{Type: r.typ, TargetRef: r.display}
		if sm, ok := sums[r.key]; ok {
			sm := sm
			v.Target, v.TargetRef = &sm, sm.Ref
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b RelationView) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.TargetRef, b.TargetRef))
	})
	return out, nil
}

// summaries looks up the winners for lower-cased refs.
func (s *Service) summaries(ctx context.Context, keys []string) (map[string]EntitySummary, error) {
	out := map[string]EntitySummary{}
	if len(keys) == 0 {
		return out, nil
	}
	js, _ := json.Marshal(keys)
	rows, err := s.st.R.QueryContext(ctx, `SELECT `+summaryCols+`, e.ref FROM catalog_entities e
		WHERE e.winner = 1 AND e.ref IN (SELECT value FROM json_each(?))`, string(js))
	if err != nil {
		return nil, fmt.Errorf("look up entities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		sm, err := scanSummary(rows, &key)
		if err != nil {
			return nil, fmt.Errorf("look up entities: %w", err)
		}
		out[key] = sm
	}
	return out, rows.Err()
}

// maxSuggestions is how many close matches a NotFoundError names.
const maxSuggestions = 3

// suggest finds the entities whose names are closest to name (a typo away,
// or containing it), those of kind first: the full references of at most
// maxSuggestions, best first. It reads names only, one row at a time.
func (s *Service) suggest(ctx context.Context, kind, name string) ([]string, error) {
	want := strings.ToLower(name)
	budget := max(1, min(3, utf8.RuneCountInString(want)/3))
	rows, err := s.st.R.QueryContext(ctx, `SELECT display_ref, kind, name FROM catalog_entities WHERE winner = 1`)
	if err != nil {
		return nil, fmt.Errorf("look for close matches: %w", err)
	}
	defer rows.Close()
	type match struct {
		ref   string
		score int // lower is closer
	}
	var best []match
	for rows.Next() {
		var ref, k, n string
		if err := rows.Scan(&ref, &k, &n); err != nil {
			return nil, fmt.Errorf("look for close matches: %w", err)
		}
		n = strings.ToLower(n)
		d, ok := editDistance(want, n, budget)
		switch {
		case ok:
		case len(want) >= 3 && strings.Contains(n, want):
			d = budget + 1 // "pay" for payments-api: a match, after the typos
		default:
			continue
		}
		score := 2 * d
		if kind != "" && !strings.EqualFold(kind, k) {
			score++
		}
		best = append(best, match{ref, score})
		slices.SortFunc(best, func(a, b match) int { return cmp.Or(cmp.Compare(a.score, b.score), strings.Compare(a.ref, b.ref)) })
		if len(best) > maxSuggestions {
			best = best[:maxSuggestions]
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look for close matches: %w", err)
	}
	out := make([]string, len(best))
	for i, m := range best {
		out[i] = m.ref
	}
	return out, nil
}

// editDistance is the Levenshtein distance between a and b (by rune) when it
// is at most limit; ok is false when it is larger. It gives up as soon as
// the limit cannot be met, so most names cost a few comparisons.
func editDistance(a, b string, limit int) (d int, ok bool) {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit {
		return 0, false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return 0, false
		}
		prev, cur = cur, prev
	}
	if prev[len(rb)] > limit {
		return 0, false
	}
	return prev[len(rb)], true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
