package tsgen

import (
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/app/tsgen/internal/fixture"
)

func fixtureSource(t *testing.T) *Source {
	t.Helper()
	src, err := NewSource(".")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func generate(t *testing.T, o Options) string {
	t.Helper()
	out, err := Generate(o)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return string(out)
}

// block returns the declaration that starts with start, up to its closing
// line.
func block(t *testing.T, out, start string) string {
	t.Helper()
	i := strings.Index(out, start)
	if i < 0 {
		t.Fatalf("no %q in:\n%s", start, out)
	}
	rest := out[i:]
	end := strings.Index(rest, "\n}\n")
	if end < 0 {
		t.Fatalf("%q is not closed", start)
	}
	return rest[:end+2]
}

func TestStructFieldsAreWhatEncodingJSONSends(t *testing.T) {
	out := generate(t, Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Source: fixtureSource(t)})
	want := `export interface FixtureItem {
  /** ID identifies it. */
  id: string;
  /** Deep is promoted from *Extra. */
  deep?: string;
  /** Name is the item's name. */
  name: string;
  /** a trailing comment is a doc too */
  note?: string;
  count: string;
  tags: string[];
  labels?: Record<string, string>;
  blob: string;
  at: string;
  seen?: string;
  parent: FixtureItem | null;
  children: (FixtureItem | null)[];
  color: FixtureColor;
  level?: FixtureLevel;
  plain: string;
  any: unknown;
  matrix: number[][];
  inline: {
    a: boolean;
  };
  /** Pattern matches paths like src/*\/main.go. */
  pattern: string;
  "x-dashed": string;
  Untagged: string;
}`
	// Embedded Base's id and *Extra's deep are flattened in field order;
	// Base's own "name" is hidden by Item's; Meta's Clash, met twice at one
	// depth, is left out; "-" and unexported fields are left out; ",string"
	// sends a string; omitempty and omitzero are optional; a pointer
	// without omitempty may be null; []byte is base64; time.Time a string.
	if got := block(t, out, "export interface FixtureItem {"); got != want {
		t.Errorf("FixtureItem:\n%s\nwant:\n%s", got, want)
	}
}

func TestNamedTypesWithConstantsAreUnions(t *testing.T) {
	out := generate(t, Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Source: fixtureSource(t)})
	for _, want := range []string{
		// Untyped constants (NotAColor) are not members.
		`export type FixtureColor = "red" | "green";`,
		// iota + 1, repeated implicitly.
		`export type FixtureLevel = 1 | 2 | 3;`,
		// A struct without JSON fields.
		`export type FixtureEmpty = Record<string, never>;`,
		"/**\n * Color is a named string type with constants: a TypeScript union.\n *\n * Go: fixture.Color.\n */\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FixturePlain") {
		t.Error("a named type without constants must stay its base type")
	}
}

func TestBindingsAreTheExportedMethods(t *testing.T) {
	out := generate(t, Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Source: fixtureSource(t)})
	want := `export interface AppBindings {
  /** Count has no error. */
  Count(): Promise<number>;
  /** Delete returns only an error. */
  Delete(ids: string[]): Promise<void>;
  /** Find may find nothing. */
  Find(in_: string): Promise<FixtureItem | null>;
  /** Get returns one item. */
  Get(id: string, level: FixtureLevel): Promise<FixtureItem>;
  /** List lists items. */
  List(): Promise<FixtureItem[]>;
  /** Touch returns nothing. */
  Touch(arg1: FixtureEmpty, arg2: Record<string, number>): Promise<void>;
}`
	if got := block(t, out, "export interface AppBindings {"); got != want {
		t.Errorf("AppBindings:\n%s\nwant:\n%s", got, want)
	}
}

func TestWithoutSourceThereAreNoDocsNorUnions(t *testing.T) {
	out := generate(t, Options{Bindings: reflect.TypeFor[*fixture.Bindings]()})
	for _, want := range []string{"Get(arg1: string, arg2: number): Promise<FixtureItem>;", "  color: string;\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ID identifies it") {
		t.Error("docs without a Source")
	}
}

func TestEventsAndExtraTypesAreDeclared(t *testing.T) {
	out := generate(t, Options{
		Bindings: reflect.TypeFor[*fixture.Bindings](),
		Extra:    []reflect.Type{reflect.TypeFor[fixture.Extra]()},
		Events:   map[string]reflect.Type{"item:changed": reflect.TypeFor[fixture.Item](), "ping": nil},
	})
	want := "export interface AppEvents {\n  \"item:changed\": FixtureItem;\n  \"ping\": null;\n}\n"
	if !strings.Contains(out, want) {
		t.Errorf("missing %q in:\n%s", want, out)
	}
	if !strings.Contains(out, "export interface FixtureExtra {\n  deep: string;\n}") {
		t.Errorf("Extra type not declared:\n%s", out)
	}
}

func TestOutputIsTheSameEveryTime(t *testing.T) {
	o := Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Source: fixtureSource(t),
		Events: map[string]reflect.Type{"a": nil, "b": nil, "c": reflect.TypeFor[fixture.Extra]()}}
	first := generate(t, o)
	for range 5 {
		o.Source = fixtureSource(t)
		if got := generate(t, o); got != first {
			t.Fatal("two runs differ: map order leaked into the output")
		}
	}
}

func TestWhatJSONCannotSayIsAnError(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		want string
	}{
		{"no bindings", Options{}, "Options.Bindings is nil"},
		{"channel", Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Extra: []reflect.Type{reflect.TypeFor[fixture.Unsupported]()}},
			"field c: chan int (chan) cannot be sent as JSON"},
		{"own MarshalJSON", Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Extra: []reflect.Type{reflect.TypeFor[fixture.Custom]()}},
			"fixture.Custom has its own MarshalJSON"},
		{"name clash", Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Extra: []reflect.Type{reflect.TypeFor[fixture.Thing](), reflect.TypeFor[fixture.FixtureThing]()}},
			"fixture.Thing and fixture.FixtureThing would both be TypeScript FixtureThing"},
		{"two results", Options{Bindings: reflect.TypeFor[fixture.TwoResults]()},
			"fixture.TwoResults.Pair returns 2 values besides an error"},
		{"map key", Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Extra: []reflect.Type{reflect.TypeFor[map[fixture.Extra]int]()}},
			"map key fixture.Extra cannot be a JSON object key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Generate(c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestNamesArePackageThenType(t *testing.T) {
	for _, c := range []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[fixture.Item](), "FixtureItem"},
		{reflect.TypeFor[fixture.FixtureThing](), "FixtureThing"},
		{reflect.TypeFor[struct{}](), ""},
	} {
		if got := tsName(c.t); got != c.want {
			t.Errorf("tsName(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestNewSourceNeedsAModule(t *testing.T) {
	if _, err := NewSource(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Fatalf("err = %v, want one saying there is no go.mod", err)
	}
}

// members returns the top-level property names of a generated interface,
// and which of them are optional.
func members(t *testing.T, decl string) (all, optional []string) {
	t.Helper()
	for _, m := range regexp.MustCompile(`(?m)^  ("[^"]+"|[A-Za-z_$][\w$]*)(\??):`).FindAllStringSubmatch(decl, -1) {
		name := strings.Trim(m[1], `"`)
		all = append(all, name)
		if m[2] == "?" {
			optional = append(optional, name)
		}
	}
	slices.Sort(all)
	slices.Sort(optional)
	return all, optional
}

func jsonKeys(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(m))
}

// TestMembersMatchEncodingJSON checks the generator against encoding/json
// itself: a full value sends every member, a zero value every member but
// the optional ones.
func TestMembersMatchEncodingJSON(t *testing.T) {
	out := generate(t, Options{Bindings: reflect.TypeFor[*fixture.Bindings](), Source: fixtureSource(t)})
	all, optional := members(t, block(t, out, "export interface FixtureItem {"))

	now := time.Now()
	full := fixture.Item{Extra: &fixture.Extra{Deep: "d"}, Note: "n", Labels: map[string]string{"a": "b"}, Seen: &now, Level: fixture.High}
	if got := jsonKeys(t, full); !slices.Equal(got, all) {
		t.Errorf("a full Item sends %v; the TypeScript declares %v", got, all)
	}
	zero := jsonKeys(t, fixture.Item{})
	var required []string
	for _, k := range all {
		if !slices.Contains(optional, k) {
			required = append(required, k)
		}
	}
	if !slices.Equal(zero, required) {
		t.Errorf("a zero Item sends %v; the TypeScript requires %v", zero, required)
	}
}
