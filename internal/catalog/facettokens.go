package catalog

import (
	"hash/fnv"
	"strconv"
	"strings"
)

// Filter values are indexed as one opaque token each in the search index's
// facets column, so a text query with filters is answered by the index
// alone (doclist intersection) instead of a join per text match.

// Facet dimensions, one letter each in the token.
const (
	dimKind      = 'k'
	dimType      = 't'
	dimOwner     = 'o'
	dimLifecycle = 'l'
	dimSystem    = 's'
	dimTag       = 'g'
)

// facetToken is the token for value in dimension dim: "f", the dimension
// letter and a 64-bit hash of the lower-cased value in base 36 (letters and
// digits only, so the tokenizer keeps it whole).
func facetToken(dim byte, value string) string {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(value)))
	return "f" + string(dim) + strconv.FormatUint(h.Sum64(), 36)
}

// facetTokens lists the tokens of an indexed entity.
func (f indexFields) facetTokens() string {
	var b strings.Builder
	add := func(dim byte, v string) {
		if v != "" {
			b.WriteString(facetToken(dim, v))
			b.WriteByte(' ')
		}
	}
	add(dimKind, f.kind)
	add(dimType, f.typ)
	add(dimOwner, f.owner)
	add(dimLifecycle, f.lifecycle)
	add(dimSystem, f.system)
	for _, t := range f.tags {
		add(dimTag, t)
	}
	return b.String()
}

// filterMatch is the FTS5 expression for q's filters ("" when none): each
// filter's values are alternatives, filters must all hold.
func filterMatch(q SearchQuery) string {
	var parts []string
	add := func(dim byte, vals []string) {
		if len(vals) == 0 {
			return
		}
		toks := make([]string, len(vals))
		for i, v := range vals {
			toks[i] = facetToken(dim, v)
		}
		parts = append(parts, "facets : ("+strings.Join(toks, " OR ")+")")
	}
	add(dimKind, q.Kinds)
	add(dimType, q.Types)
	add(dimOwner, normRefs(q.Owners, "group"))
	add(dimLifecycle, q.Lifecycles)
	add(dimSystem, normRefs(q.Systems, "system"))
	add(dimTag, q.Tags)
	return strings.Join(parts, " AND ")
}
