// Package render is the template engine of golden paths: Nunjucks/Jinja
// templates rendered with gonja, Backstage's `${{ ... }}` expressions in
// template.yaml, and skeleton directories rendered into an in-memory Tree
// (file contents and file and directory names) before anything touches the
// disk.
//
// Rules (template content is untrusted):
//   - Nothing is ever loaded from the file system or the network by a
//     template: include, import, from and extends fail when parsed, and so
//     do any other file names.
//   - No template can take the process down. Every render runs in a render
//     worker: this same binary started again (MaybeServeWorker, called from
//     this package's init), kept running for the next render, killed when a
//     render passes its time limit or its caller gives up (ctx), and
//     restarted on the next use. The worker's memory, stack and CPU are
//     bounded, so an allocation bomb or a recursion that escapes the guards
//     below kills only the worker, and the render fails with an *Error.
//   - Inside the worker, gonja runs behind guards (guard.go, ops.go,
//     filters.go) that fail a render early, in plain words, naming the file,
//     the line and the expression: bounded work (MaxSteps), nesting
//     (MaxDepth and the static bounds of guard.go), text sizes
//     (MaxRenderedBytes, MaxWrittenBytes), range() (MaxRange); operators and
//     filters that could panic or allocate without bound check first; any
//     other panic becomes an *Error.
//   - Every path a Tree holds is relative, clean, inside it and never in a
//     .git directory (CleanPath).
//
// The limits are documented for template authors in docs/golden-paths.md
// ("Limits").
package render

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/problem"
)

// Limits on what one render may produce and use.
const (
	// MaxRenderedBytes bounds one rendered text (a file or a value).
	MaxRenderedBytes = 8 << 20
	// MaxWrittenBytes bounds everything one text writes, output captured by
	// macros and block sets included.
	MaxWrittenBytes = 64 << 20
	// MaxRange bounds range() in templates.
	MaxRange = 10000
	// MaxSteps bounds the work of one text: loop items, tags, expressions
	// and filter inputs, counted together.
	MaxSteps = 250_000
	// MaxDepth bounds nesting at run time: bodies inside bodies, macro and
	// caller() calls, recursive loops.
	MaxDepth = 200
	// MaxRenderTime bounds one request to the render worker: a text, a
	// value, or the files of one RenderDir.
	MaxRenderTime = 10 * time.Second
	// MaxRenderMemory bounds the render worker's memory.
	MaxRenderMemory = 512 << 20
)

// limits are the budgets of one render; the package uses defaultLimits,
// tests tighten them.
type limits struct {
	// Time bounds one request to the worker (0: none).
	Time time.Duration
	// Memory bounds the worker's heap in bytes (0: none).
	Memory int64
	// Steps bounds the work of one text (0: none).
	Steps int
	// Depth bounds run-time nesting (0: none).
	Depth int
}

func defaultLimits() limits {
	return limits{Time: MaxRenderTime, Memory: MaxRenderMemory, Steps: MaxSteps, Depth: MaxDepth}
}

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

// Error is a template that does not render.
type Error struct {
	// Name says what was rendered: a file path or a step input.
	Name string
	// Line is the 1-based line of the text where it failed (0 = unknown).
	Line int
	// Expr is the expression that failed, when known.
	Expr string
	Err  error
	// value marks a template.yaml value (Name is a field, not a file).
	value bool
	// limit marks a limit, a timeout or a cancellation (not a mistake in
	// the template's syntax or logic).
	limit bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("render " + e.Name)
	if e.Line > 0 {
		fmt.Fprintf(&b, ", line %d", e.Line)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Expr != "" {
		b.WriteString(", in " + e.Expr)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ProblemKind classifies the error for the UI: a render the caller gave up
// on is Canceled, any other is the template's fault (Invalid).
func (e *Error) ProblemKind() problem.Kind {
	if errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded) {
		return problem.Canceled
	}
	return problem.Invalid
}

// ProblemList is the error as one problem with its place.
func (e *Error) ProblemList() problem.List {
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Expr != "" {
		msg += ", in " + e.Expr
	}
	p := problem.Problem{File: e.Name, Line: e.Line, Message: msg}
	if e.value {
		p = problem.Problem{Field: e.Name, Message: msg}
	}
	return problem.List{p}
}

// String renders src with data as its variables.
func String(name, src string, data map[string]any, o Options) (string, error) {
	return StringContext(context.Background(), name, src, data, o)
}

// StringContext renders src with data as its variables; cancelling ctx
// stops the render (the worker running it is killed).
func StringContext(ctx context.Context, name, src string, data map[string]any, o Options) (string, error) {
	if plainText(src, o) {
		return src, nil
	}
	res, err := defaultSandbox().run(ctx, data, []job{{Name: name, Src: src, Opts: o}})
	if err != nil {
		return "", err
	}
	return res[0].text()
}

// plainText reports a text gonja would render as it is: no tag, no
// expression, no comment, no carriage return (which gonja normalizes).
func plainText(src string, o Options) bool {
	start := "${{"
	if o.Syntax == Cookiecutter {
		start = "{{"
	}
	return !strings.Contains(src, start) && !strings.Contains(src, "{%") && !strings.Contains(src, "{#") &&
		!strings.Contains(src, "\r")
}

var whole = regexp.MustCompile(`^\s*\$\{\{([\s\S]*?)\}\}\s*$`)

// Value evaluates a template.yaml value: strings are rendered with the
// Backstage syntax; a string that is exactly one `${{ expression }}` keeps
// the expression's type (a boolean stays a boolean, a list a list); maps and
// lists are evaluated item by item.
func Value(name string, v any, data map[string]any) (any, error) {
	return ValueContext(context.Background(), name, v, data)
}

// ValueContext is Value, stopped when ctx is cancelled.
func ValueContext(ctx context.Context, name string, v any, data map[string]any) (any, error) {
	if !hasExpression(v) {
		return copyValue(v), nil
	}
	res, err := defaultSandbox().run(ctx, data, []job{{Name: name, Value: v, IsValue: true}})
	if err != nil {
		return nil, err
	}
	return res[0].value()
}

// hasExpression reports whether v holds a `${{` anywhere.
func hasExpression(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.Contains(t, "${{")
	case map[string]any:
		for _, x := range t {
			if hasExpression(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if hasExpression(x) {
				return true
			}
		}
	}
	return false
}

// copyValue copies maps and lists (Value returns new ones, as before).
func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = copyValue(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = copyValue(x)
		}
		return out
	}
	return v
}

// isLimit reports an error that rendering the value as text would only
// repeat: a limit, a timeout, a cancellation.
func isLimit(err error) bool {
	var re *Error
	return errors.As(err, &re) && re.limit
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
