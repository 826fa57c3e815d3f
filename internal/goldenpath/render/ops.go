package render

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// This file holds the guarded operators and functions. gonja evaluates
// `'x' * n` with strings.Repeat (which panics on a negative n and allocates
// n bytes before any cap applies), `a % 0` with Go's % (a panic), and
// concatenations without a size check; the guards rewrite those operators
// into calls of the functions below, which check first.

// MaxListItems bounds a list a template builds by concatenation.
const MaxListItems = 1_000_000

// guarded names the function each risky operator becomes. The names hold a
// colon, which template identifiers cannot, so templates cannot call them.
var guarded = map[tokens.Type]string{
	tokens.Multiply:      "paved:mul",
	tokens.Addition:      "paved:add",
	tokens.Tilde:         "paved:cat",
	tokens.Modulo:        "paved:mod",
	tokens.Division:      "paved:div",
	tokens.FloorDivision: "paved:floordiv",
}

// guardFunctions are the globals behind the guarded operators.
var guardFunctions = map[string]any{
	"paved:mul":      opMul,
	"paved:add":      opAdd,
	"paved:cat":      opCat,
	"paved:mod":      opMod,
	"paved:div":      opDiv,
	"paved:floordiv": opFloorDiv,
	"paved:items":    loopItems,
}

// guardExpr rewrites the risky operators of an expression, at any depth.
func guardExpr(e nodes.Expression) nodes.Expression {
	if e == nil {
		return nil
	}
	g := rewriter{seen: map[nodes.Node]nodes.Node{}}
	out, _ := g.node(e).(nodes.Expression)
	if out == nil {
		return e
	}
	return out
}

// guardCall rewrites the arguments of a call in place.
func guardCall(c *nodes.Call) {
	if c == nil {
		return
	}
	g := rewriter{seen: map[nodes.Node]nodes.Node{}}
	g.call(c)
}

// guardItems makes a loop's iterable count its items as steps.
func guardItems(e nodes.Expression) nodes.Expression {
	tok := e.Position()
	return &nodes.Call{Location: tok, Func: &nodes.Name{Name: nameToken("paved:items", tok)}, Args: []nodes.Expression{e}, Kwargs: map[string]nodes.Expression{}}
}

func nameToken(name string, at *tokens.Token) *tokens.Token {
	t := &tokens.Token{Type: tokens.Name, Val: name}
	if at != nil {
		t.Pos, t.Line, t.Col = at.Pos, at.Line, at.Col
	}
	return t
}

// rewriter keeps shared nodes shared (a method call's Parent is its
// receiver node).
type rewriter struct{ seen map[nodes.Node]nodes.Node }

func (g rewriter) expr(e nodes.Expression) nodes.Expression {
	if e == nil {
		return nil
	}
	if out, ok := g.node(e).(nodes.Expression); ok {
		return out
	}
	return e
}

func (g rewriter) exprs(es []nodes.Expression) {
	for i := range es {
		es[i] = g.expr(es[i])
	}
}

func (g rewriter) kwargs(m map[string]nodes.Expression) {
	for k, v := range m {
		m[k] = g.expr(v)
	}
}

func (g rewriter) call(c *nodes.Call) {
	c.Func = g.node(c.Func)
	c.Parent = g.node(c.Parent)
	g.exprs(c.Args)
	g.kwargs(c.Kwargs)
}

func (g rewriter) node(n nodes.Node) nodes.Node {
	if n == nil {
		return nil
	}
	if out, ok := g.seen[n]; ok {
		return out
	}
	out := n
	switch t := n.(type) {
	case *nodes.BinaryExpression:
		t.Left, t.Right = g.expr(t.Left), g.expr(t.Right)
		if t.Operator != nil && t.Operator.Token != nil {
			if fn, ok := guarded[t.Operator.Token.Type]; ok {
				out = &nodes.Call{Location: t.Operator.Token, Func: &nodes.Name{Name: nameToken(fn, t.Operator.Token)},
					Args: []nodes.Expression{t.Left, t.Right}, Kwargs: map[string]nodes.Expression{}}
			}
		}
	case *nodes.FilteredExpression:
		t.Expression = g.expr(t.Expression)
		for _, f := range t.Filters {
			g.exprs(f.Args)
			g.kwargs(f.Kwargs)
		}
	case *nodes.TestExpression:
		t.Expression = g.expr(t.Expression)
		if t.Test != nil {
			g.exprs(t.Test.Args)
			g.kwargs(t.Test.Kwargs)
		}
	case *nodes.Call:
		g.call(t)
	case *nodes.GetItem:
		t.Node, t.Arg = g.node(t.Node), g.node(t.Arg)
	case *nodes.GetSlice:
		t.Node, t.Start, t.End, t.Step = g.node(t.Node), g.node(t.Start), g.node(t.End), g.node(t.Step)
	case *nodes.GetAttribute:
		t.Node = g.node(t.Node)
	case *nodes.Negation:
		t.Term = g.expr(t.Term)
	case *nodes.UnaryExpression:
		t.Term = g.expr(t.Term)
	case *nodes.List:
		g.exprs(t.Val)
	case *nodes.Tuple:
		g.exprs(t.Val)
	case *nodes.Dict:
		for _, p := range t.Pairs {
			p.Key, p.Value = g.expr(p.Key), g.expr(p.Value)
		}
	case *nodes.Pair:
		t.Key, t.Value = g.expr(t.Key), g.expr(t.Value)
	}
	g.seen[n] = out
	return out
}

// binary unpacks the two operands of a guarded operator.
func binary(va *exec.VarArgs) (*exec.Value, *exec.Value, bool) {
	if len(va.Args) != 2 {
		return nil, nil, false
	}
	return va.Args[0], va.Args[1], true
}

var errOperands = errors.New("an operator lost an operand")

func tooBig(e *exec.Evaluator, what string) *exec.Value {
	st := stateOf(e.Environment.Context)
	return exec.AsValue(st.failf("%s would be larger than the %d MiB a rendered text may have", what, MaxRenderedBytes>>20))
}

func opMul(e *exec.Evaluator, va *exec.VarArgs) *exec.Value {
	l, r, ok := binary(va)
	if !ok {
		return exec.AsValue(errOperands)
	}
	if l.IsFloat() || r.IsFloat() {
		return exec.AsValue(l.Float() * r.Float())
	}
	if l.IsString() {
		s, n := l.String(), r.Integer()
		if n < 0 {
			return exec.AsValue(fmt.Errorf("a text cannot be repeated a negative number of times (%d)", n))
		}
		if n > 0 && len(s) > MaxRenderedBytes/n {
			return tooBig(e, fmt.Sprintf("repeating a text of %d bytes %d times", len(s), n))
		}
		if err := stateOf(e.Environment.Context).step(1 + len(s)*n/4096); err != nil {
			return exec.AsValue(err)
		}
		return exec.AsValue(strings.Repeat(s, n))
	}
	return exec.AsValue(l.Integer() * r.Integer())
}

func opAdd(e *exec.Evaluator, va *exec.VarArgs) *exec.Value {
	l, r, ok := binary(va)
	if !ok {
		return exec.AsValue(errOperands)
	}
	if l.IsList() {
		if !r.IsList() {
			return exec.AsValue(fmt.Errorf("a list can only be added to a list, not to %s", r.String()))
		}
		a, b := reflect.ValueOf(l.Interface()), reflect.ValueOf(r.Interface())
		if a.Len()+b.Len() > MaxListItems {
			return exec.AsValue(stateOf(e.Environment.Context).failf("adding the lists would make one of more than %d items", MaxListItems))
		}
		if err := stateOf(e.Environment.Context).step(1 + a.Len() + b.Len()); err != nil {
			return exec.AsValue(err)
		}
		out := make([]any, 0, a.Len()+b.Len())
		for _, v := range []reflect.Value{a, b} {
			for i := range v.Len() {
				out = append(out, v.Index(i).Interface())
			}
		}
		return exec.AsValue(out)
	}
	if l.IsFloat() || r.IsFloat() {
		return exec.AsValue(l.Float() + r.Float())
	}
	if l.IsString() || r.IsString() {
		return concat(e, l, r)
	}
	return exec.AsValue(l.Integer() + r.Integer())
}

func opCat(e *exec.Evaluator, va *exec.VarArgs) *exec.Value {
	l, r, ok := binary(va)
	if !ok {
		return exec.AsValue(errOperands)
	}
	return concat(e, l, r)
}

func concat(e *exec.Evaluator, l, r *exec.Value) *exec.Value {
	if sizeOf(l.Interface(), MaxRenderedBytes)+sizeOf(r.Interface(), MaxRenderedBytes) > MaxRenderedBytes {
		return tooBig(e, "joining the two texts")
	}
	ls, rs := l.String(), r.String()
	if len(ls)+len(rs) > MaxRenderedBytes {
		return tooBig(e, "joining the two texts")
	}
	if err := stateOf(e.Environment.Context).step(1 + (len(ls)+len(rs))/4096); err != nil {
		return exec.AsValue(err)
	}
	return exec.AsValue(ls + rs)
}

var errDivZero = errors.New("division by zero")

func opMod(_ *exec.Evaluator, va *exec.VarArgs) *exec.Value {
	l, r, ok := binary(va)
	if !ok {
		return exec.AsValue(errOperands)
	}
	d := r.Integer()
	if d == 0 {
		return exec.AsValue(fmt.Errorf("%w (the right side of %% is 0)", errDivZero))
	}
	return exec.AsValue(l.Integer() % d)
}

func opDiv(_ *exec.Evaluator, va *exec.VarArgs) *exec.Value {
	l, r, ok := binary(va)
	if !ok {
		return exec.AsValue(errOperands)
	}
	if r.Float() == 0 {
		return exec.AsValue(fmt.Errorf("%w (the right side of / is 0)", errDivZero))
	}
	return exec.AsValue(l.Float() / r.Float())
}

func opFloorDiv(_ *exec.Evaluator, va *exec.VarArgs) *exec.Value {
	l, r, ok := binary(va)
	if !ok {
		return exec.AsValue(errOperands)
	}
	if r.Float() == 0 {
		return exec.AsValue(fmt.Errorf("%w (the right side of // is 0)", errDivZero))
	}
	return exec.AsValue(int(l.Float() / r.Float()))
}

// loopItems passes a loop's iterable through, counting its items as steps.
func loopItems(e *exec.Evaluator, va *exec.VarArgs) *exec.Value {
	if len(va.Args) != 1 {
		return exec.AsValue(errOperands)
	}
	v := va.Args[0]
	if v.IsError() {
		return v
	}
	if err := stateOf(e.Environment.Context).step(items(v.Interface())); err != nil {
		return exec.AsValue(err)
	}
	return v
}

// items is how many items a value has when iterated (strings by byte,
// which over-counts multi-byte characters: fine for a budget).
func items(v any) int {
	switch t := v.(type) {
	case string:
		return len(t)
	case []any:
		return len(t)
	case map[string]any:
		return len(t)
	case *exec.Value:
		return items(t.Interface())
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.String:
		return rv.Len()
	}
	return 0
}

// sizeOf estimates the bytes a value takes as text, without making the
// text (a string: exactly its length). It stops counting once it passes
// limit, and treats values nested more than 1,000 deep (or holding
// themselves) as larger than any limit.
func sizeOf(v any, limit int) int {
	n := 0
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if n > limit {
			return
		}
		if depth > 1000 {
			n = limit + 1
			return
		}
		switch t := v.(type) {
		case nil:
			n += 4
		case string:
			n += len(t)
		case bool:
			n += 5
		case int, int64, float64:
			n += 8
		case *exec.Value:
			if t == nil {
				n += 4
				return
			}
			walk(t.Interface(), depth+1)
		case []any:
			n += 2
			for _, x := range t {
				if n > limit {
					return
				}
				n += 4 // quotes and separators
				walk(x, depth+1)
			}
		case map[string]any:
			n += 2
			for k, x := range t {
				if n > limit {
					return
				}
				n += len(k) + 6
				walk(x, depth+1)
			}
		default:
			rv := reflect.ValueOf(v)
			switch rv.Kind() {
			case reflect.String:
				n += rv.Len()
			case reflect.Slice, reflect.Array:
				n += 2
				for i := 0; i < rv.Len() && n <= limit; i++ {
					n += 4
					walk(rv.Index(i).Interface(), depth+1)
				}
			case reflect.Map:
				n += 2
				it := rv.MapRange()
				for it.Next() && n <= limit {
					n += 4
					walk(it.Key().Interface(), depth+1)
					walk(it.Value().Interface(), depth+1)
				}
			case reflect.Pointer:
				if rv.IsNil() {
					n += 4
					return
				}
				walk(rv.Elem().Interface(), depth+1)
			default:
				n += 16
			}
		}
	}
	walk(v, 0)
	return n
}
