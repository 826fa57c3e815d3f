package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nikolalohinski/gonja/v2"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
)

// This file is the engine: gonja with Paved's guards, run in the process
// that calls it. The public functions never call it directly; they send the
// work to a render worker (sandbox.go), which calls it.

// stateKey names the render's state in the template context. Template
// identifiers cannot contain a colon, so no template can name it.
const stateKey = "paved:state"

// state is what the guards of one render share: the budgets, where the
// render is (for errors), and the first limit it hit.
type state struct {
	ctx   context.Context
	lim   limits
	name  string
	src   string
	cfg   *config.Config
	steps int
	depth int
	// written counts bytes written into captured output (macro bodies,
	// block sets, filter blocks), which the output cap does not see.
	written int64
	// line is the line of the tag or expression running; pos the byte
	// offset of the expression's `${{` (-1 when the last one was a tag).
	line, pos int
	// fail is the first limit hit; it wins over whatever error the engine
	// makes of it, and fails the render even if a template swallows it.
	fail *Error
	// firstExpr is the first expression that failed (the likely cause of
	// the error the render ends with).
	firstExpr *exprError
}

func stateOf(ctx *exec.Context) *state {
	if v, ok := ctx.Get(stateKey); ok {
		if st, ok := v.(*state); ok {
			return st
		}
	}
	// Unreachable: every render sets it. Fail closed.
	return &state{ctx: context.Background(), lim: limits{Steps: 0}, fail: &Error{Err: errors.New("the template ran without its limits")}}
}

// at records where the render is.
func (st *state) at(line, pos int) {
	st.line, st.pos = line, pos
}

// failf records the first limit hit and returns it as an error.
func (st *state) failf(format string, args ...any) error {
	if st.fail == nil {
		st.fail = &Error{Name: st.name, Line: st.line, Expr: st.expr(), Err: fmt.Errorf(format, args...), limit: true}
	}
	return st.fail
}

// step counts n steps of work and checks the caller is still waiting.
func (st *state) step(n int) error {
	if st.fail != nil {
		return st.fail
	}
	before := st.steps
	st.steps += n
	if st.lim.Steps > 0 && st.steps > st.lim.Steps {
		return st.failf("the template does more than %d steps of work (loop items, tags and expressions): a loop that never ends, or loops nested too deeply?", st.lim.Steps)
	}
	if before>>10 != st.steps>>10 {
		if st.ctx.Err() != nil {
			if st.fail == nil {
				st.fail = &Error{Name: st.name, Line: st.line, Expr: st.expr(), Err: context.Cause(st.ctx), limit: true}
			}
			return st.fail
		}
	}
	return nil
}

// enter and leave bound nesting: blocks in blocks, macro and caller()
// calls, recursive loops.
func (st *state) enter(line int) error {
	st.line, st.pos = line, -1
	if err := st.step(1); err != nil {
		return err
	}
	st.depth++
	if st.lim.Depth > 0 && st.depth > st.lim.Depth {
		return st.failf("the template nests more than %d levels deep (a macro that calls itself without end?)", st.lim.Depth)
	}
	return nil
}

func (st *state) leave() { st.depth-- }

// wrote counts bytes written into captured output.
func (st *state) wrote(n int) error {
	st.written += int64(n)
	if st.written > MaxWrittenBytes {
		return st.failf("the template writes more than %d MiB in all (macros and captured blocks included)", MaxWrittenBytes>>20)
	}
	return nil
}

// expr is the source of the expression running, if one is.
func (st *state) expr() string {
	if st.pos < 0 {
		return ""
	}
	return exprAt(st.src, st.cfg, st.pos)
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
	buf strings.Builder
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

// timeLimit is the cause of a render that ran out of time.
type timeLimit time.Duration

func (t timeLimit) Error() string {
	return fmt.Sprintf("the template takes longer than %s to render (a loop that never ends?)", time.Duration(t))
}

// withTimeLimit bounds ctx by lim.Time; the cause says so in plain words.
func withTimeLimit(ctx context.Context, lim limits) (context.Context, context.CancelFunc) {
	if lim.Time <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, lim.Time, timeLimit(lim.Time))
}

// engine renders in this process, with every guard but the time limit
// (the caller bounds ctx: withTimeLimit). A worker keeps one, whose cache
// of parsed templates makes the live preview's repeated renders of the
// same skeleton cheap.
type engine struct {
	cache *parseCache
}

// renderLocal renders one text in this process without a cache (tests,
// fuzzing).
func renderLocal(ctx context.Context, lim limits, name, src string, data map[string]any, o Options) (string, error) {
	return (&engine{}).text(ctx, lim, name, src, data, o)
}

// parse checks the static bounds and parses src, through the cache. The
// template is shared by later renders: everything a render changes lives in
// its context, never in the tree.
func (en *engine) parse(src string, o Options) (*exec.Template, *Error) {
	key := cacheKey{src: src, o: o}
	if tpl, perr, ok := en.cache.get(key); ok {
		return tpl, perr
	}
	cfg := o.config()
	tpl, perr := func() (tpl *exec.Template, perr *Error) {
		defer func() {
			if p := recover(); p != nil {
				tpl, perr = nil, &Error{Err: fmt.Errorf("syntax error: %w", panicError(p))}
			}
		}()
		if e := prescan(src, cfg); e != nil {
			return nil, e
		}
		const id = "template"
		tpl, err := exec.NewTemplate(id, cfg, noFiles{id: id, src: src}, environment)
		if err != nil {
			return nil, syntaxError("", err)
		}
		instrumentRoot(tpl.Root())
		return tpl, nil
	}()
	en.cache.put(key, tpl, perr)
	return tpl, perr
}

// text renders one text. It never panics: a panic of the engine becomes an
// *Error naming the line.
func (en *engine) text(ctx context.Context, lim limits, name, src string, data map[string]any, o Options) (out string, err error) {
	quiet.Do(func() { gonja.SetLoggerOutput(io.Discard) })
	st := &state{ctx: ctx, lim: lim, name: name, src: src, cfg: o.config(), pos: -1}
	defer func() {
		if p := recover(); p != nil {
			out, err = "", &Error{Name: name, Line: st.line, Expr: st.expr(), Err: panicError(p)}
		}
	}()
	if ctx.Err() != nil {
		return "", &Error{Name: name, Err: context.Cause(ctx), limit: true}
	}
	tpl, perr := en.parse(src, o)
	if perr != nil {
		e := *perr
		e.Name = name
		return "", &e
	}
	ctxData := make(map[string]any, len(data)+1)
	for k, v := range data {
		ctxData[k] = v
	}
	ctxData[stateKey] = st
	w := &limitWriter{n: MaxRenderedBytes}
	err = tpl.Execute(w, exec.NewContext(ctxData))
	if st.fail != nil {
		return "", st.fail
	}
	if err != nil {
		if w.buf.Len() >= w.n || strings.Contains(err.Error(), errTooBig.Error()) {
			return "", &Error{Name: name, Err: errTooBig, limit: true}
		}
		return "", runtimeError(name, st, err)
	}
	return w.buf.String(), nil
}

// valueLocal is Value in this process without a cache (tests, fuzzing).
func valueLocal(ctx context.Context, lim limits, name string, v any, data map[string]any) (any, error) {
	return (&engine{}).value(ctx, lim, name, v, data)
}

// value is Value's work (the worker's half).
func (en *engine) value(ctx context.Context, lim limits, name string, v any, data map[string]any) (any, error) {
	switch t := v.(type) {
	case string:
		if !strings.Contains(t, "${{") {
			return t, nil
		}
		if m := whole.FindStringSubmatch(t); m != nil && !strings.Contains(m[1], "}}") {
			if out, err := en.text(ctx, lim, name, "${{ ("+m[1]+") | tojson }}", data, Options{}); err == nil {
				return decodeJSON(out), nil
			} else if isLimit(err) {
				return nil, err
			}
			// gonja does not parse every expression inside parentheses (an
			// inline if): such an expression is rendered as text.
		}
		out, err := en.text(ctx, lim, name, t, data, Options{})
		var re *Error
		if errors.As(err, &re) {
			re.value = true
			if !strings.Contains(t, "\n") {
				re.Line = 0
			}
		}
		return out, err
	case map[string]any:
		out := make(map[string]any, len(t))
		// In key order, so the error reported is always the same one.
		for _, k := range slices.Sorted(maps.Keys(t)) {
			x := t[k]
			r, err := en.value(ctx, lim, name+"."+k, x, data)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			r, err := en.value(ctx, lim, fmt.Sprintf("%s[%d]", name, i), x, data)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// cacheKey is a template as parsed: its source and the options that change
// the parse.
type cacheKey struct {
	src string
	o   Options
}

type cacheEntry struct {
	key  cacheKey
	tpl  *exec.Template
	perr *Error
	prev *cacheEntry
	next *cacheEntry
}

// parseCache keeps the most recently used parsed templates, up to a total
// of maxBytes of source. A nil cache keeps nothing.
type parseCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	items    map[cacheKey]*cacheEntry
	// head is the most recently used entry, tail the least.
	head, tail *cacheEntry
}

func newParseCache(maxBytes int) *parseCache {
	return &parseCache{maxBytes: maxBytes, items: map[cacheKey]*cacheEntry{}}
}

func (c *parseCache) get(k cacheKey) (*exec.Template, *Error, bool) {
	if c == nil {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil, nil, false
	}
	c.unlink(e)
	c.pushFront(e)
	return e.tpl, e.perr, true
}

func (c *parseCache) put(k cacheKey, tpl *exec.Template, perr *Error) {
	if c == nil || len(k.src) > c.maxBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	e := &cacheEntry{key: k, tpl: tpl, perr: perr}
	c.items[k] = e
	c.pushFront(e)
	c.bytes += len(k.src)
	for c.bytes > c.maxBytes && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.items, old.key)
		c.bytes -= len(old.key.src)
	}
}

func (c *parseCache) unlink(e *cacheEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		c.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (c *parseCache) pushFront(e *cacheEntry) {
	e.next = c.head
	if c.head != nil {
		c.head.prev = e
	}
	c.head = e
	if c.tail == nil {
		c.tail = e
	}
}

// panicError says in plain words what a panic of the engine was.
func panicError(p any) error {
	msg := fmt.Sprint(p)
	if re, ok := p.(runtime.Error); ok {
		msg = re.Error()
	}
	switch {
	case strings.Contains(msg, "divide by zero"):
		return errors.New("division by zero")
	case strings.Contains(msg, "negative Repeat count"):
		return errors.New("a text cannot be repeated a negative number of times")
	case strings.Contains(msg, "Repeat output length overflow"), strings.Contains(msg, "makeslice: len out of range"),
		strings.Contains(msg, "makeslice: cap out of range"):
		return fmt.Errorf("the template makes a value larger than the %d MiB a rendered text may have", MaxRenderedBytes>>20)
	case strings.Contains(msg, "index out of range"), strings.Contains(msg, "slice bounds out of range"):
		return errors.New("an index or slice outside the list or text")
	case strings.Contains(msg, "nil map"), strings.Contains(msg, "nil pointer"):
		return errors.New("a value is missing (undefined or none) where the template uses it")
	}
	return fmt.Errorf("the template engine failed (%s)", msg)
}

// instrumentRoot guards the parts of a parsed template that no control
// structure parser saw: the top-level nodes and the blocks.
func instrumentRoot(root *nodes.Template) {
	root.Nodes = instrumentNodes(root.Nodes)
	for name, w := range root.Blocks {
		root.Blocks[name] = guardBody(w)
	}
}

// syntaxError is a template gonja cannot parse, in plain words.
func syntaxError(name string, err error) *Error {
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		msg := strings.TrimSuffix(se.Message, ".")
		if se.Raw != "" {
			msg += fmt.Sprintf(" (near %q)", se.Raw)
		}
		return &Error{Name: name, Line: se.Line, Err: errors.New("syntax error: " + lowerFirst(msg))}
	}
	return &Error{Name: name, Err: errors.New("syntax error: " + plainMessage(err))}
}

// runtimeError is a template that failed while rendering, in plain words,
// at the expression that failed first when there is one.
func runtimeError(name string, st *state, err error) *Error {
	if e := st.firstExpr; e != nil {
		return &Error{Name: name, Line: e.line, Expr: exprAt(st.src, st.cfg, e.pos), Err: errors.New(plainMessage(e.err))}
	}
	return &Error{Name: name, Line: st.line, Err: errors.New(plainMessage(err))}
}

// plainMessage is the innermost cause of a gonja error, in plain words:
// without the wrappers that repeat the parse tree, and with the engine's
// own jargon translated.
func plainMessage(err error) string {
	for {
		if v, ok := err.(*exec.Value); ok {
			inner, ok := v.Interface().(error)
			if !ok || inner == err {
				break
			}
			err = inner
			continue
		}
		next := errors.Unwrap(err)
		if next == nil {
			break
		}
		err = next
	}
	msg := err.Error()
	for _, cut := range []string{"unable to execute template: ", "failed to parse template"} {
		if i := strings.LastIndex(msg, cut); i >= 0 {
			msg = msg[i+len(cut):]
		}
	}
	return lowerFirst(translate(msg))
}

// translate rewrites gonja's messages that name its internals.
func translate(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "invalid call to function '"); ok {
		name, detail, found := strings.Cut(rest, "': ")
		if !found {
			return msg
		}
		if strings.HasPrefix(name, "paved:") {
			return translate(detail)
		}
		return name + "(): " + translate(detail)
	}
	if rest, ok := strings.CutPrefix(msg, "invalid call to filter '"); ok {
		if name, detail, found := strings.Cut(rest, "': "); found {
			return name + ": " + detail
		}
		return msg
	}
	if rest, ok := strings.CutPrefix(msg, "invalid call to method '"); ok {
		name, _, _ := strings.Cut(rest, "'")
		switch {
		case strings.Contains(rest, ": "+name+"(): "):
			return name + "(): " + rest[strings.Index(rest, ": "+name+"(): ")+len(name)+6:]
		case strings.Contains(rest, "unknown method '"+name+"'"):
			return fmt.Sprintf("the value has no method %s() (is it the type you expect?)", name)
		}
		if i := strings.LastIndex(rest, ": "); i >= 0 {
			return name + "(): " + rest[i+2:]
		}
		return msg
	}
	switch {
	case strings.Contains(msg, "Getitem on None"), strings.Contains(msg, "getattr on None"):
		return "a value is missing (undefined or none) where the template reads a field or an item of it"
	case strings.Contains(msg, "set attribute or item on None"):
		return "a value is missing (undefined or none) where the template sets a field or an item of it"
	case strings.HasPrefix(msg, "Can't access an index on type "):
		kind, _, _ := strings.Cut(strings.TrimPrefix(msg, "Can't access an index on type "), " ")
		return fmt.Sprintf("a %s value has no items to index", kind)
	case strings.HasPrefix(msg, "filter '") && strings.HasSuffix(msg, "' not found"):
		return fmt.Sprintf("there is no filter %s (the filters are Jinja's and Backstage's; see docs/golden-paths.md)",
			strings.TrimSuffix(strings.TrimPrefix(msg, "filter '"), "' not found"))
	}
	return msg
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
