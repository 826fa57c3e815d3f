package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"

	"github.com/paved-dev/paved/internal/catalog/model"
)

// environment is gonja's, behind the guards: bounded range(), Backstage's
// filters, every filter and string method size-checked, the guarded
// operators' functions, and Paved's control structures. It is built once
// and only read afterwards, so renders share it.
var environment = func() *exec.Environment {
	ctx := exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables)
	ctx.Set("range", boundedRange)
	// lipsum makes random text of any length: neither fits a template.
	ctx.Set("lipsum", func(*exec.VarArgs) *exec.Value {
		return exec.AsValue(errors.New("lipsum() is not available in templates"))
	})
	for name, fn := range guardFunctions {
		ctx.Set(name, fn)
	}
	filters := exec.NewFilterSet(map[string]exec.FilterFunction{})
	filters.Update(builtins.Filters)
	for name, f := range backstageFilters {
		if filters.Exists(name) {
			_ = filters.Replace(name, f)
		} else {
			_ = filters.Register(name, f)
		}
	}
	for _, name := range filterNames {
		if f, ok := filters.Get(name); ok {
			_ = filters.Replace(name, boundedFilter(name, f))
		}
	}
	methods := builtins.Methods
	methods.Str = boundedStrMethods(builtins.Methods.Str)
	return &exec.Environment{
		Context:           ctx,
		Filters:           filters,
		Tests:             builtins.Tests,
		ControlStructures: controlStructureSet(),
		Methods:           methods,
	}
}()

// boundedRange is range() limited to MaxRange items, which count as steps.
func boundedRange(e *exec.Evaluator, params *exec.VarArgs) ([]int, error) {
	start, stop, step := 0, 0, 1
	ints := make([]int, len(params.Args))
	for i, a := range params.Args {
		if !a.IsInteger() {
			return nil, errors.New("range() takes integers: [start, ]stop[, step]")
		}
		ints[i] = a.Integer()
	}
	switch len(ints) {
	case 1:
		stop = ints[0]
	case 2:
		start, stop = ints[0], ints[1]
	case 3:
		start, stop, step = ints[0], ints[1], ints[2]
	default:
		return nil, errors.New("range() takes [start, ]stop[, step]")
	}
	if step == 0 {
		return nil, errors.New("range(): step cannot be 0")
	}
	var out []int
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		if len(out) == MaxRange {
			return nil, fmt.Errorf("range() is limited to %d items in templates", MaxRange)
		}
		out = append(out, i)
	}
	if err := stateOf(e.Environment.Context).step(1 + len(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// filterNames are gonja's filters and Backstage's, all size-checked.
var filterNames = []string{"abs", "attr", "batch", "capitalize", "center", "default", "d", "dictsort", "e", "escape",
	"filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "join", "items", "last",
	"length", "count", "list", "lower", "map", "max", "min", "pprint", "random", "rejectattr", "reject", "replace",
	"reverse", "round", "safe", "selectattr", "select", "slice", "sort", "string", "striptags", "sum", "title",
	"tojson", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
	"parseRepoUrl", "projectSlug", "parseEntityRef", "pick", "dump"}

// boundedFilter checks a filter's input and arguments before it runs (the
// ones whose output grows with an argument check that argument) and its
// result after; its input's items count as steps.
func boundedFilter(name string, f exec.FilterFunction) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		if in.IsError() {
			return in
		}
		st := stateOf(e.Environment.Context)
		iv := in.Interface()
		work := items(iv)
		if s, ok := iv.(string); ok {
			work = len(s) / 4096
		}
		if err := st.step(1 + work); err != nil {
			return exec.AsValue(err)
		}
		if sizeOf(iv, MaxRenderedBytes) > MaxRenderedBytes {
			return exec.AsValue(st.failf("the value given to the filter %s is larger than %d MiB", name, MaxRenderedBytes>>20))
		}
		for _, a := range params.Args {
			if sizeOf(a.Interface(), MaxRenderedBytes) > MaxRenderedBytes {
				return exec.AsValue(st.failf("an argument of the filter %s is larger than %d MiB", name, MaxRenderedBytes>>20))
			}
		}
		if grow := filterGrowth(name, in, params); grow > MaxRenderedBytes {
			return exec.AsValue(st.failf("the filter %s would make a text larger than the %d MiB a rendered text may have", name, MaxRenderedBytes>>20))
		}
		out := f(e, in, params)
		if out != nil && out.IsString() && len(out.String()) > MaxRenderedBytes {
			return exec.AsValue(st.failf("the filter %s made a text larger than the %d MiB a rendered text may have", name, MaxRenderedBytes>>20))
		}
		return out
	}
}

// filterGrowth estimates the size of what a filter whose output grows with
// an argument would make (0 for the others).
func filterGrowth(name string, in *exec.Value, params *exec.VarArgs) int {
	arg := func(i int, kw string) *exec.Value {
		if v, ok := params.KwArgs[kw]; ok {
			return v
		}
		if i < len(params.Args) {
			return params.Args[i]
		}
		return nil
	}
	s := in.String
	switch name {
	case "center":
		if w := arg(0, "width"); w != nil && w.IsInteger() {
			return w.Integer()
		}
	case "indent":
		width := 4
		if w := arg(0, "width"); w != nil {
			switch {
			case w.IsInteger():
				width = w.Integer()
			case w.IsString():
				width = len(w.String())
			}
		}
		text := s()
		return len(text) + saturatingMul(max(width, 0), strings.Count(text, "\n")+1)
	case "format":
		return printfSize(s(), params.Args)
	case "replace":
		old, nw := arg(0, "old"), arg(1, "new")
		if old == nil || nw == nil {
			return 0
		}
		return replaceSize(s(), old.String(), nw.String())
	case "batch":
		if n := arg(0, "linecount"); n != nil && n.Integer() > MaxListItems {
			return MaxRenderedBytes + 1
		}
	case "slice":
		if n := arg(0, "slices"); n != nil && n.Integer() > MaxListItems {
			return MaxRenderedBytes + 1
		}
	case "join":
		d := ""
		if v := arg(0, "d"); v != nil {
			d = v.String()
		}
		return sizeOf(in.Interface(), MaxRenderedBytes) + saturatingMul(len(d), items(in.Interface()))
	case "truncate":
		if v := arg(0, "length"); v != nil && v.Integer() > MaxRenderedBytes {
			return v.Integer()
		}
	}
	return 0
}

// saturatingMul multiplies non-negative sizes without overflowing.
func saturatingMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > (MaxRenderedBytes+1)/b {
		return MaxRenderedBytes + 1
	}
	return a * b
}

// replaceSize is the size of strings.Replace(s, old, new, -1).
func replaceSize(s, old, nw string) int {
	n := utf8.RuneCountInString(s) + 1
	if old != "" {
		n = strings.Count(s, old)
	}
	if len(nw) <= len(old) {
		return len(s)
	}
	return len(s) + saturatingMul(n, len(nw)-len(old))
}

// printfSize bounds what fmt.Sprintf(format, args...) makes: every verb
// may print its width, its precision and the largest argument.
func printfSize(format string, args []*exec.Value) int {
	biggest := 0
	for _, a := range args {
		biggest = max(biggest, sizeOf(a.Interface(), MaxRenderedBytes))
	}
	total := len(format)
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		n := 0
		for i++; i < len(format) && strings.IndexByte("+-# 0123456789.*[]", format[i]) >= 0; i++ {
			if c := format[i]; c >= '0' && c <= '9' {
				n = min(n*10+int(c-'0'), 1<<30)
			} else {
				total += n
				n = 0
			}
		}
		total += n + biggest + 16
		if total > MaxRenderedBytes {
			return total
		}
	}
	return total
}

// pyFormatSize bounds what Python's str.format makes: every replacement
// field may print its widths and the largest argument.
func pyFormatSize(format string, args []*exec.Value, kwargs map[string]*exec.Value) int {
	biggest := 0
	for _, a := range args {
		biggest = max(biggest, sizeOf(a.Interface(), MaxRenderedBytes))
	}
	for _, a := range kwargs {
		biggest = max(biggest, sizeOf(a.Interface(), MaxRenderedBytes))
	}
	total := len(format)
	for _, field := range strings.Split(format, "{")[1:] {
		spec, _, _ := strings.Cut(field, "}")
		n := 0
		for _, c := range spec {
			if c >= '0' && c <= '9' {
				n = min(n*10+int(c-'0'), 1<<30)
			} else {
				total += n
				n = 0
			}
		}
		total += n + biggest + 16
		if total > MaxRenderedBytes {
			return total
		}
	}
	return total
}

// strMethodNames are gonja's string methods.
var strMethodNames = []string{"capitalize", "capwords", "casefold", "center", "count", "encode", "endswith",
	"expandtabs", "find", "format", "format_map", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "islower",
	"isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
	"removeprefix", "removesuffix", "replace", "rfind", "rjust", "rpartition", "rsplit", "rstrip", "split",
	"splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill"}

var errMethodTooBig = fmt.Errorf("the method would make a text larger than the %d MiB a rendered text may have", MaxRenderedBytes>>20)

// boundedStrMethods size-checks gonja's string methods like the filters.
func boundedStrMethods(base *exec.MethodSet[string]) *exec.MethodSet[string] {
	out := map[string]exec.Method[string]{}
	for _, name := range strMethodNames {
		m, ok := base.Get(name)
		if !ok {
			continue
		}
		out[name] = func(self string, sv *exec.Value, va *exec.VarArgs) (any, error) {
			if methodGrowth(name, self, va) > MaxRenderedBytes {
				return nil, fmt.Errorf("%s(): %w", name, errMethodTooBig)
			}
			res, err := m(self, sv, va)
			if s, ok := res.(string); ok && len(s) > MaxRenderedBytes {
				return nil, fmt.Errorf("%s(): %w", name, errMethodTooBig)
			}
			return res, err
		}
	}
	return exec.NewMethodSet(out)
}

func methodGrowth(name, self string, va *exec.VarArgs) int {
	for _, a := range va.Args {
		if sizeOf(a.Interface(), MaxRenderedBytes) > MaxRenderedBytes {
			return MaxRenderedBytes + 1
		}
	}
	first := func() int {
		if len(va.Args) > 0 && va.Args[0].IsInteger() {
			return va.Args[0].Integer()
		}
		return 0
	}
	switch name {
	case "center", "ljust", "rjust", "zfill":
		return first()
	case "expandtabs":
		return len(self) + saturatingMul(max(first(), 0), strings.Count(self, "\t"))
	case "format", "format_map":
		return pyFormatSize(self, va.Args, va.KwArgs)
	case "replace":
		if len(va.Args) >= 2 {
			return replaceSize(self, va.Args[0].String(), va.Args[1].String())
		}
	case "join":
		if len(va.Args) > 0 {
			return sizeOf(va.Args[0].Interface(), MaxRenderedBytes) + saturatingMul(len(self), items(va.Args[0].Interface()))
		}
	}
	return 0
}

// backstageFilters are the filters Backstage's scaffolder adds to Nunjucks,
// so existing templates render unchanged, plus Nunjucks' dump.
var backstageFilters = map[string]exec.FilterFunction{
	"parseRepoUrl":   filterParseRepoURL,
	"projectSlug":    filterProjectSlug,
	"parseEntityRef": filterParseEntityRef,
	"pick":           filterPick,
	"dump":           filterDump,
}

// parseRepoURL reads Backstage's RepoUrlPicker value,
// "host?owner=o&repo=r[&organization=..&workspace=..&project=..]".
func parseRepoURL(s string) map[string]any {
	host, query, _ := strings.Cut(s, "?")
	out := map[string]any{"host": host}
	q, _ := url.ParseQuery(query)
	for _, k := range []string{"owner", "repo", "organization", "workspace", "project"} {
		if v := q.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

func filterParseRepoURL(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	return exec.AsValue(parseRepoURL(in.String()))
}

func filterProjectSlug(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	r := parseRepoURL(in.String())
	owner, _ := r["owner"].(string)
	if owner == "" {
		owner, _ = r["organization"].(string)
	}
	repo, _ := r["repo"].(string)
	return exec.AsValue(owner + "/" + repo)
}

func filterParseEntityRef(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	d := model.RefDefaults{}
	if len(params.Args) > 0 {
		if m, ok := params.Args[0].Interface().(map[string]any); ok {
			d.Kind, _ = m["defaultKind"].(string)
			d.Namespace, _ = m["defaultNamespace"].(string)
		}
	}
	ref, err := model.ParseRef(in.String(), d)
	if err != nil {
		// Values are validated before a scaffold; a preview of a form not
		// filled in yet still renders.
		ns := d.Namespace
		if ns == "" {
			ns = model.DefaultNamespace
		}
		return exec.AsValue(map[string]any{"kind": strings.ToLower(d.Kind), "namespace": ns, "name": in.String()})
	}
	return exec.AsValue(map[string]any{"kind": strings.ToLower(ref.Kind), "namespace": ref.Namespace, "name": ref.Name})
}

func filterPick(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() || len(params.Args) == 0 {
		return in
	}
	m, ok := in.Interface().(map[string]any)
	if !ok {
		return exec.AsValue(nil)
	}
	return exec.AsValue(m[params.Args[0].String()])
}

func filterDump(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	b, err := json.Marshal(in.Interface())
	if err != nil {
		return exec.AsValue(exec.ErrInvalidCall(err))
	}
	return exec.AsSafeValue(string(b))
}
