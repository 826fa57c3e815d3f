package render

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"

	"github.com/paved-dev/paved/internal/catalog/model"
)

// backstageFilters are the filters Backstage's scaffolder adds to Nunjucks,
// so existing templates render unchanged, plus Nunjucks' dump.
var backstageFilters = map[string]exec.FilterFunction{
	"parseRepoUrl":   filterParseRepoURL,
	"projectSlug":    filterProjectSlug,
	"parseEntityRef": filterParseEntityRef,
	"pick":           filterPick,
	"dump":           filterDump,
}

// parseRepoURL reads Backstage's RepoUrlPicker value,
// "host?owner=o&repo=r[&organization=..&workspace=..&project=..]".
func parseRepoURL(s string) map[string]any {
	host, query, _ := strings.Cut(s, "?")
	out := map[string]any{"host": host}
	q, _ := url.ParseQuery(query)
	for _, k := range []string{"owner", "repo", "organization", "workspace", "project"} {
		if v := q.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

func filterParseRepoURL(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	return exec.AsValue(parseRepoURL(in.String()))
}

func filterProjectSlug(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	r := parseRepoURL(in.String())
	owner, _ := r["owner"].(string)
	if owner == "" {
		owner, _ = r["organization"].(string)
	}
	repo, _ := r["repo"].(string)
	return exec.AsValue(owner + "/" + repo)
}

func filterParseEntityRef(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	d := model.RefDefaults{}
	if len(params.Args) > 0 {
		if m, ok := params.Args[0].Interface().(map[string]any); ok {
			d.Kind, _ = m["defaultKind"].(string)
			d.Namespace, _ = m["defaultNamespace"].(string)
		}
	}
	ref, err := model.ParseRef(in.String(), d)
	if err != nil {
		// Values are validated before a scaffold; a preview of a form not
		// filled in yet still renders.
		ns := d.Namespace
		if ns == "" {
			ns = model.DefaultNamespace
		}
		return exec.AsValue(map[string]any{"kind": strings.ToLower(d.Kind), "namespace": ns, "name": in.String()})
	}
	return exec.AsValue(map[string]any{"kind": strings.ToLower(ref.Kind), "namespace": ref.Namespace, "name": ref.Name})
}

func filterPick(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() || len(params.Args) == 0 {
		return in
	}
	m, ok := in.Interface().(map[string]any)
	if !ok {
		return exec.AsValue(nil)
	}
	return exec.AsValue(m[params.Args[0].String()])
}

func filterDump(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	b, err := json.Marshal(in.Interface())
	if err != nil {
		return exec.AsValue(exec.ErrInvalidCall(err))
	}
	return exec.AsSafeValue(string(b))
}
