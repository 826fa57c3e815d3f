package cli_test

import (
	"slices"
	"testing"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/testenv"
)

// TestPlatformUseGitURLEndToEnd runs what a newcomer runs: point Paved at
// the platform team's repository, then browse its catalog.
func TestPlatformUseGitURLEndToEnd(t *testing.T) {
	home(t)
	srv := testenv.StartGitServer(t)
	work := testenv.NewWorkTree(t, "")
	files := map[string]string{
		"platform.yaml":             "apiVersion: paved.dev/v1alpha1\nkind: Platform\nmetadata:\n  name: wombat\n  title: Wombat Inc\nspec:\n  catalog:\n    locations:\n      - name: wombat-catalog\n        target: ./catalog\n",
		"catalog/catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: wombat-billing\n  description: Bills wombats.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-wombat\n",
	}
	work.Write(t, files)
	commit := work.Commit(t, "platform")
	url := srv.Publish(t, "platform.git", work)

	r := ok(t, "platform", "use", url, "-o", "json")
	v := decode[struct {
		Platform platform.Info        `json:"platform"`
		Sync     []catalog.SyncResult `json:"sync"`
	}](t, r)
	if v.Platform.Name != "wombat" || v.Platform.Origin != platform.OriginGit || v.Platform.Commit != commit {
		t.Fatalf("platform use %s = %+v", url, v.Platform)
	}
	if len(v.Sync) != 1 || v.Sync[0].Error != "" || v.Sync[0].Entities != 1 || v.Sync[0].Commit != commit {
		t.Fatalf("first sync of the git platform's catalog = %+v", v.Sync)
	}

	res := decode[catalog.SearchResult](t, ok(t, "catalog", "search", "wombat", "-o", "json"))
	if !slices.Contains(refs(res.Items), "component:default/wombat-billing") {
		t.Fatalf("search wombat = %v", refs(res.Items))
	}
	st := decode[[]catalog.SourceStatus](t, ok(t, "catalog", "status", "-o", "json"))
	if len(st) != 1 || st[0].Kind != catalog.KindGit || st[0].Target != url || st[0].Subdir != "catalog" || st[0].Commit != commit {
		t.Fatalf("status = %+v", st)
	}
	show := decode[struct {
		Platform platform.Info `json:"platform"`
	}](t, ok(t, "platform", "show", "-o", "json"))
	if show.Platform != v.Platform {
		t.Fatalf("platform show = %+v, want %+v", show.Platform, v.Platform)
	}
}
