package model

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/schemacheck"
)

// Limits that keep decoding an untrusted descriptor file bounded in time and
// memory. Exceeding any of them rejects the whole file (see Decode).
const (
	// MaxDescriptorBytes is the largest descriptor file Decode accepts.
	MaxDescriptorBytes = 1 << 20
	// MaxDepth is the deepest nesting of mappings and lists Decode accepts.
	MaxDepth = 100
	// MaxNodes is the most YAML values (after alias expansion) one file
	// may decode to; typical descriptor files have a few hundred.
	MaxNodes = 250_000
	// MaxAliasExpansion is how many values alias expansion may add to a
	// document beyond the number of values written out directly in it.
	// Legitimate anchors reuse small blocks a few times; alias bombs
	// ("billion laughs") blow through this at once.
	MaxAliasExpansion = 10_000
)

// MaxProblems is the most problems reported for one document; one more
// problem then says that there were more. It keeps a hostile document with
// thousands of errors cheap to reject.
const MaxProblems = 20

// Decode parses a descriptor file that holds one or more YAML documents
// (separated by "---" lines) and validates every document as a catalog
// entity. Empty documents, such as the one before a leading "---" or after
// a trailing one, are skipped.
//
// Each returned Document carries either a valid Entity or the Problems that
// rejected it, so one bad document never hides the others. A file that
// cannot be read as YAML at all (too large, invalid UTF-8, syntax error,
// alias bomb, too deep, too many nodes) is rejected as a whole: the error
// is then a problem.List holding the one problem (its Line, Message and
// Fix; File is the caller's to fill in) and no documents are returned.
func Decode(data []byte) ([]Document, error) {
	if len(data) > MaxDescriptorBytes {
		return nil, rejectFile(fileProblem(0, fmt.Sprintf("file is %d bytes, more than the %d-byte (1 MiB) limit for descriptor files", len(data), MaxDescriptorBytes),
			"split it into several files and point a Location at them"))
	}
	skipped := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		data = data[3:]
		skipped = 3
	}
	if off := invalidUTF8(data); off >= 0 {
		return nil, rejectFile(fileProblem(1+bytes.Count(data[:off], []byte("\n")),
			fmt.Sprintf("invalid UTF-8 at byte offset %d; descriptor files must be UTF-8", off+skipped),
			"re-save the file with UTF-8 encoding"))
	}

	// One yaml.v3 decoder parses the whole stream (much cheaper than a
	// parser per document); splitDocuments finds where each document's text
	// starts so RawYAML can be sliced out without re-encoding anything.
	segs := splitDocuments(data)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	docs := make([]Document, 0, len(segs))
	conv := &converter{}
	seen := map[string]int{} // entity key -> line of the document defining it
	nextSeg := 0             // first segment not yet matched to a document
	for {
		var root yaml.Node
		if err := dec.Decode(&root); err != nil {
			if err == io.EOF {
				break
			}
			line := 0
			if nextSeg < len(segs) {
				line = segs[nextSeg].line
			}
			return nil, rejectFile(syntaxError(err, data, line))
		}
		if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
			continue // only comments or whitespace
		}
		content := root.Content[0]
		seg := segmentAt(segs, content.Line)
		nextSeg = seg + 1
		if content.Kind == yaml.ScalarNode && content.ShortTag() == "!!null" {
			continue // an empty document, e.g. after a trailing "---"
		}
		conv.startDocument(segs[seg].line)
		value, ferr := conv.convert(content, 0, false)
		if ferr != nil {
			return nil, rejectFile(ferr)
		}
		doc := Document{Index: len(docs), Line: content.Line}
		chk := &checker{root: content, line: doc.Line, problems: conv.problems}
		var ent *Entity
		if m, ok := value.(map[string]any); ok {
			if len(chk.problems) == 0 {
				// Structural problems (duplicate keys, bad aliases) come
				// first; validating the remains would only add noise.
				ent = chk.build(m)
			}
		} else {
			chk.add(fmt.Sprintf("the document is %s, but an entity must be a mapping; write it as key: value pairs starting with apiVersion, kind, metadata and spec", describe(value)))
		}
		if ent != nil {
			key := ent.Ref().Key()
			if first, dup := seen[key]; dup {
				chk.add(fmt.Sprintf("entity %s is already defined by the document at line %d of this file; remove one of them or give them different names", ent.Ref(), first), "metadata", "name")
				ent = nil
			} else {
				seen[key] = doc.Line
			}
		}
		if ent != nil {
			ent.RawYAML = segs[seg].text(data)
			ent.Line = doc.Line
			ent.placeholderLines = conv.placeholders
			doc.Entity = ent
		} else {
			doc.Problems = chk.problems
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence
// in data, or -1 if data is valid UTF-8.
func invalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// segmentAt returns the index of the segment holding line: the last one
// starting at or before it.
func segmentAt(segs []segment, line int) int {
	i := sort.Search(len(segs), func(i int) bool { return segs[i].line > line })
	return max(i-1, 0)
}

// rejectFile is the error Decode returns for a file it cannot read at all.
func rejectFile(p *problem.Problem) error { return problem.List{*p} }

// fileProblem is a problem that rejects the whole file.
func fileProblem(line int, msg, fix string) *problem.Problem {
	return &problem.Problem{Line: line, Message: msg, Fix: fix}
}

// syntaxError turns a yaml.v3 parse error of data into the problem that
// rejects the file, at the line to fix. docLine is the line of the document
// being parsed, used when the parser gives no line.
func syntaxError(err error, data []byte, docLine int) *problem.Problem {
	line, msg := schemacheck.SyntaxError(err, data)
	if line == 0 {
		// The parser gave no position (e.g. "exceeded max depth"): point at
		// the document.
		line = docLine
		msg += " (in the document starting here)"
	}
	return fileProblem(line, "YAML syntax error: "+msg, "fix the YAML (check indentation, quoting and that tabs are not used for indentation)")
}

// segment is the byte range of one YAML document in the file, as found by
// splitDocuments.
type segment struct {
	start, end int // byte range of the segment
	line       int // 1-based line of the segment's first byte
	body       int // byte offset where the document text starts (after a bare "---" line)
}

// text returns the document's YAML as written: the segment without the
// bare "---" line that introduced it.
func (s segment) text(data []byte) string {
	return string(data[s.body:s.end])
}

// splitDocuments cuts data into YAML documents at column-0 "---" (document
// start) and "..." (document end) marker lines, which YAML forbids inside
// content, so each document's own text and starting line are known exactly
// without re-encoding it. Comments, blank lines and directives before a
// document's "---" stay with that document. It returns at least one
// segment.
func splitDocuments(data []byte) []segment {
	var segs []segment
	cur := segment{start: 0, line: 1, body: 0}
	hasContent, hasMarker := false, false
	line := 1
	for off := 0; off < len(data); line++ {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		text := data[off:next]
		switch {
		case isMarker(text, "---"):
			if hasContent || hasMarker {
				cur.end = off
				segs = append(segs, cur)
				cur = segment{start: off, line: line}
			}
			hasMarker, hasContent = true, false
			cur.body = next
			if rest := bytes.TrimSpace(text[3:]); len(rest) > 0 && rest[0] != '#' {
				// Content on the marker line ("--- !tag" or "--- {...}").
				hasContent = true
				cur.body = off
			}
		case isMarker(text, "..."):
			cur.end = next
			segs = append(segs, cur)
			cur = segment{start: next, line: line + 1, body: next}
			hasContent, hasMarker = false, false
		default:
			if !hasContent && !isBlankOrComment(text) {
				hasContent = true
			}
		}
		off = next
	}
	cur.end = len(data)
	if cur.end > cur.start || len(segs) == 0 {
		segs = append(segs, cur)
	}
	return segs
}

// isMarker reports whether line is the document marker m ("---" or "...")
// at column 0, alone or followed by whitespace.
func isMarker(line []byte, m string) bool {
	if len(line) < 3 || string(line[:3]) != m {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r' || line[3] == '\n'
}

// isBlankOrComment reports whether line holds no YAML content: whitespace,
// a comment or a directive.
func isBlankOrComment(line []byte) bool {
	t := bytes.TrimSpace(line)
	return len(t) == 0 || t[0] == '#' || line[0] == '%'
}

// converter turns yaml.v3 nodes into plain Go values (map[string]any,
// []any, string, int, float64, bool, nil), expanding aliases and merge keys
// within the limits above, and records the problems and placeholders it
// meets. One converter serves a whole file so MaxNodes bounds the file.
type converter struct {
	docStart     int // first line of the current document's text
	nodes        int // values produced in the file so far
	direct       int // values of the current document written out directly
	aliased      int // values of the current document produced by aliases
	inMerge      int // >0 while converting a merge-key source
	active       []*yaml.Node
	path         []pathSeg
	problems     []problem.Problem
	placeholders map[string]int
}

// startDocument resets the per-document state.
func (c *converter) startDocument(docStart int) {
	c.docStart = docStart
	c.direct, c.aliased, c.inMerge = 0, 0, 0
	c.active = c.active[:0]
	c.path = c.path[:0]
	c.problems = nil
	c.placeholders = nil
}

func (c *converter) problem(line int, msg string) {
	if len(c.problems) > MaxProblems {
		return
	}
	c.problems = appendProblem(c.problems, problem.Problem{Line: line, Field: formatPath(c.path), Message: msg})
}

// appendProblem appends p unless the document already has MaxProblems, in
// which case it notes once that the rest are not shown.
func appendProblem(ps []problem.Problem, p problem.Problem) []problem.Problem {
	switch {
	case len(ps) < MaxProblems:
		return append(ps, p)
	case len(ps) == MaxProblems:
		return append(ps, problem.Problem{Line: p.Line, Message: fmt.Sprintf("more than %d problems in this document", MaxProblems), Fix: "fix the ones above and check again"})
	}
	return ps
}

// count accounts for one produced value and enforces MaxNodes and
// MaxAliasExpansion before the value is allocated.
func (c *converter) count(n *yaml.Node, viaAlias bool) *problem.Problem {
	c.nodes++
	if c.nodes > MaxNodes {
		return fileProblem(n.Line, fmt.Sprintf("the file decodes to more than %d YAML values", MaxNodes), "split it into several smaller files")
	}
	if !viaAlias {
		c.direct++
		return nil
	}
	c.aliased++
	if c.aliased > MaxAliasExpansion+c.direct {
		return fileProblem(n.Line, fmt.Sprintf("YAML aliases expand to more than %d values beyond the %d written out; this looks like an alias bomb (\"billion laughs\")", MaxAliasExpansion, c.direct),
			"remove the nested anchors and aliases and write the values out")
	}
	return nil
}

func (c *converter) convert(n *yaml.Node, depth int, viaAlias bool) (any, *problem.Problem) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.convert(n.Content[0], depth, viaAlias)
	case yaml.AliasNode:
		target := n.Alias
		if target == nil {
			c.problem(n.Line, fmt.Sprintf("alias *%s has no matching anchor; define &%s before using it", n.Value, n.Value))
			return nil, nil
		}
		if target.Line < c.docStart {
			c.problem(n.Line, fmt.Sprintf("alias *%s refers to an anchor in an earlier document; anchors only work within one document, so define &%s in this one", n.Value, n.Value))
			return nil, nil
		}
		for _, a := range c.active {
			if a == target {
				return nil, fileProblem(n.Line, fmt.Sprintf("alias *%s refers to a value that contains it", n.Value), "remove the recursive alias")
			}
		}
		c.active = append(c.active, target)
		v, err := c.convert(target, depth, true)
		c.active = c.active[:len(c.active)-1]
		return v, err
	case yaml.ScalarNode:
		if err := c.count(n, viaAlias); err != nil {
			return nil, err
		}
		return c.scalar(n), nil
	case yaml.SequenceNode:
		if depth >= MaxDepth {
			return nil, c.tooDeep(n)
		}
		if err := c.count(n, viaAlias); err != nil {
			return nil, err
		}
		list := make([]any, len(n.Content))
		for i, item := range n.Content {
			c.path = append(c.path, pathSeg{idx: i, isIdx: true})
			v, err := c.convert(item, depth+1, viaAlias)
			if err != nil {
				return nil, err
			}
			c.notePlaceholder(v, item.Line)
			c.path = c.path[:len(c.path)-1]
			list[i] = v
		}
		return list, nil
	case yaml.MappingNode:
		if depth >= MaxDepth {
			return nil, c.tooDeep(n)
		}
		if err := c.count(n, viaAlias); err != nil {
			return nil, err
		}
		return c.mapping(n, depth, viaAlias)
	}
	c.problem(n.Line, "unsupported YAML node; use mappings, lists and scalars only")
	return nil, nil
}

func (c *converter) tooDeep(n *yaml.Node) *problem.Problem {
	return fileProblem(n.Line, fmt.Sprintf("values are nested more than %d levels deep", MaxDepth), "flatten the structure")
}

func (c *converter) mapping(n *yaml.Node, depth int, viaAlias bool) (any, *problem.Problem) {
	m := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind == yaml.ScalarNode && kn.Tag == "!!merge" {
			merges = append(merges, vn)
			continue
		}
		kd := deref(kn)
		if kd == nil || kd.Kind != yaml.ScalarNode {
			c.problem(kn.Line, "a mapping key is a list or mapping; keys must be plain strings")
			continue
		}
		key := kd.Value
		if _, dup := m[key]; dup {
			c.path = append(c.path, pathSeg{key: key})
			c.problem(kn.Line, fmt.Sprintf("key %q appears more than once in this mapping; remove the duplicate", key))
			c.path = c.path[:len(c.path)-1]
			continue
		}
		c.path = append(c.path, pathSeg{key: key})
		v, err := c.convert(vn, depth+1, viaAlias)
		if err != nil {
			return nil, err
		}
		c.notePlaceholder(v, kn.Line)
		c.path = c.path[:len(c.path)-1]
		m[key] = v
	}
	for _, src := range merges {
		// Merge sources fill in keys the mapping does not set itself; with
		// a list of sources, earlier ones win (YAML merge-key semantics).
		c.inMerge++
		v, err := c.convert(src, depth, viaAlias)
		c.inMerge--
		if err != nil {
			return nil, err
		}
		var sources []any
		switch v := v.(type) {
		case map[string]any:
			sources = []any{v}
		case []any:
			sources = v
		}
		if sources == nil {
			c.problem(src.Line, "the merge key << must be given a mapping or a list of mappings")
			continue
		}
		for _, s := range sources {
			sm, ok := s.(map[string]any)
			if !ok {
				c.problem(src.Line, "the merge key << must be given a mapping or a list of mappings")
				continue
			}
			for k, val := range sm {
				if _, set := m[k]; !set {
					m[k] = val
				}
			}
		}
	}
	return m, nil
}

// notePlaceholder records the line of v, the value at the current path,
// when it is a $text/$json/$yaml placeholder. line is the line of the key
// (or list item) that holds it.
func (c *converter) notePlaceholder(v any, line int) {
	if c.inMerge > 0 || !isPlaceholderValue(v) {
		return
	}
	if c.placeholders == nil {
		c.placeholders = map[string]int{}
	}
	c.placeholders[formatPath(c.path)] = line
}

// scalar converts a scalar node the way a YAML 1.2 / JSON consumer (such as
// Backstage) sees it: timestamps stay strings, and values JSON cannot
// carry (infinities, NaN) stay as their text.
func (c *converter) scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!str", "!!timestamp", "!!binary":
		return n.Value
	case "!!null":
		return nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			c.problem(n.Line, fmt.Sprintf("cannot read %q as %s; quote it if it is meant as text", n.Value, strings.TrimPrefix(n.ShortTag(), "!!")))
			return nil
		}
		if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return n.Value
		}
		return v
	}
	// Custom tags ("!foo value"): keep the text.
	return n.Value
}

// deref follows alias nodes to the node they refer to.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// pathSeg is one step of a field path: a mapping key or a list index.
type pathSeg struct {
	key   string
	idx   int
	isIdx bool
}

// formatPath renders a field path: keys joined by '.', list indexes as
// [i], and keys that are not plain identifiers quoted in brackets, e.g.
// metadata.annotations["backstage.io/techdocs-ref"] or spec.dependsOn[1].
func formatPath(path []pathSeg) string {
	var b strings.Builder
	for _, s := range path {
		switch {
		case s.isIdx:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
		case isPlainKey(s.key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !isAlnum(c) && c != '_' && c != '-' && c != '$' {
			return false
		}
	}
	return true
}
