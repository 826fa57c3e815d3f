package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/warn"
)

// What crosses the window/browser bridge: errors as {message, kind,
// problems[]}, results without null lists, warnings as events.

func TestStatusFollowsTheErrorKind(t *testing.T) {
	for _, tt := range []struct {
		kind problem.Kind
		code int
	}{
		{problem.Invalid, http.StatusBadRequest},
		{problem.NotFound, http.StatusNotFound},
		{problem.Conflict, http.StatusConflict},
		{problem.Forbidden, http.StatusForbidden},
		{problem.Unavailable, http.StatusServiceUnavailable},
		{problem.Canceled, 499},
		{problem.Internal, http.StatusInternalServerError},
		{"something-new", http.StatusInternalServerError},
	} {
		if got := statusOf(tt.kind); got != tt.code {
			t.Errorf("statusOf(%s) = %d, want %d", tt.kind, got, tt.code)
		}
	}
}

var errSentinel = errors.New("the cause")

// richError is what a template's values check returns: several problems,
// each with its place and fix, under a wrapping message.
func richError() error {
	return fmt.Errorf("scaffold go-service: %w", &problem.Error{
		Kind:    problem.Invalid,
		Message: "the values do not fit template go-service",
		Problems: problem.List{
			{File: "template.yaml", Line: 12, Field: "values.name", Message: "is required", Fix: "fill in the name"},
			{Field: "owner", Message: "group:default/nobody is not a group"},
		},
		Err: errSentinel,
	})
}

// fakeMethods serve functions as bound methods.
func fakeMethods(fns map[string]any) map[string]method {
	out := map[string]method{}
	for name, fn := range fns {
		v := reflect.ValueOf(fn)
		in := make([]reflect.Type, v.Type().NumIn())
		for i := range in {
			in[i] = v.Type().In(i)
		}
		out[name] = method{fn: v, in: in}
	}
	return out
}

func TestAnErrorWithProblemsArrivesIntactThroughTheHTTPBridge(t *testing.T) {
	type listing struct {
		Items []string            `json:"items"`
		Tags  map[string][]string `json:"tags"`
	}
	srv, _ := serveSession(t, func(s *session) http.Handler {
		return serveMethods(fakeMethods(map[string]any{
			"Raw":      func() (int, error) { return 0, richError() },
			"Replied":  func() (int, error) { return reply(0, richError()) },
			"Missing":  func() error { return replyErr(problem.NotFoundf("no entity component:default/x")) },
			"Busy":     func() error { return problem.New(problem.Conflict, "a sync is running") },
			"Canceled": func() error { return fmt.Errorf("render: %w", context.Canceled) },
			"Panics":   func() (int, error) { var m map[string]int; m["x"] = 1; return 0, nil },
			"Nil":      func() (listing, error) { return listing{}, nil },
		}), newHub(), testAssets(), s)
	})
	want := problem.Describe(richError())
	for _, m := range []string{"Raw", "Replied"} {
		code, out := call(t, srv, m, `[]`)
		got := errorOf(t, out)
		if code != http.StatusBadRequest || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s = %d\n%+v\nwant 400\n%+v", m, code, got, want)
		}
	}
	for _, tt := range []struct {
		method string
		code   int
		kind   problem.Kind
	}{
		{"Missing", http.StatusNotFound, problem.NotFound},
		{"Busy", http.StatusConflict, problem.Conflict},
		{"Canceled", 499, problem.Canceled},
		{"Panics", http.StatusInternalServerError, problem.Internal},
	} {
		code, out := call(t, srv, tt.method, `[]`)
		if d := errorOf(t, out); code != tt.code || d.Kind != tt.kind {
			t.Fatalf("%s = %d %+v, want %d %s", tt.method, code, d, tt.code, tt.kind)
		}
	}
	// The server outlived the panic, and results cross without nulls.
	code, out := call(t, srv, "Nil", `[]`)
	if code != http.StatusOK || string(out["result"]) != `{"items":[],"tags":{}}` {
		t.Fatalf("Nil = %d %s", code, out["result"])
	}
}

func TestWindowRejectsWithTheSameJSON(t *testing.T) {
	a := New(openPaved(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := windowOptions(ctx, cancel, a, testAssets())
	if o.ErrorFormatter == nil || len(o.Bind) != 1 || o.Bind[0] != a {
		t.Fatalf("window options = %+v, want the App bound and an error formatter", o)
	}
	want := problem.Describe(richError())
	_, replied := reply(0, richError())
	for name, err := range map[string]error{"through reply": replied, "straight from a service": richError()} {
		s, ok := o.ErrorFormatter(err).(string)
		if !ok {
			t.Fatalf("%s: the formatter gives %T, want the string the page's promise rejects with", name, o.ErrorFormatter(err))
		}
		var got problem.Described
		if err := json.Unmarshal([]byte(s), &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: window error %s (%v), want %+v", name, s, err, want)
		}
	}
	// The wrapped error is the JSON itself (what Wails would send without
	// the formatter) and still is its cause inside Go.
	if replied.Error() != errorJSON(richError()) {
		t.Fatalf("reply's error text = %s", replied.Error())
	}
	if !errors.Is(replied, errSentinel) || problem.KindOf(replied) != problem.Invalid {
		t.Fatal("reply's error lost its cause or kind")
	}
	if _, again := reply(0, replied); again.Error() != replied.Error() {
		t.Fatalf("wrapping twice nests the JSON: %s", again.Error())
	}
	if _, err := reply(1, nil); err != nil {
		t.Fatalf("reply(nil error) = %v", err)
	}
	// A plain error still has the whole shape.
	var d map[string]any
	if err := json.Unmarshal([]byte(errorJSON(errors.New("boom"))), &d); err != nil ||
		d["message"] != "boom" || d["kind"] != "internal" || d["problems"] == nil {
		t.Fatalf("plain error = %v (%v)", d, err)
	}
}

type leaf struct {
	Names []string `json:"names"`
	Seen  time.Time
}

type node struct {
	Leaf     leaf              `json:"leaf"`
	Ptr      *leaf             `json:"ptr"`
	NilPtr   *leaf             `json:"nilPtr"`
	Leaves   []leaf            `json:"leaves"`
	ByName   map[string][]int  `json:"byName"`
	Nested   map[string]leaf   `json:"nested"`
	Any      any               `json:"any"`
	Array    [2][]string       `json:"array"`
	Raw      json.RawMessage   `json:"raw"`
	Omitted  []string          `json:"omitted,omitempty"`
	Children []*node           `json:"children"`
	Embedded                   // fields promoted as encoding/json does
	hidden   []string          // unexported: not encoded, left alone
	Stamps   map[string]string `json:"stamps"`
}

// Embedded is embedded in node.
type Embedded struct {
	Extra []string `json:"extra"`
}

func TestResultsCrossWithEmptyListsNotNull(t *testing.T) {
	shared := &leaf{}
	in := node{
		Ptr:      shared,
		Leaves:   []leaf{{Names: []string{"a"}}, {}},
		ByName:   map[string][]int{"a": nil, "b": {1}},
		Nested:   map[string]leaf{"x": {}},
		Any:      []leaf{{}},
		Children: []*node{{}},
	}
	out := emptySlices(in)
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		`"leaf":{"names":[]`,
		`"ptr":{"names":[]`,
		`"nilPtr":null`, // an absent value stays absent
		`"leaves":[{"names":["a"]`,
		`{"names":[],"Seen"`,
		`"byName":{"a":[],"b":[1]}`,
		`"nested":{"x":{"names":[]`,
		`"any":[{"names":[]`,
		`"array":[[],[]]`,
		`"raw":null`, // types with their own encoding are theirs
		`"extra":[]`,
		`"stamps":{}`,
		`"children":[{"leaf":{"names":[]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "omitted") {
		t.Errorf("an omitempty list appeared: %s", got)
	}
	// The input (and what it points to, which a service may share with
	// other callers) is untouched.
	if shared.Names != nil || in.ByName["a"] != nil || in.Leaves[1].Names != nil || in.Nested["x"].Names != nil || in.Children[0].Leaves != nil {
		t.Fatal("emptySlices modified its input")
	}
	if out.hidden != nil {
		t.Fatal("an unexported field was filled")
	}
	if out.Ptr == shared {
		t.Fatal("a changed pointee was not copied")
	}
	// Nothing to change: the very same value back.
	full := leaf{Names: []string{"a"}}
	if got := emptySlices(&full); got != &full {
		t.Fatal("an unchanged pointer was copied")
	}
	if got := emptySlices[any](nil); got != nil {
		t.Fatalf("emptySlices(nil) = %v", got)
	}
	if got := emptySlices([]string(nil)); got == nil || len(got) != 0 {
		t.Fatalf("emptySlices(nil slice) = %#v", got)
	}
}

// The window's results go through reply, so a service's nil list reaches
// the page as [] without the browser bridge's help.
func TestWindowResultsCrossWithEmptyLists(t *testing.T) {
	a := New(openPaved(t))
	entries, err := a.Audit(10)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(entries); string(b) != "[]" {
		t.Fatalf("Audit on a fresh home = %s, want []", b)
	}
}

// Every bound method must return through reply or replyErr: in the window
// nothing else normalises its result or shapes its error.
func TestEveryMethodReturnsThroughReply(t *testing.T) {
	// app/goldenpath.go's methods are being restructured with the golden
	// path library; they adopt reply there (see the package doc).
	pending := map[string]bool{}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || pending[f] {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || fn.Type.Results == nil || !isApp(fn.Recv) {
				continue
			}
			seen++
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if _, ok := n.(*ast.FuncLit); ok {
					return false // a closure's returns are not the method's
				}
				ret, ok := n.(*ast.ReturnStmt)
				if !ok {
					return true
				}
				if len(ret.Results) != 1 || !isReplyCall(ret.Results[0]) {
					t.Errorf("%s: App.%s returns without reply/replyErr", fset.Position(ret.Pos()), fn.Name.Name)
				}
				return true
			})
		}
	}
	if seen < 10 {
		t.Fatalf("found only %d App methods: the check is not looking at the right files", seen)
	}
}

func isApp(recv *ast.FieldList) bool {
	if len(recv.List) != 1 {
		return false
	}
	star, ok := recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "App"
}

func isReplyCall(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := c.Fun.(*ast.Ident)
	return ok && (id.Name == "reply" || id.Name == "replyErr")
}

// recordEmitter keeps what the App emits.
type recordEmitter struct {
	mu     sync.Mutex
	events []string
	ch     chan string
}

func (r *recordEmitter) Emit(name string, data any) {
	b, _ := json.Marshal(data)
	ev := name + " " + string(b)
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	if r.ch != nil {
		r.ch <- ev
	}
}

// relay is a WarningRelay as the CLI makes one.
type relay struct {
	mu sync.Mutex
	to warn.Sink
}

func (r *relay) Warn(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.to != nil {
		r.to.Warn(err)
	}
}

func (r *relay) Relay(to warn.Sink) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	prev := r.to
	r.to = to
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.to = prev
	}
}

func TestWarningsReachTheUIWhileItIsOpen(t *testing.T) {
	a := New(openPaved(t))
	em := &recordEmitter{}
	cli := &warn.Recorder{}
	r := &relay{to: cli}
	closed := a.open(context.Background(), em, r)
	r.Warn(errors.New("audit entry not written: disk full"))
	closed()
	r.Warn(errors.New("after the window closed"))
	if !slices.Equal(em.events, []string{`paved:warning {"message":"audit entry not written: disk full"}`}) {
		t.Fatalf("UI events = %q", em.events)
	}
	if errs := cli.Errors(); len(errs) != 1 || errs[0].Error() != "after the window closed" {
		t.Fatalf("after closing, warnings went to %v, want back to the CLI's sink", errs)
	}
	// The HTTP server's own complaints become warnings too.
	log.New(warnWriter{a.warnings()}, "browser mode: ", 0).Printf("http: bad request line")
	if last := em.events[len(em.events)-1]; last != `paved:warning {"message":"browser mode: http: bad request line"}` {
		t.Fatalf("server log line became %q", last)
	}
}

func TestAFailedFirstSyncIsAWarningNotSilence(t *testing.T) {
	p := openPaved(t)
	a := New(p)
	em := &recordEmitter{ch: make(chan string, 16)}
	ctx, cancel := context.WithCancel(context.Background())
	a.open(ctx, em, nil)
	p.Store.Close() // the first sync cannot read its sources
	done := make(chan struct{})
	go func() { defer close(done); a.background(ctx) }()
	defer func() { cancel(); <-done }()
	guard := time.After(60 * time.Second) // against a hang, not a timing assertion
	for {
		select {
		case ev := <-em.ch:
			if strings.HasPrefix(ev, EventWarning+" ") {
				if !strings.Contains(ev, "first catalog sync failed") {
					t.Fatalf("warning %s does not say what failed", ev)
				}
				return
			}
		case <-guard:
			t.Fatal("no warning for a failed first sync")
		}
	}
}

func TestEventsCrossWithEmptyListsToo(t *testing.T) {
	a := New(openPaved(t))
	em := &recordEmitter{}
	a.attach(context.Background(), em)
	a.send(EventEnvLog, EnvLogBatch{Stream: "s"})
	if want := `env:log {"stream":"s","lines":[]}`; len(em.events) != 1 || em.events[0] != want {
		t.Fatalf("events = %q, want %q", em.events, want)
	}
}
