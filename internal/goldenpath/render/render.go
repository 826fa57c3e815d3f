// Package render is the template engine of golden paths: Nunjucks/Jinja
// templates rendered with gonja, Backstage's `${{ ... }}` expressions in
// template.yaml, and skeleton directories rendered into an in-memory Tree
// (file contents and file and directory names) before anything touches the
// disk.
//
// Rules (template content is untrusted):
//   - Nothing is ever loaded from the file system or the network by a
//     template: include, import and extends fail, and so do any other file
//     names.
//   - Every rendered text is bounded (MaxRenderedBytes); loops over range()
//     are bounded (MaxRange); no template can run code.
//   - Every path a Tree holds is relative, clean, inside it and never in a
//     .git directory (CleanPath).
package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/nikolalohinski/gonja/v2"
	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
)

// Limits on what one render may produce.
const (
	// MaxRenderedBytes bounds one rendered text (a file or a value).
	MaxRenderedBytes = 8 << 20
	// MaxRange bounds range() in templates.
	MaxRange = 10000
)

// Syntax chooses the delimiters of variables.
type Syntax int

const (
	// Backstage is `${{ values.x }}` for variables, `{% %}` blocks and `{# #}`
	// comments: what fetch:template and template.yaml use.
	Backstage Syntax = iota
	// Cookiecutter is plain Jinja `{{ cookiecutter.x }}` (fetch:template's
	// cookiecutterCompat).
	Cookiecutter
)

// Options tune one render.
type Options struct {
	Syntax Syntax
	// TrimBlocks removes the first newline after a block tag, LStripBlocks
	// strips whitespace before one (as in Jinja).
	TrimBlocks, LStripBlocks bool
}

var quiet sync.Once

func (o Options) config() *config.Config {
	c := config.New()
	if o.Syntax == Backstage {
		c.VariableStartString = "${{"
	}
	c.KeepTrailingNewline = true
	c.TrimBlocks = o.TrimBlocks
	c.LeftStripBlocks = o.LStripBlocks
	return c
}

// environment is gonja's with a bounded range() and Backstage's filters.
var environment = func() *exec.Environment {
	ctx := exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables)
	ctx.Set("range", boundedRange)
	filters := exec.NewFilterSet(map[string]exec.FilterFunction{})
	filters.Update(builtins.Filters)
	for name, f := range backstageFilters {
		if filters.Exists(name) {
			_ = filters.Replace(name, f)
		} else {
			_ = filters.Register(name, f)
		}
	}
	return &exec.Environment{
		Context:           ctx,
		Filters:           filters,
		Tests:             builtins.Tests,
		ControlStructures: builtins.ControlStructures,
		Methods:           builtins.Methods,
	}
}()

func boundedRange(_ *exec.Evaluator, params *exec.VarArgs) ([]int, error) {
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
	return out, nil
}

// noFiles is the loader of every template: it knows only the template
// itself, so include, import and extends cannot read anything.
type noFiles struct {
	id  string
	src string
}

func (l noFiles) Read(p string) (io.Reader, error) {
	if p == l.id {
		return strings.NewReader(l.src), nil
	}
	return nil, fmt.Errorf("templates may not load other files (%q)", p)
}

func (l noFiles) Resolve(p string) (string, error) {
	if p == l.id {
		return p, nil
	}
	return "", fmt.Errorf("templates may not load other files (%q)", p)
}

func (l noFiles) Inherit(string) (loaders.Loader, error) { return l, nil }

// limitWriter fails once more than n bytes were written.
type limitWriter struct {
	buf bytes.Buffer
	n   int
}

var errTooBig = fmt.Errorf("the rendered text is larger than %d MiB", MaxRenderedBytes>>20)

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.n {
		return 0, errTooBig
	}
	return w.buf.Write(p)
}

func (w *limitWriter) WriteString(s string) (int, error) {
	if w.buf.Len()+len(s) > w.n {
		return 0, errTooBig
	}
	return w.buf.WriteString(s)
}

// String renders src with data as its variables.
func String(name, src string, data map[string]any, o Options) (string, error) {
	quiet.Do(func() { gonja.SetLoggerOutput(io.Discard) })
	const id = "template"
	tpl, err := exec.NewTemplate(id, o.config(), noFiles{id: id, src: src}, environment)
	if err != nil {
		return "", &Error{Name: name, Err: cleanErr(err)}
	}
	w := &limitWriter{n: MaxRenderedBytes}
	if err := tpl.Execute(w, exec.NewContext(data)); err != nil {
		if w.buf.Len() >= w.n || strings.Contains(err.Error(), errTooBig.Error()) {
			return "", &Error{Name: name, Err: errTooBig}
		}
		return "", &Error{Name: name, Err: cleanErr(err)}
	}
	return w.buf.String(), nil
}

// Error is a template that does not render.
type Error struct {
	// Name says what was rendered: a file path or a step input.
	Name string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("render %s: %v", e.Name, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// cleanErr shortens gonja's errors, which repeat the whole source.
func cleanErr(err error) error {
	msg := err.Error()
	msg = strings.ReplaceAll(msg, "unable to execute template: ", "")
	if i := strings.Index(msg, "failed to parse template '"); i >= 0 {
		if j := strings.LastIndex(msg, "': "); j > i {
			msg = msg[:i] + "syntax error: " + msg[j+3:]
		}
	}
	return errors.New(msg)
}

var whole = regexp.MustCompile(`^\s*\$\{\{([\s\S]*?)\}\}\s*$`)

// Value evaluates a template.yaml value: strings are rendered with the
// Backstage syntax; a string that is exactly one `${{ expression }}` keeps
// the expression's type (a boolean stays a boolean, a list a list); maps and
// lists are evaluated item by item.
func Value(name string, v any, data map[string]any) (any, error) {
	switch t := v.(type) {
	case string:
		if !strings.Contains(t, "${{") {
			return t, nil
		}
		if m := whole.FindStringSubmatch(t); m != nil && !strings.Contains(m[1], "}}") {
			if out, err := String(name, "${{ ("+m[1]+") | tojson }}", data, Options{}); err == nil {
				return decodeJSON(out), nil
			}
			// gonja does not parse every expression inside parentheses (an
			// inline if): such an expression is rendered as text.
		}
		return String(name, t, data, Options{})
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			r, err := Value(name+"."+k, x, data)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			r, err := Value(fmt.Sprintf("%s[%d]", name, i), x, data)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// decodeJSON turns tojson's output back into Go values; integers stay
// integers.
func decodeJSON(s string) any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return s
	}
	return numbers(v)
}

func numbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return int(i)
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, x := range t {
			t[k] = numbers(x)
		}
	case []any:
		for i, x := range t {
			t[i] = numbers(x)
		}
	}
	return v
}

// Truthy is Nunjucks' truthiness, for step conditions (`if:`).
func Truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != "" && t != "false"
	case int:
		return t != 0
	case float64:
		return t != 0
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	}
	return true
}
