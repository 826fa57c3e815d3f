package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/paved-dev/paved/internal/catalog/model"
)

// bm25Weights rank matches in the name above the title, tags, owner, type
// and system, and those above the description, links and annotations.
const bm25Weights = `bm25(catalog_fts, 10.0, 6.0, 1.0, 3.0, 2.0, 2.0, 2.0, 0.5, 0.5)`

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

	from, where, args := searchClauses(q, match, "")
	order := "e.kind, e.name"
	if match != "" {
		order = bm25Weights + ", e.name"
	}
	rows, err := conn.QueryContext(ctx, `SELECT `+summaryCols+` FROM `+from+` WHERE `+where+
		` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return res, fmt.Errorf("search %q: %w", q.Query, err)
	}
	for rows.Next() {
		it, err := scanSummary(rows)
		if err != nil {
			rows.Close()
			return res, fmt.Errorf("search: %w", err)
		}
		res.Items = append(res.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	if q.Offset == 0 && len(res.Items) < q.Limit {
		res.Total = len(res.Items)
	} else if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+from+` WHERE `+where, args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("count matches: %w", err)
	}
	if q.Facets {
		res.Facets = map[string][]FacetCount{}
		for _, fc := range facetColumns {
			counts, err := facet(ctx, conn, q, match, fc.name, fc.col)
			if err != nil {
				return res, err
			}
			res.Facets[fc.name] = counts
		}
	}
	res.TookMs = ms(time.Since(start))
	return res, nil
}

// facet counts matches per value of one dimension, applying every filter
// but that dimension's own (so a user can widen a selection).
func facet(ctx context.Context, conn *sql.Conn, q SearchQuery, match, name, col string) ([]FacetCount, error) {
	from, where, args := searchClauses(q, match, name)
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

// searchClauses builds FROM and WHERE for q, leaving out the filter named skip.
func searchClauses(q SearchQuery, match, skip string) (from, where string, args []any) {
	from = `catalog_entities e`
	conds := []string{`e.winner = 1`}
	if match != "" {
		from = `catalog_fts JOIN catalog_entities e ON e.id = catalog_fts.rowid`
		conds = append(conds, `catalog_fts MATCH ?`)
		args = append(args, match)
	}
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
	var rest []string
	for _, w := range strings.Fields(q.Query) {
		k, v, ok := strings.Cut(w, ":")
		if ok && v != "" {
			switch strings.ToLower(k) {
			case "kind":
				q.Kinds = append(q.Kinds, v)
				continue
			case "type":
				q.Types = append(q.Types, v)
				continue
			case "owner":
				q.Owners = append(q.Owners, v)
				continue
			case "lifecycle":
				q.Lifecycles = append(q.Lifecycles, v)
				continue
			case "system":
				q.Systems = append(q.Systems, v)
				continue
			case "tag":
				q.Tags = append(q.Tags, v)
				continue
			}
		}
		rest = append(rest, w)
	}
	q.Query = strings.Join(rest, " ")
	return q
}

// ftsQuery turns free text into an FTS5 query: every word must match, each as
// a prefix. Punctuation separates words, so "payments-api" finds
// payments-api; quotes and FTS operators typed by users are taken literally.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	parts := make([]string, 0, len(words))
	for _, w := range words {
		parts = append(parts, `"`+strings.ToLower(w)+`"*`)
	}
	return strings.Join(parts, " ")
}
