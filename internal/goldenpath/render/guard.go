package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
	"github.com/pkg/errors"
)

// This file guards gonja's parse tree. gonja has no budgets of its own, so
// every control structure is parsed through a wrapper that:
//   - records the line it runs at and counts a step (traced);
//   - wraps every body (loop, if branch, macro, call, block...) so that
//     entering it counts a step and one level of depth, and output captured
//     into a buffer (macro results, block sets) is counted (body);
//   - replaces every `${{ expression }}` by a traced output that records
//     the expression, checks the size of its value before turning it into
//     text, and writes it (output);
//   - replaces the operators that can panic or allocate without bound
//     (*, +, ~, %, /, //) by guarded functions (ops.go).
//
// set, with and filter are Paved's own (gonja keeps their expressions and
// bodies private, out of the guards' reach); include, import, from and
// extends are refused when parsed.

// Static bounds, checked on the tokens before gonja's parser (which
// recurses once per nesting level and would overflow the stack first).
const (
	// MaxTagTokens bounds the parts of one tag or expression.
	MaxTagTokens = 4096
	// MaxBracketNesting bounds (, [ and { inside one tag or expression.
	MaxBracketNesting = 64
	// MaxBlockNesting bounds block tags inside block tags.
	MaxBlockNesting = 100
)

// opens are the block tags that take a body.
var opens = map[string]bool{"if": true, "for": true, "macro": true, "call": true, "filter": true, "with": true,
	"block": true, "autoescape": true, "trans": true}

// prescan checks the static bounds on the tokens.
func prescan(src string, cfg *config.Config) *Error {
	s := tokens.LexAll(src, cfg)
	depth, brackets, parts := 0, 0, 0
	var tag *tokens.Token // the first token of the tag being read
	var name string
	assign := false
	for !s.End() {
		tok := s.Next()
		switch tok.Type {
		case tokens.BlockBegin, tokens.VariableBegin:
			tag, brackets, parts, name, assign = tok, 0, 0, "", false
			continue
		case tokens.BlockEnd:
			switch {
			case opens[name], name == "set" && !assign:
				depth++
				if depth > MaxBlockNesting {
					return &Error{Line: tok.Line, Err: fmt.Errorf("block tags nest more than %d levels deep", MaxBlockNesting)}
				}
			case strings.HasPrefix(name, "end"):
				depth--
			}
			tag = nil
			continue
		case tokens.VariableEnd:
			tag = nil
			continue
		}
		if tag == nil {
			continue
		}
		parts++
		if parts > MaxTagTokens {
			return &Error{Line: tag.Line, Err: fmt.Errorf("a tag or expression has more than %d parts: split it up", MaxTagTokens)}
		}
		switch tok.Type {
		case tokens.Name:
			if parts == 1 && tag.Type == tokens.BlockBegin {
				name = tok.Val
			}
		case tokens.Assign:
			assign = true
		case tokens.LeftParenthesis, tokens.LeftBracket, tokens.LeftBrace:
			brackets++
			if brackets > MaxBracketNesting {
				return &Error{Line: tok.Line, Err: fmt.Errorf("brackets nest more than %d levels deep", MaxBracketNesting)}
			}
		case tokens.RightParenthesis, tokens.RightBracket, tokens.RightBrace:
			brackets--
		}
	}
	return nil
}

// exprAt returns the source of the expression whose `${{` is at byte pos
// (on the error path only: it lexes the template again), on one line and
// at most 200 bytes.
func exprAt(src string, cfg *config.Config, pos int) string {
	// gonja's lexer works on the text with its line ends normalized.
	norm := strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n")
	s := tokens.LexAll(src, cfg)
	begin := -1
	for !s.End() {
		tok := s.Next()
		switch {
		case tok.Type == tokens.VariableBegin && tok.Pos == pos:
			begin = pos
		case begin >= 0 && tok.Type == tokens.VariableEnd:
			end := tok.Pos + len(tok.Val)
			if end > len(norm) || begin > end {
				return ""
			}
			out := strings.Join(strings.Fields(norm[begin:end]), " ")
			if len(out) > 200 {
				cut := 200
				for cut > 0 && !utf8.RuneStart(out[cut]) {
					cut--
				}
				out = out[:cut] + "…"
			}
			return out
		}
	}
	return ""
}

// controlStructureSet is gonja's control structures behind the guards.
func controlStructureSet() *exec.ControlStructureSet {
	all := map[string]parser.ControlStructureParser{
		"set":    setParser,
		"with":   withParser,
		"filter": filterTagParser,
	}
	for _, name := range []string{"include", "import", "from", "extends"} {
		all[name] = refuseParser(name)
	}
	for _, name := range []string{"if", "for", "macro", "call", "block", "autoescape", "raw", "do", "break", "continue", "trans"} {
		inner, ok := controlStructures.All.Get(name)
		if !ok {
			continue
		}
		all[name] = tracedParser(inner)
	}
	return exec.NewControlStructureSet(all)
}

func refuseParser(name string) parser.ControlStructureParser {
	return func(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
		return nil, args.Error(fmt.Sprintf("templates may not load other files ({%% %s %%}): everything a template uses must be in the file itself", name), args.Current())
	}
}

// tracedParser parses with gonja's parser, guards what it made and traces
// it.
func tracedParser(inner parser.ControlStructureParser) parser.ControlStructureParser {
	return func(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
		cs, err := inner(p, args)
		if err != nil {
			return nil, err
		}
		ecs, ok := cs.(exec.ControlStructure)
		if !ok {
			return nil, fmt.Errorf("control structure %T cannot run", cs)
		}
		switch c := cs.(type) {
		case *controlStructures.IfControlStructure:
			for i := range c.Conditions {
				c.Conditions[i] = guardExpr(c.Conditions[i])
			}
			for i := range c.Wrappers {
				c.Wrappers[i] = guardBody(c.Wrappers[i])
			}
		case *controlStructures.ForControlStructure:
			c.ObjectEvaluator = guardItems(guardExpr(c.ObjectEvaluator))
			if c.IfCondition != nil {
				c.IfCondition = guardExpr(c.IfCondition)
			}
			c.BodyWrapper = guardBody(c.BodyWrapper)
			c.EmptyWrapper = guardBody(c.EmptyWrapper)
		case *controlStructures.MacroControlStructure:
			for _, kw := range c.Kwargs {
				kw.Value = guardExpr(kw.Value)
			}
			c.Wrapper = guardBody(c.Wrapper)
		case *controlStructures.CallControlStructure:
			guardCall(c.Call)
			c.Body = guardBody(c.Body)
		case *controlStructures.DoControlStructure:
			c.Expression = guardExpr(c.Expression)
		case *controlStructures.AutoescapeControlStructure:
			c.Wrapper = guardBody(c.Wrapper)
		case *controlStructures.TransControlStructure:
			for k, v := range c.Variables {
				c.Variables[k] = guardExpr(v)
			}
			c.SingularBody = guardBody(c.SingularBody)
			c.PluralBody = guardBody(c.PluralBody)
		}
		return &traced{inner: ecs}, nil
	}
}

// traced is a control structure that records its line and counts a step.
type traced struct{ inner exec.ControlStructure }

func (t *traced) Position() *tokens.Token { return t.inner.Position() }
func (t *traced) String() string          { return t.inner.String() }

func (t *traced) Execute(r *exec.Renderer, tag *nodes.ControlStructureBlock) error {
	st := stateOf(r.Environment.Context)
	st.at(lineOf(tag.Location), -1)
	if err := st.step(1); err != nil {
		return err
	}
	return t.inner.Execute(r, tag)
}

func lineOf(t *tokens.Token) int {
	if t == nil {
		return 0
	}
	return t.Line
}

// guardBody puts a body's nodes behind one guard.
func guardBody(w *nodes.Wrapper) *nodes.Wrapper {
	if w == nil {
		return nil
	}
	if len(w.Nodes) == 1 {
		if b, ok := w.Nodes[0].(*nodes.ControlStructureBlock); ok {
			if _, ok := b.ControlStructure.(*body); ok {
				return w
			}
		}
	}
	b := &body{loc: w.Location, nodes: instrumentNodes(w.Nodes)}
	w.Nodes = []nodes.Node{&nodes.ControlStructureBlock{Location: w.Location, Name: "body", ControlStructure: b}}
	return w
}

// instrumentNodes replaces the expressions of one body by traced outputs.
func instrumentNodes(ns []nodes.Node) []nodes.Node {
	for i, n := range ns {
		if out, ok := n.(*nodes.Output); ok {
			out.Expression = guardExpr(out.Expression)
			if out.Condition != nil {
				out.Condition = guardExpr(out.Condition)
			}
			if out.Alternative != nil {
				out.Alternative = guardExpr(out.Alternative)
			}
			ns[i] = &nodes.ControlStructureBlock{Location: out.Start, Name: "output", ControlStructure: &output{out: out}}
		}
	}
	return ns
}

// body runs the nodes of one body: a step, a level of depth, and counted
// captured output.
type body struct {
	loc   *tokens.Token
	nodes []nodes.Node
}

func (b *body) Position() *tokens.Token { return b.loc }
func (b *body) String() string          { return fmt.Sprintf("body(line %d)", lineOf(b.loc)) }

func (b *body) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	st := stateOf(r.Environment.Context)
	if err := st.enter(lineOf(b.loc)); err != nil {
		return err
	}
	defer st.leave()
	switch r.Output.(type) {
	case *limitWriter, *counted:
	default:
		r.Output = &counted{w: r.Output, st: st}
	}
	for _, n := range b.nodes {
		if n == nil {
			continue
		}
		if err := nodes.Walk(r, n); err != nil {
			return err
		}
	}
	return nil
}

// counted counts what is written into captured output.
type counted struct {
	w  io.Writer
	st *state
}

func (c *counted) Write(p []byte) (int, error) {
	if err := c.st.wrote(len(p)); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// output is one `${{ expression }}`.
type output struct{ out *nodes.Output }

func (o *output) Position() *tokens.Token { return o.out.Start }
func (o *output) String() string          { return o.out.String() }

// exprError is an expression that failed, with where it is.
type exprError struct {
	line, pos int
	err       error
}

func (e *exprError) Error() string { return e.err.Error() }
func (e *exprError) Unwrap() error { return e.err }

func (o *output) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	st := stateOf(r.Environment.Context)
	n := o.out
	line, pos := lineOf(n.Start), -1
	if n.Start != nil {
		pos = n.Start.Pos
	}
	st.at(line, pos)
	if err := st.step(1); err != nil {
		return err
	}
	fail := func(v *exec.Value) error {
		err := &exprError{line: line, pos: pos, err: v}
		if st.firstExpr == nil {
			st.firstExpr = err
		}
		return err
	}
	var value *exec.Value
	if n.Condition != nil {
		cond := r.Eval(n.Condition)
		if cond.IsError() {
			return fail(cond)
		}
		switch {
		case !cond.IsNil() && cond.IsTrue():
			value = r.Eval(n.Expression)
		case n.Alternative != nil:
			value = r.Eval(n.Alternative)
		default:
			return nil
		}
	} else {
		value = r.Eval(n.Expression)
	}
	if st.fail != nil {
		return st.fail
	}
	if value.IsError() {
		return fail(value)
	}
	st.at(line, pos)
	if size := sizeOf(value.Interface(), MaxRenderedBytes); size > MaxRenderedBytes {
		return st.failf("the value is larger than the %d MiB a rendered text may have", MaxRenderedBytes>>20)
	}
	var err error
	if r.Config.AutoEscape && value.IsString() && !value.Safe {
		_, err = io.WriteString(r.Output, value.Escaped())
	} else {
		_, err = io.WriteString(r.Output, value.String())
	}
	return err
}

// setCS is `{% set target = expression [if condition else alternative] %}`
// and the block form `{% set target %}...{% endset %}` (gonja's semantics).
type setCS struct {
	loc                     *tokens.Token
	target                  nodes.Expression
	expr, cond, alternative nodes.Expression
	body                    *nodes.Wrapper
}

func (s *setCS) Position() *tokens.Token { return s.loc }
func (s *setCS) String() string          { return fmt.Sprintf("set(line %d)", lineOf(s.loc)) }

func setParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	cs := &setCS{loc: p.Current()}
	target, err := args.ParseVariableOrLiteral()
	if err != nil {
		return nil, errors.Wrap(err, "unable to parse the name to set")
	}
	switch target.(type) {
	case *nodes.Name, *nodes.GetItem, *nodes.GetAttribute:
		cs.target = guardExpr(target)
	default:
		return nil, args.Error("set needs a name to set", args.Current())
	}
	if args.Match(tokens.Assign) == nil {
		if !args.End() {
			return nil, args.Error("expected '=' or the end of the tag (a block set)", args.Current())
		}
		w, end, err := p.WrapUntil("endset")
		if err != nil {
			return nil, err
		}
		if !end.End() {
			return nil, end.Error("endset takes no arguments", nil)
		}
		cs.body = guardBody(w)
		return &traced{inner: cs}, nil
	}
	if cs.expr, err = args.ParseExpression(); err != nil {
		return nil, err
	}
	cs.expr = guardExpr(cs.expr)
	cond, alt, err := args.ParseCondition()
	if err != nil {
		return nil, err
	}
	if cond != nil {
		if alt == nil {
			return nil, args.Error("set ... if needs an else", args.Current())
		}
		cs.cond, cs.alternative = guardExpr(cond), guardExpr(alt)
	}
	if !args.End() {
		return nil, args.Error("malformed set tag", args.Current())
	}
	return &traced{inner: cs}, nil
}

func (s *setCS) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	var value *exec.Value
	switch {
	case s.body != nil:
		var buf bytes.Buffer
		sub := r.Inherit()
		sub.Output = &buf
		if err := sub.ExecuteWrapper(s.body); err != nil {
			return err
		}
		value = exec.AsSafeValue(buf.String())
	case s.cond != nil:
		cond := r.Eval(s.cond)
		if cond.IsError() {
			return cond
		}
		if !cond.IsNil() && cond.IsTrue() {
			value = r.Eval(s.expr)
		} else {
			value = r.Eval(s.alternative)
		}
	default:
		value = r.Eval(s.expr)
	}
	if value.IsError() {
		return value
	}
	switch n := s.target.(type) {
	case *nodes.Name:
		r.Environment.Context.Set(n.Name.Val, value.Interface())
	case *nodes.GetAttribute:
		target := r.Eval(n.Node)
		if target.IsError() {
			return target
		}
		if err := target.Set(exec.AsValue(n.Attribute), value.Interface()); err != nil {
			return errors.Wrapf(err, "cannot set %s", n.Attribute)
		}
	case *nodes.GetItem:
		target := r.Eval(n.Node)
		if target.IsError() {
			return target
		}
		arg := r.Eval(n.Arg)
		if arg.IsError() {
			return arg
		}
		if err := target.Set(arg, value.Interface()); err != nil {
			return errors.Wrapf(err, "cannot set %s", arg.String())
		}
	}
	return nil
}

// withCS is `{% with a = x, b = y %}...{% endwith %}`.
type withCS struct {
	loc   *tokens.Token
	names []string
	exprs []nodes.Expression
	body  *nodes.Wrapper
}

func (w *withCS) Position() *tokens.Token { return w.loc }
func (w *withCS) String() string          { return fmt.Sprintf("with(line %d)", lineOf(w.loc)) }

func withParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	cs := &withCS{loc: p.Current()}
	w, end, err := p.WrapUntil("endwith")
	if err != nil {
		return nil, err
	}
	if !end.End() {
		return nil, end.Error("endwith takes no arguments", nil)
	}
	cs.body = guardBody(w)
	for !args.End() {
		key := args.Match(tokens.Name)
		if key == nil {
			return nil, args.Error("expected a name", args.Current())
		}
		if args.Match(tokens.Assign) == nil {
			return nil, args.Error("expected '='", args.Current())
		}
		v, err := args.ParseExpression()
		if err != nil {
			return nil, err
		}
		cs.names, cs.exprs = append(cs.names, key.Val), append(cs.exprs, guardExpr(v))
		if args.Match(tokens.Comma) == nil {
			break
		}
	}
	if !args.End() {
		return nil, args.Error("malformed with tag", args.Current())
	}
	return &traced{inner: cs}, nil
}

func (w *withCS) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	sub := r.Inherit()
	for i, e := range w.exprs {
		v := r.Eval(e)
		if v.IsError() {
			return v
		}
		sub.Environment.Context.Set(w.names[i], v)
	}
	return sub.ExecuteWrapper(w.body)
}

// filterCS is `{% filter upper | replace('a', 'b') %}...{% endfilter %}`.
type filterCS struct {
	loc   *tokens.Token
	body  *nodes.Wrapper
	chain []*nodes.FilterCall
}

func (f *filterCS) Position() *tokens.Token { return f.loc }
func (f *filterCS) String() string          { return fmt.Sprintf("filter(line %d)", lineOf(f.loc)) }

func filterTagParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	cs := &filterCS{loc: p.Current()}
	w, _, err := p.WrapUntil("endfilter")
	if err != nil {
		return nil, err
	}
	cs.body = guardBody(w)
	for !args.End() {
		call, err := args.ParseFilter()
		if err != nil {
			return nil, err
		}
		for i := range call.Args {
			call.Args[i] = guardExpr(call.Args[i])
		}
		for k, v := range call.Kwargs {
			call.Kwargs[k] = guardExpr(v)
		}
		cs.chain = append(cs.chain, call)
		if args.Match(tokens.Pipe) == nil {
			break
		}
	}
	if !args.End() {
		return nil, args.Error("malformed filter tag", args.Current())
	}
	return &traced{inner: cs}, nil
}

func (f *filterCS) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	var out bytes.Buffer
	sub := r.Inherit()
	sub.Output = &out
	if err := sub.ExecuteWrapper(f.body); err != nil {
		return err
	}
	value := exec.AsValue(out.String())
	for _, call := range f.chain {
		value = r.Evaluator().ExecuteFilter(call, value)
		if value.IsError() {
			return errors.Wrapf(value, "filter %s", call.Name)
		}
	}
	_, err := io.WriteString(r.Output, value.String())
	return err
}
