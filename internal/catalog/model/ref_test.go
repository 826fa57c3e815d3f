package model

import (
	"strings"
	"testing"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		d    RefDefaults
		want Ref
	}{
		{"payments-api", RefDefaults{Kind: "Component"}, Ref{"Component", "default", "payments-api"}},
		{"group:team-a", RefDefaults{}, Ref{"group", "default", "team-a"}},
		{"group:team-a", RefDefaults{Kind: "User", Namespace: "ops"}, Ref{"group", "ops", "team-a"}},
		{"user:ops/jdoe", RefDefaults{Kind: "Group", Namespace: "x"}, Ref{"user", "ops", "jdoe"}},
		{"ops/jdoe", RefDefaults{Kind: "User", Namespace: "x"}, Ref{"User", "ops", "jdoe"}},
		{"jdoe", RefDefaults{Kind: "User", Namespace: "billing"}, Ref{"User", "billing", "jdoe"}},
		{"Component:Default/Payments-API", RefDefaults{}, Ref{"Component", "Default", "Payments-API"}},
		{"resource:a.b_c-d.9", RefDefaults{}, Ref{"resource", "default", "a.b_c-d.9"}},
		{"API:x", RefDefaults{Kind: "Component"}, Ref{"API", "default", "x"}},
	}
	for _, tt := range tests {
		got, err := ParseRef(tt.in, tt.d)
		if err != nil || got != tt.want {
			t.Errorf("ParseRef(%q, %+v) = %+v, %v; want %+v", tt.in, tt.d, got, err, tt.want)
		}
	}
}

func TestParseRefErrors(t *testing.T) {
	tests := []struct {
		in   string
		d    RefDefaults
		want string // substring of the error
	}{
		{"", RefDefaults{Kind: "Group"}, "entity reference is empty"},
		{":team-a", RefDefaults{Kind: "Group"}, "empty kind before ':'"},
		{"group:/team-a", RefDefaults{}, "empty namespace before '/'"},
		{"/team-a", RefDefaults{Kind: "Group"}, "empty namespace before '/'"},
		{"group:", RefDefaults{}, "has an empty name"},
		{"group:ops/", RefDefaults{}, "has an empty name"},
		{"payments-db", RefDefaults{}, "has no kind and none is implied here; prefix it with the kind, e.g. component:payments-db"},
		{"ops/payments-db", RefDefaults{Namespace: "x"}, "has no kind"},
		{"a/b/c", RefDefaults{Kind: "Group"}, `invalid name "b/c"`},
		{"default/a:b", RefDefaults{Kind: "Group"}, `invalid name "a:b"`},
		{"grp-1:x", RefDefaults{}, `invalid kind "grp-1"`},
		{"1group:x", RefDefaults{}, `invalid kind "1group"`},
		{"group:Bad_NS/x", RefDefaults{}, `invalid namespace "Bad_NS"`},
		{"x", RefDefaults{Kind: "Group", Namespace: "bad ns"}, `invalid namespace "bad ns"`},
		{"user:john@example.com", RefDefaults{}, `invalid name "john@example.com"`},
		{"group:team-a ", RefDefaults{}, `invalid name "team-a "`},
		{"group:" + strings.Repeat("a", 64), RefDefaults{}, "invalid name"},
	}
	for _, tt := range tests {
		got, err := ParseRef(tt.in, tt.d)
		if err == nil {
			t.Errorf("ParseRef(%q, %+v) = %+v, want error containing %q", tt.in, tt.d, got, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseRef(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if got != (Ref{}) {
			t.Errorf("ParseRef(%q) returned %+v with an error", tt.in, got)
		}
	}
}

func TestRefStringAndKey(t *testing.T) {
	tests := []struct {
		r         Ref
		str, key  string
		roundTrip Ref // ParseRef(String()) result
	}{
		{Ref{"Component", "default", "payments-api"}, "component:default/payments-api", "component:default/payments-api", Ref{"component", "default", "payments-api"}},
		{Ref{"API", "Risk", "Scoring_API"}, "api:Risk/Scoring_API", "api:risk/scoring_api", Ref{"api", "Risk", "Scoring_API"}},
		{Ref{"group", "ops", "team.a"}, "group:ops/team.a", "group:ops/team.a", Ref{"group", "ops", "team.a"}},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.str {
			t.Errorf("%+v.String() = %q, want %q", tt.r, got, tt.str)
		}
		if got := tt.r.Key(); got != tt.key {
			t.Errorf("%+v.Key() = %q, want %q", tt.r, got, tt.key)
		}
		back, err := ParseRef(tt.r.String(), RefDefaults{Kind: "Ignored", Namespace: "ignored"})
		if err != nil || back != tt.roundTrip || back.Key() != tt.r.Key() || back.String() != tt.str {
			t.Errorf("round trip of %+v = %+v, %v", tt.r, back, err)
		}
	}
	// Canonical strings survive parse/format unchanged.
	for _, s := range []string{"component:default/a", "user:ops/jdoe", "api:x/y.z", "location:default/org-data", "template:default/go-service", "customkind:default/thing"} {
		r, err := ParseRef(s, RefDefaults{})
		if err != nil || r.String() != s || r.Key() != s {
			t.Errorf("ParseRef(%q) = %+v, %v; String() = %q", s, r, err, r.String())
		}
	}
	// Refs compare case-insensitively through Key.
	a, _ := ParseRef("Group:Default/Team-A", RefDefaults{})
	b, _ := ParseRef("team-a", RefDefaults{Kind: "group"})
	if a.Key() != b.Key() || a == b {
		t.Errorf("case-insensitive refs: %q vs %q", a.Key(), b.Key())
	}
}

func TestEntityRef(t *testing.T) {
	e := &Entity{Kind: "Component", Metadata: Metadata{Name: "Payments", Namespace: "billing"}}
	if got := e.Ref(); got != (Ref{"Component", "billing", "Payments"}) || got.String() != "component:billing/Payments" {
		t.Errorf("Ref() = %+v", got)
	}
}

func TestNameRules(t *testing.T) {
	tests := []struct {
		fn   func(string) bool
		name string
		good []string
		bad  []string
	}{
		{isValidName, "name",
			[]string{"a", "A", "9", "visits-tracking-service", "CircleciBuildsDumpV2_avro_gcs", "a--b", "a._b", strings.Repeat("x", 63)},
			[]string{"", "-a", "a-", "_a", "a.", "a b", "a/b", "a:b", "ä", strings.Repeat("x", 64)}},
		{isValidDNSLabel, "namespace",
			[]string{"default", "a", "tracking-services", "a1-b2", strings.Repeat("x", 63)},
			[]string{"", "Default", "a_b", "a--b", "-a", "a-", "a.b", strings.Repeat("x", 64)}},
		{isValidTag, "tag",
			[]string{"java", "c++", "c#", "team:a", "go-1", "a-b-c", strings.Repeat("t", 63)},
			[]string{"", "Java", "a_b", "a--b", "-a", "a-", "a b", "a.b", strings.Repeat("t", 64)}},
		{isValidKind, "kind",
			[]string{"Component", "API", "a", "MyKind2"},
			[]string{"", "2Kind", "My-Kind", "My_Kind", strings.Repeat("K", 64)}},
		{isValidKey, "label/annotation key",
			[]string{"a", "example.com/a", "backstage.io/techdocs-ref", "a.b-c/D_e.F", "x/" + strings.Repeat("n", 63)},
			[]string{"", "/a", "a/", "a/b/c", "Example.com/a", "exa_mple.com/a", "example..com/a", "example.com/-a", strings.Repeat("p", 64) + "/a"}},
		{isValidLabelValue, "label value",
			[]string{"", "gold", "CC_1234"},
			[]string{"gold plated", "-x", strings.Repeat("v", 64)}},
		{isValidGroupVersion, "apiVersion",
			[]string{"backstage.io/v1alpha1", "scaffolder.backstage.io/v1beta3", "example.com/v1", "a/B2"},
			[]string{"", "v1", "/v1", "backstage.io/", "backstage.io/v1-alpha", "Backstage.io/v1", "a/b/c"}},
		{hasScheme, "URL scheme",
			[]string{"https://x", "http://x/y", "git+ssh://x", "s3://bucket"},
			[]string{"./a.yaml", "a.yaml", "/abs/a.yaml", "C:\\a.yaml", "://x", "1http://x", "c:/x"}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if !tt.fn(s) {
				t.Errorf("%s %q rejected", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if tt.fn(s) {
				t.Errorf("%s %q accepted", tt.name, s)
			}
		}
	}
}
