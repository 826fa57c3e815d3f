package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/paved-dev/paved/internal/catalog/model"
)

const summaryCols = `e.display_ref, e.kind, e.namespace, e.name, e.title, e.description, e.type, e.lifecycle, e.owner, e.system, e.tags, e.source, e.local`

func scanSummary(sc interface{ Scan(...any) error }, extra ...any) (EntitySummary, error) {
	var s EntitySummary
	var tags string
	dest := append([]any{&s.Ref, &s.Kind, &s.Namespace, &s.Name, &s.Title, &s.Description, &s.Type, &s.Lifecycle, &s.Owner, &s.System, &tags, &s.Source, &s.Local}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return s, err
	}
	_ = json.Unmarshal([]byte(tags), &s.Tags)
	if s.Tags == nil {
		s.Tags = []string{}
	}
	return s, nil
}

// facetColumns are the facet dimensions and the entity column each counts.
var facetColumns = []struct{ name, col string }{
	{"kind", "e.kind"}, {"type", "e.type"}, {"owner", "e.owner"},
	{"lifecycle", "e.lifecycle"}, {"system", "e.system"}, {"tag", "t.tag"},
}

// Search finds entities by free text (prefix matching, ranked) and filters.
func (s *Service) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	start := time.Now()
	q = liftFilters(q)
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Limit > 1000 {
		q.Limit = 1000
	}
	match := ftsQuery(q.Query)
	res := SearchResult{Items: []EntitySummary{}}

	conn, err := s.st.R.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	defer conn.Close()

	if match != "" {
		full := match
		if f := filterMatch(q); f != "" {
			full = "(" + match + ") AND " + f
		}
		err = s.textPage(ctx, conn, q, full, &res)
	} else {
		err = s.filteredPage(ctx, conn, q, &res)
	}
	if err != nil {
		return res, err
	}
	if q.Facets {
		switch {
		case match == "" && !q.hasFilters():
			res.Facets, err = s.allFacets(ctx, conn)
		case match != "":
			res.Facets, err = textFacets(ctx, conn, q, match)
		default:
			res.Facets = map[string][]FacetCount{}
			for _, fc := range facetColumns {
				if res.Facets[fc.name], err = facet(ctx, conn, q, fc.name, fc.col); err != nil {
					break
				}
			}
		}
		if err != nil {
			return res, err
		}
	}
	res.TookMs = ms(time.Since(start))
	return res, nil
}

func (q SearchQuery) hasFilters() bool {
	return len(q.Kinds)+len(q.Types)+len(q.Owners)+len(q.Lifecycles)+len(q.Systems)+len(q.Tags) > 0
}

// Each keystroke's work is bounded: a text query's matches are counted and
// ranked only up to these limits. A query that broad is typed on the way to
// a narrower one; its results come in catalog order until it narrows.
const (
	// rankLimit is how many text matches may be ranked (bm25 costs a
	// lookup per match).
	rankLimit = 500
	// scanLimit is how many text matches are examined to count a result;
	// beyond it Total is a lower bound and TotalCapped is set ("1,000+").
	scanLimit = 1000
)

// countRows counts the rows of a query, stopping at limit.
func countRows(ctx context.Context, conn *sql.Conn, query string, args []any, limit int) (int, error) {
	var n int
	err := conn.QueryRowContext(ctx, `SELECT count(*) FROM (`+query+` LIMIT ?)`, append(args, limit)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count matches: %w", err)
	}
	return n, nil
}

// textPage serves a text query, filters included: the search index counts,
// ranks and pages by itself, and only the page's entities are read.
func (s *Service) textPage(ctx context.Context, conn *sql.Conn, q SearchQuery, match string, res *SearchResult) error {
	n, err := countRows(ctx, conn, `SELECT 1 FROM catalog_fts WHERE catalog_fts MATCH ?`, []any{match}, scanLimit+1)
	if err != nil {
		return err
	}
	res.Total, res.TotalCapped = min(n, scanLimit), n > scanLimit
	order := " ORDER BY rank"
	if n > rankLimit {
		order = ""
	}
	rows, err := conn.QueryContext(ctx, `SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ?`+order+` LIMIT ? OFFSET ?`, match, q.Limit, q.Offset)
	if err != nil {
		return fmt.Errorf("search %q: %w", q.Query, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("search: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search %q: %w", q.Query, err)
	}
	if len(ids) > 0 {
		js, _ := json.Marshal(ids)
		srows, err := conn.QueryContext(ctx, `SELECT `+summaryCols+`, e.id FROM catalog_entities e WHERE e.id IN (SELECT value FROM json_each(?))`, string(js))
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		byID := make(map[int64]EntitySummary, len(ids))
		for srows.Next() {
			var id int64
			it, err := scanSummary(srows, &id)
			if err != nil {
				srows.Close()
				return fmt.Errorf("search: %w", err)
			}
			byID[id] = it
		}
		srows.Close()
		for _, id := range ids {
			if it, ok := byID[id]; ok {
				res.Items = append(res.Items, it)
			}
		}
	}
	return nil
}

// filteredPage serves browsing without text, filtered or not, from the
// entity table's indexes, in kind and name order.
func (s *Service) filteredPage(ctx context.Context, conn *sql.Conn, q SearchQuery, res *SearchResult) error {
	from, where, args := searchClauses(q, "")
	n, err := countRows(ctx, conn, `SELECT 1 FROM `+from+` WHERE `+where, args, scanLimit+1)
	if err != nil {
		return err
	}
	res.Total, res.TotalCapped = min(n, scanLimit), n > scanLimit
	rows, err := conn.QueryContext(ctx, `SELECT `+summaryCols+` FROM `+from+` WHERE `+where+
		` ORDER BY e.kind, e.name LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return fmt.Errorf("search %q: %w", q.Query, err)
	}
	for rows.Next() {
		it, err := scanSummary(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("search: %w", err)
		}
		res.Items = append(res.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}

// textFacets counts facets for a text query in one pass over its matches:
// for each dimension a match counts when it passes every filter but that
// dimension's own.
func textFacets(ctx context.Context, conn *sql.Conn, q SearchQuery, match string) (map[string][]FacetCount, error) {
	tags := map[int64][]string{}
	trows, err := conn.QueryContext(ctx, `SELECT t.entity_id, t.tag FROM catalog_fts JOIN catalog_tags t ON t.entity_id = catalog_fts.rowid WHERE catalog_fts MATCH ?`, match)
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	for trows.Next() {
		var id int64
		var tag string
		if err := trows.Scan(&id, &tag); err != nil {
			trows.Close()
			return nil, fmt.Errorf("facets: %w", err)
		}
		tags[id] = append(tags[id], tag)
	}
	trows.Close()
	rows, err := conn.QueryContext(ctx, `SELECT e.id, e.kind, e.type, e.owner, e.lifecycle, e.system
		FROM catalog_fts JOIN catalog_entities e ON e.id = catalog_fts.rowid WHERE catalog_fts MATCH ?`, match)
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	defer rows.Close()
	filters := [6]map[string]bool{
		lowerSet(q.Kinds), lowerSet(q.Types), lowerSet(normRefs(q.Owners, "group")),
		lowerSet(q.Lifecycles), lowerSet(normRefs(q.Systems, "system")), lowerSet(q.Tags),
	}
	counts := [6]map[string]int{{}, {}, {}, {}, {}, {}}
	display := map[string]string{}
	for rows.Next() {
		var id int64
		var v [5]string
		if err := rows.Scan(&id, &v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
			return nil, fmt.Errorf("facets: %w", err)
		}
		var pass [6]bool
		for d := 0; d < 5; d++ {
			pass[d] = filters[d] == nil || filters[d][strings.ToLower(v[d])]
		}
		pass[5] = filters[5] == nil
		for _, t := range tags[id] {
			if filters[5] != nil && filters[5][t] {
				pass[5] = true
			}
		}
		for d := 0; d < 6; d++ {
			others := true
			for o := 0; o < 6; o++ {
				if o != d && !pass[o] {
					others = false
					break
				}
			}
			if !others {
				continue
			}
			if d == 5 {
				for _, t := range tags[id] {
					counts[5][t]++
				}
				continue
			}
			if v[d] == "" {
				continue
			}
			k := strings.ToLower(v[d])
			if _, ok := display[k]; !ok {
				display[k] = v[d]
			}
			counts[d][k]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	out := map[string][]FacetCount{}
	for d, fc := range facetColumns {
		list := make([]FacetCount, 0, len(counts[d]))
		for k, n := range counts[d] {
			v := k
			if dv, ok := display[k]; ok {
				v = dv
			}
			list = append(list, FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(list, func(a, b FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		if len(list) > 50 {
			list = list[:50]
		}
		out[fc.name] = list
	}
	return out, nil
}

func lowerSet(vals []string) map[string]bool {
	if len(vals) == 0 {
		return nil
	}
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[strings.ToLower(v)] = true
	}
	return m
}

// allFacets counts facets over the whole catalog, which only changes with a
// sync: the result is kept until the catalog's generation moves.
func (s *Service) allFacets(ctx context.Context, conn *sql.Conn) (map[string][]FacetCount, error) {
	var gen string
	err := conn.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'catalog.generation'`).Scan(&gen)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("facets: %w", err)
	}
	s.facetMu.Lock()
	if s.facetGen == gen && s.facetAll != nil {
		f := s.facetAll
		s.facetMu.Unlock()
		return f, nil
	}
	s.facetMu.Unlock()
	out := map[string][]FacetCount{}
	for _, fc := range facetColumns {
		counts, err := facet(ctx, conn, SearchQuery{}, fc.name, fc.col)
		if err != nil {
			return nil, err
		}
		out[fc.name] = counts
	}
	s.facetMu.Lock()
	s.facetGen, s.facetAll = gen, out
	s.facetMu.Unlock()
	return out, nil
}

// facet counts matches per value of one dimension, applying every filter
// but that dimension's own (so a user can widen a selection).
func facet(ctx context.Context, conn *sql.Conn, q SearchQuery, name, col string) ([]FacetCount, error) {
	from, where, args := searchClauses(q, name)
	if name == "tag" {
		from += ` JOIN catalog_tags t ON t.entity_id = e.id`
	} else {
		where += ` AND ` + col + ` != ''`
	}
	rows, err := conn.QueryContext(ctx, `SELECT `+col+`, count(*) AS n FROM `+from+` WHERE `+where+
		` GROUP BY `+col+` ORDER BY n DESC, `+col+` LIMIT 50`, args...)
	if err != nil {
		return nil, fmt.Errorf("facet %s: %w", name, err)
	}
	defer rows.Close()
	out := []FacetCount{}
	for rows.Next() {
		var f FacetCount
		if err := rows.Scan(&f.Value, &f.Count); err != nil {
			return nil, fmt.Errorf("facet %s: %w", name, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// searchClauses builds FROM and WHERE for q's filters over the entity table
// (queries without text), leaving out the filter named skip.
func searchClauses(q SearchQuery, skip string) (from, where string, args []any) {
	from = `catalog_entities e`
	conds := []string{`e.winner = 1`}
	in := func(name, col string, vals []string) {
		if len(vals) == 0 || name == skip {
			return
		}
		conds = append(conds, col+` IN (`+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+`)`)
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("kind", "e.kind", q.Kinds)
	in("type", "e.type", q.Types)
	in("owner", "e.owner", normRefs(q.Owners, "group"))
	in("lifecycle", "e.lifecycle", q.Lifecycles)
	in("system", "e.system", normRefs(q.Systems, "system"))
	if len(q.Tags) > 0 && skip != "tag" {
		conds = append(conds, `e.id IN (SELECT entity_id FROM catalog_tags WHERE tag IN (`+strings.TrimSuffix(strings.Repeat("?,", len(q.Tags)), ",")+`))`)
		for _, t := range q.Tags {
			args = append(args, strings.ToLower(t))
		}
	}
	return from, strings.Join(conds, " AND "), args
}

// normRefs turns short owner/system names into full lower-cased refs.
func normRefs(vals []string, kind string) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		r, err := model.ParseRef(v, model.RefDefaults{Kind: kind, Namespace: model.DefaultNamespace})
		if err != nil {
			out = append(out, strings.ToLower(v))
			continue
		}
		out = append(out, r.Key())
	}
	return out
}

// liftFilters moves key:value words of the free text into filters.
func liftFilters(q SearchQuery) SearchQuery {
	filters := map[string]*[]string{
		"kind": &q.Kinds, "type": &q.Types, "owner": &q.Owners,
		"lifecycle": &q.Lifecycles, "system": &q.Systems, "tag": &q.Tags,
	}
	var rest []string
	for _, w := range strings.Fields(q.Query) {
		k, v, ok := strings.Cut(w, ":")
		if f, known := filters[strings.ToLower(k)]; ok && v != "" && known {
			*f = append(*f, v)
			continue
		}
		rest = append(rest, w)
	}
	q.Query = strings.Join(rest, " ")
	return q
}

// textColumns are the search index columns free text is matched against
// (not the facets column).
const textColumns = "{name title description tags owner type system links annotations}"

// ftsQuery turns free text into an FTS5 query: every word must match, each as
// a prefix. Punctuation separates words, so "payments-api" finds
// payments-api; quotes and FTS operators typed by users are taken literally.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return ""
	}
	parts := make([]string, 0, len(words))
	for _, w := range words {
		parts = append(parts, `"`+strings.ToLower(w)+`"*`)
	}
	return textColumns + " : (" + strings.Join(parts, " ") + ")"
}
