package tsgen

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Source reads the Go declarations of one module's packages: doc comments
// of types, fields and methods, methods' parameter names, and the constants
// declared with a named type (which become TypeScript unions). Packages
// outside the module contribute nothing. A nil *Source knows nothing.
type Source struct {
	root   string // the module's directory
	module string // its path, from go.mod
	pkgs   map[string]*pkgSource
}

// pkgSource is what one package declares.
type pkgSource struct {
	typeDocs  map[string]string            // type → doc
	fieldDocs map[string]map[string]string // type → field → doc
	methods   map[string]methodSource      // "Recv.Method" → its names and doc
	consts    map[string][]string          // type → TypeScript literals, in declaration order
}

type methodSource struct {
	params []string
	doc    string
}

// NewSource reads the module whose go.mod is in dir or above it.
func NewSource(dir string) (*Source, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("tsgen: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if module, err := modulePath(filepath.Join(d, "go.mod")); err == nil {
			return &Source{root: d, module: module, pkgs: map[string]*pkgSource{}}, nil
		} else if !os.IsNotExist(err) {
			return nil, err
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("tsgen: no go.mod in %s or above it: run the generator inside the Paved module", dir)
		}
	}
}

func modulePath(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("tsgen: read %s: %w", gomod, err)
	}
	return "", fmt.Errorf("tsgen: %s has no module line", gomod)
}

// pkg parses the package at import path p once (nil outside the module or
// when it cannot be read: docs are a help, not a requirement).
func (s *Source) pkg(p string) *pkgSource {
	if s == nil {
		return nil
	}
	if ps, ok := s.pkgs[p]; ok {
		return ps
	}
	var ps *pkgSource
	if rel, ok := strings.CutPrefix(p, s.module); ok && (rel == "" || rel[0] == '/') {
		ps = parsePackage(filepath.Join(s.root, filepath.FromSlash(strings.TrimPrefix(rel, "/"))))
	}
	s.pkgs[p] = ps
	return ps
}

func (s *Source) typeDoc(pkg, typ string) string {
	if ps := s.pkg(pkg); ps != nil {
		return ps.typeDocs[typ]
	}
	return ""
}

func (s *Source) fieldDoc(pkg, typ, field string) string {
	if ps := s.pkg(pkg); ps != nil {
		return ps.fieldDocs[typ][field]
	}
	return ""
}

func (s *Source) method(pkg, recv, name string) (params []string, doc string) {
	if ps := s.pkg(pkg); ps != nil {
		m := ps.methods[recv+"."+name]
		return m.params, m.doc
	}
	return nil, ""
}

func (s *Source) consts(pkg, typ string) []string {
	if ps := s.pkg(pkg); ps != nil {
		return ps.consts[typ]
	}
	return nil
}

// parsePackage reads the non-test Go files in dir (every build variant; the
// first declaration of a name wins, files in name order).
func parsePackage(dir string) *pkgSource {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	ps := &pkgSource{
		typeDocs:  map[string]string{},
		fieldDocs: map[string]map[string]string{},
		methods:   map[string]methodSource{},
		consts:    map[string][]string{},
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				switch d.Tok {
				case token.TYPE:
					ps.addTypes(d)
				case token.CONST:
					ps.addConsts(d)
				}
			case *ast.FuncDecl:
				ps.addMethod(d)
			}
		}
	}
	return ps
}

func (ps *pkgSource) addTypes(d *ast.GenDecl) {
	for _, spec := range d.Specs {
		ts := spec.(*ast.TypeSpec)
		name := ts.Name.Name
		if _, seen := ps.typeDocs[name]; seen {
			continue
		}
		doc := ts.Doc
		if doc == nil && len(d.Specs) == 1 {
			doc = d.Doc
		}
		ps.typeDocs[name] = doc.Text()
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		fields := map[string]string{}
		for _, f := range st.Fields.List {
			text := f.Doc.Text()
			if text == "" {
				text = f.Comment.Text()
			}
			for _, n := range f.Names {
				fields[n.Name] = text
			}
		}
		ps.fieldDocs[name] = fields
	}
}

// addConsts records constants declared with a named type, including the
// ones of a block that repeat the previous spec's type implicitly.
func (ps *pkgSource) addConsts(d *ast.GenDecl) {
	var typ string
	var implicit []ast.Expr // the last explicit values, for iota repeats
	iota := 0
	for _, spec := range d.Specs {
		vs := spec.(*ast.ValueSpec)
		switch {
		case vs.Type != nil:
			typ = ""
			if id, ok := vs.Type.(*ast.Ident); ok {
				typ = id.Name
			}
			implicit = vs.Values
		case len(vs.Values) > 0:
			typ, implicit = "", vs.Values // untyped: not a member of a named type
		}
		values := vs.Values
		if len(values) == 0 {
			values = implicit
		}
		if typ != "" {
			for i := range vs.Names {
				if vs.Names[i].Name == "_" || i >= len(values) {
					continue
				}
				if lit, ok := literal(values[i], iota); ok {
					ps.consts[typ] = append(ps.consts[typ], lit)
				}
			}
		}
		iota++
	}
}

// literal is a constant expression as a TypeScript literal: a string or
// number literal, or iota (plus or minus a number).
func literal(e ast.Expr, iota int) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				return "", false
			}
			return quote(s), true
		case token.INT, token.FLOAT:
			return e.Value, true
		}
	case *ast.Ident:
		if e.Name == "iota" {
			return strconv.Itoa(iota), true
		}
	case *ast.BinaryExpr:
		id, ok := e.X.(*ast.Ident)
		lit, ok2 := e.Y.(*ast.BasicLit)
		if !ok || !ok2 || id.Name != "iota" || lit.Kind != token.INT {
			return "", false
		}
		n, err := strconv.Atoi(lit.Value)
		if err != nil {
			return "", false
		}
		switch e.Op {
		case token.ADD:
			return strconv.Itoa(iota + n), true
		case token.SUB:
			return strconv.Itoa(iota - n), true
		}
	}
	return "", false
}

func (ps *pkgSource) addMethod(d *ast.FuncDecl) {
	if d.Recv == nil || len(d.Recv.List) != 1 {
		return
	}
	rt := d.Recv.List[0].Type
	if st, ok := rt.(*ast.StarExpr); ok {
		rt = st.X
	}
	id, ok := rt.(*ast.Ident)
	if !ok {
		return
	}
	var params []string
	for _, f := range d.Type.Params.List {
		if len(f.Names) == 0 {
			params = append(params, "")
		}
		for _, n := range f.Names {
			params = append(params, n.Name)
		}
	}
	ps.methods[id.Name+"."+d.Name.Name] = methodSource{params: params, doc: d.Doc.Text()}
}

// Root is the module's directory.
func (s *Source) Root() string { return s.root }
