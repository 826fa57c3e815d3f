package render

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The guards alone (in this process, no worker) stop every hostile
// template of render_security_test.go, in plain words and at its line: the
// worker is the backstop, not the first line.
func TestGuardsAloneStopTheHostileTemplates(t *testing.T) {
	data := map[string]any{"values": map[string]any{"a": 5, "neg": -3, "zero": 0}}
	for _, c := range hostile {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := withTimeLimit(context.Background(), limits{Time: time.Minute})
			defer cancel()
			_, err := renderLocal(ctx, defaultLimits(), "f", c.src, data, Options{})
			var re *Error
			if !errors.As(err, &re) || re.Line != c.line || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q at line %d", err, c.want, c.line)
			}
			if ctx.Err() != nil {
				t.Fatalf("the guards did not stop it: the test's bound did (%v)", err)
			}
		})
	}
}

func TestCancellingStopsALocalRender(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	lim := limits{Depth: MaxDepth}
	_, err := renderLocal(ctx, lim, "f", "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", nil, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = renderLocal(ctx, lim, "f", "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", nil, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while rendering: %v", err)
	}
}

func TestTheTimeLimitSaysSo(t *testing.T) {
	ctx, cancel := withTimeLimit(context.Background(), limits{Time: 50 * time.Millisecond})
	defer cancel()
	_, err := renderLocal(ctx, limits{}, "f", "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", nil, Options{})
	var tl timeLimit
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "takes longer than 50ms") {
		t.Fatalf("err = %v", err)
	}
}

func TestTextWithoutTemplateSyntaxRendersAsItIs(t *testing.T) {
	for _, src := range []string{"", "plain", "a }} b %} c #}", "{{ cookiecutter }} under Backstage", "line\nline\n", "${ not an expression }", "{ {% raw", "\t \n"} {
		if !plainText(src, Options{}) {
			if strings.Contains(src, "{%") {
				continue
			}
			t.Errorf("%q is not plain", src)
			continue
		}
		got, err := renderLocal(context.Background(), defaultLimits(), "f", src, nil, Options{})
		if err != nil || got != src {
			t.Errorf("%q => %q, %v", src, got, err)
		}
	}
	if plainText("a\r\nb", Options{}) || plainText("${{ x }}", Options{}) || plainText("{{ x }}", Options{Syntax: Cookiecutter}) || plainText("{# c #}", Options{}) {
		t.Error("text with template syntax or a carriage return counted as plain")
	}
}

func TestStaticBoundsHoldAtTheirLimit(t *testing.T) {
	cfg := Options{}.config()
	parens := func(n int) string { return "${{ " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + " }}" }
	blocks := func(n int) string { return strings.Repeat("{% if true %}", n) + strings.Repeat("{% endif %}", n) }
	// MaxTagTokens counts the parts between the delimiters.
	parts := func(n int) string { return "${{ 1" + strings.Repeat(" ~ 1", (n-1)/2) + " }}" }
	for _, c := range []struct {
		src string
		ok  bool
	}{
		{parens(MaxBracketNesting), true}, {parens(MaxBracketNesting + 1), false},
		{blocks(MaxBlockNesting), true}, {blocks(MaxBlockNesting + 1), false},
		{parts(MaxTagTokens), true}, {parts(MaxTagTokens + 2), false},
		{strings.Repeat("{% set x = 1 %}", 500), true},
		{strings.Repeat("{% set x %}", MaxBlockNesting+1) + strings.Repeat("{% endset %}", MaxBlockNesting+1), false},
	} {
		if err := prescan(c.src, cfg); (err == nil) != c.ok {
			t.Errorf("%.40q...: %v, want ok=%v", c.src, err, c.ok)
		}
	}
}

func TestParseCacheKeepsTheMostRecentlyUsed(t *testing.T) {
	c := newParseCache(40)
	key := func(s string) cacheKey { return cacheKey{src: s} }
	c.put(key("aaaaaaaaaa"), nil, nil) // 10 bytes each
	c.put(key("bbbbbbbbbb"), nil, nil)
	c.put(key("cccccccccc"), nil, nil)
	c.put(key("dddddddddd"), nil, nil)
	if _, _, ok := c.get(key("aaaaaaaaaa")); !ok { // a is now the most recent
		t.Fatal("a was evicted within the budget")
	}
	c.put(key("eeeeeeeeee"), nil, nil) // evicts b, the least recent
	for s, want := range map[string]bool{"aaaaaaaaaa": true, "bbbbbbbbbb": false, "cccccccccc": true, "dddddddddd": true, "eeeeeeeeee": true} {
		if _, _, ok := c.get(key(s)); ok != want {
			t.Errorf("%s cached = %v, want %v", s[:1], ok, want)
		}
	}
	if c.bytes != 40 || len(c.items) != 4 {
		t.Errorf("%d bytes in %d entries", c.bytes, len(c.items))
	}
	c.put(key(strings.Repeat("z", 11)), nil, nil) // over a quarter of the budget: not kept
	if _, _, ok := c.get(key(strings.Repeat("z", 11))); ok {
		t.Error("a template larger than a quarter of the cache was kept")
	}
	var none *parseCache
	none.put(key("x"), nil, nil)
	if _, _, ok := none.get(key("x")); ok {
		t.Error("a nil cache kept something")
	}
}

func TestACachedTemplateRendersLikeANewOne(t *testing.T) {
	en := &engine{cache: newParseCache(1 << 20)}
	src := "{% set n = values.n * 2 %}{% macro m(x) %}<${{ x }}>{% endmacro %}${{ m(n) }}{% for i in range(values.n) %}${{ i }}{% endfor %}"
	for n := 1; n <= 3; n++ {
		got, err := en.text(context.Background(), defaultLimits(), "f", src, map[string]any{"values": map[string]any{"n": n}}, Options{})
		want, _ := renderLocal(context.Background(), defaultLimits(), "f", src, map[string]any{"values": map[string]any{"n": n}}, Options{})
		if err != nil || got != want {
			t.Fatalf("n=%d: %q, %v; want %q", n, got, err, want)
		}
	}
	if _, err := en.text(context.Background(), defaultLimits(), "a.njk", "${{ x ", nil, Options{}); err == nil {
		t.Fatal("no syntax error")
	}
	_, err := en.text(context.Background(), defaultLimits(), "b.njk", "${{ x ", nil, Options{})
	var re *Error
	if !errors.As(err, &re) || re.Name != "b.njk" {
		t.Fatalf("a cached syntax error names %v", err)
	}
}

func TestSizeOfStopsEarlyAndSeesCycles(t *testing.T) {
	big := strings.Repeat("x", 1000)
	list := make([]any, 1_000_000)
	for i := range list {
		list[i] = big
	}
	if n := sizeOf(list, 10_000); n <= 10_000 || n > 20_000 {
		t.Errorf("sizeOf a 1 GB list with limit 10k = %d: it did not stop early", n)
	}
	loop := []any{nil}
	loop[0] = loop
	if n := sizeOf(loop, 1<<20); n <= 1<<20 {
		t.Errorf("a list holding itself measured %d", n)
	}
	if n := sizeOf(map[string]any{"a": "xy", "b": []any{1, true}}, 1<<20); n < 10 || n > 100 {
		t.Errorf("a small map measured %d", n)
	}
}

func TestMessagesAreInPlainWords(t *testing.T) {
	data := map[string]any{"values": map[string]any{"name": "x", "list": []any{1}}}
	for src, want := range map[string]string{
		"${{ values.nope.deeper }}":     "a value is missing (undefined or none)",
		"${{ values.name | nofilter }}": "there is no filter nofilter",
		"${{ values.list.nomethod() }}": "the value has no method nomethod()",
		"${{ 1 % 0 }}":                  "division by zero (the right side of % is 0)",
		"${{ values.name ":              "syntax error: '}}' expected here",
		"{% include 'x' %}":             "templates may not load other files ({% include %})",
		"{% extends 'x' %}":             "templates may not load other files ({% extends %})",
		"{% import 'x' as y %}":         "templates may not load other files ({% import %})",
		"{% from 'x' import y %}":       "templates may not load other files ({% from %})",
		"${{ 'x'|truncate(1) }}":        "truncate: expected length",
		"${{ lipsum(3) }}":              "lipsum() is not available",
	} {
		_, err := renderLocal(context.Background(), defaultLimits(), "f", src, data, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
}

func TestGuardedOperatorsKeepGonjasResults(t *testing.T) {
	data := map[string]any{"values": map[string]any{"l": []any{1, 2}, "s": "ab", "f": 1.5, "i": 7}}
	for src, want := range map[string]string{
		"${{ values.s * 3 }}":                 "ababab",
		"${{ values.i * 2 }}":                 "14",
		"${{ values.f * 2 }}":                 "3.0",
		"${{ values.l + [3] }}":               "[1, 2, 3]",
		"${{ values.s + 'c' }}":               "abc",
		"${{ values.i + values.f }}":          "8.5",
		"${{ values.s ~ values.i }}":          "ab7",
		"${{ values.i % 4 }}":                 "3",
		"${{ values.i / 2 }}":                 "3.5",
		"${{ values.i // 2 }}":                "3",
		"${{ values.s * 0 }}":                 "",
		"${{ 'a' if values.i > 6 else 'b' }}": "a",
	} {
		got, err := renderLocal(context.Background(), defaultLimits(), "f", src, data, Options{})
		if err != nil || got != want {
			t.Errorf("%s => %q, %v; want %q", src, got, err, want)
		}
	}
}

func TestValueKeepsTypesInTheWorker(t *testing.T) {
	data := map[string]any{"parameters": map[string]any{"n": 2, "f": 2.5, "none": nil, "list": []any{"a", nil}}}
	got, err := Value("v", map[string]any{"n": "${{ parameters.n }}", "f": "${{ parameters.f }}", "none": "${{ parameters.none }}",
		"list": "${{ parameters.list }}", "text": "n=${{ parameters.n }}"}, data)
	want := map[string]any{"n": 2, "f": 2.5, "none": nil, "list": []any{"a", nil}, "text": "n=2"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%#v, %v", got, err)
	}
}

func TestValueErrorsNameTheField(t *testing.T) {
	_, err := Value("steps.fetch.input", map[string]any{"url": "${{ 1 % 0 }}"}, nil)
	var re *Error
	if !errors.As(err, &re) || re.Name != "steps.fetch.input.url" || re.Line != 0 {
		t.Fatalf("err = %#v", err)
	}
	if ps := re.ProblemList(); len(ps) != 1 || ps[0].Field != "steps.fetch.input.url" || ps[0].File != "" {
		t.Errorf("problems = %+v", ps)
	}
}

func TestEmptyListsAndMapsStayEmptyNotNil(t *testing.T) {
	got, err := Value("v", map[string]any{"l": "${{ [] }}", "m": "${{ {} }}", "kept": []any{}, "x": "${{ 1 }}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := got.(map[string]any)
	if l, ok := m["l"].([]any); !ok || l == nil {
		t.Errorf("l = %#v", m["l"])
	}
	if mm, ok := m["m"].(map[string]any); !ok || mm == nil {
		t.Errorf("m = %#v", m["m"])
	}
	if k, ok := m["kept"].([]any); !ok || k == nil {
		t.Errorf("kept = %#v", m["kept"])
	}
}

func TestATextOfExactlyTheLimitRenders(t *testing.T) {
	data := map[string]any{"values": map[string]any{"n": MaxRenderedBytes}}
	out, err := renderLocal(context.Background(), defaultLimits(), "f", "${{ 'x' * values.n }}", data, Options{})
	if err != nil || len(out) != MaxRenderedBytes {
		t.Fatalf("%d bytes, %v", len(out), err)
	}
	if _, err := renderLocal(context.Background(), defaultLimits(), "f", "${{ 'x' * values.n }}y", data, Options{}); err == nil {
		t.Fatal("one byte over the limit rendered")
	}
}
