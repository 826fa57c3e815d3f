// Command catalog measures the offline catalog against the targets of the
// catalog issue, end to end through the real `paved` binary where a user
// would run it:
//
//   - cold sync of N entities from a local git repository (paved catalog sync)
//   - incremental sync after one changed file (commit, then paved catalog sync)
//   - search latency at 50,000 entities over a mix of prefix, multi-word and
//     filtered queries (in process, the engine the CLI and window call; and
//     over browser mode's HTTP API, as the UI calls it, facets included)
//   - resident memory of the app (paved ui --browser) with 50,000 entities
//     loaded, after serving that query mix.
//
// It prints a Markdown report. Run it with `make bench` (build/bench/run.sh).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/orggen"
	"github.com/paved-dev/paved/internal/core"
)

func main() {
	paved := flag.String("paved", "build/bin/paved-cli", "paved binary to measure")
	small := flag.Int("small", 10000, "entities for the sync benchmarks")
	large := flag.Int("large", 50000, "entities for the search and memory benchmarks")
	runs := flag.Int("runs", 5, "cold sync runs")
	incRuns := flag.Int("inc-runs", 10, "incremental sync runs")
	queries := flag.Int("queries", 600, "queries in the search mix")
	slowest := flag.Int("slowest", 0, "also print the N slowest in-process queries (for tuning)")
	flag.Parse()
	bin, err := filepath.Abs(*paved)
	must(err)
	work, err := os.MkdirTemp("", "paved-bench-")
	must(err)
	defer os.RemoveAll(work)

	fmt.Printf("Machine: %d CPUs, %s/%s, %s; load average at start: %s\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), loadavg())

	// 1. Cold sync.
	repo := filepath.Join(work, "org10k")
	gen(repo, *small, 1)
	var cold, coldTool []float64
	for i := 0; i < *runs; i++ {
		home := filepath.Join(work, fmt.Sprintf("cold-%d", i))
		run(bin, home, "catalog", "add-source", repo, "--git", "--name", "org", "--no-sync")
		wall, res := timedSync(bin, home)
		if res.Entities != *small {
			fail("cold sync read %d entities, want %d (%s)", res.Entities, *small, res.Error)
		}
		cold, coldTool = append(cold, wall), append(coldTool, res.DurationMs)
	}
	// 2. Incremental sync after one changed file, on the last home.
	home := filepath.Join(work, fmt.Sprintf("cold-%d", *runs-1))
	var inc, incTool []float64
	for i := 0; i < *incRuns; i++ {
		changed, err := orggen.ChangeOne(repo, int64(100+i))
		must(err)
		git(repo, "commit", "-qam", "edit "+changed)
		wall, res := timedSync(bin, home)
		if res.FilesRead != 1 {
			fail("incremental sync read %d files, want 1", res.FilesRead)
		}
		inc, incTool = append(inc, wall), append(incTool, res.DurationMs)
	}

	// 3. Search at 50,000 entities.
	bigRepo := filepath.Join(work, "org50k")
	gen(bigRepo, *large, 2)
	bigHome := filepath.Join(work, "big")
	run(bin, bigHome, "catalog", "add-source", bigRepo, "--git", "--name", "org", "--no-sync")
	bigWall, bigRes := timedSync(bin, bigHome)
	if bigRes.Entities != *large {
		fail("50k sync read %d entities (%s)", bigRes.Entities, bigRes.Error)
	}
	mix := queryMix(bigHome, *queries)
	engine, slow := searchInProcess(bigHome, mix)
	for i := 0; i < *slowest && i < len(slow); i++ {
		fmt.Printf("slow: %6.1f ms  %d matches  %+v\n", slow[i].ms, slow[i].total, slow[i].q)
	}

	// 4. The app: browser mode serving the same mix over HTTP, then its memory.
	httpLat, rss, hwm := searchOverHTTP(bin, bigHome, mix)

	fmt.Println("| measure | target | Paved (this run) | Backstage catalog backend (issue #2, same kind of machine) |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| cold sync, %d entities, local git repo (`paved catalog sync`, wall incl. process start) | ≤ 2 s | median %s, min %s, max %s (in-tool %s) over %d runs | ingest 195–246 s |\n",
		*small, secs(median(cold)), secs(minf(cold)), secs(maxf(cold)), secs(median(coldTool)), *runs)
	fmt.Printf("| incremental sync after one changed file (commit, then `paved catalog sync`) | ≤ 100 ms | median %s, max %s (in-tool median %s) over %d edits | 15–104 s to show an edit |\n",
		msf(median(inc)), msf(maxf(inc)), msf(median(incTool)), *incRuns)
	for _, cat := range []string{"prefix", "multi-word", "filtered", "all"} {
		l := engine[cat]
		fmt.Printf("| search at %d entities, %s queries (in process, %d queries) | p95 ≤ 5 ms | p50 %s, p95 %s, p99 %s | p95 2–52 ms, tails of 7 s |\n",
			*large, cat, len(l), msf(pct(l, 50)), msf(pct(l, 95)), msf(pct(l, 99)))
	}
	fmt.Printf("| search as the UI calls it: HTTP, facets included, %d queries | — | p50 %s, p95 %s, p99 %s | — |\n",
		len(httpLat), msf(pct(httpLat, 50)), msf(pct(httpLat, 95)), msf(pct(httpLat, 99)))
	fmt.Printf("| app resident memory, %d entities loaded, after the query mix (`paved ui --browser`) | ≤ 150 MB | RSS %d MB, peak %d MB | 240–630 MB |\n",
		*large, rss/1024, hwm/1024)
	fmt.Printf("\n(cold sync of %d entities for the search benchmark: %s)\n", *large, secs(bigWall))
	fmt.Printf("Load average at end: %s\n", loadavg())
}

type query struct {
	cat string
	q   catalog.SearchQuery
}

// queryMix builds a reproducible mix of queries from the catalog's own names:
// prefixes of 3-5 letters, two-word prefixes, and prefixes with a filter.
func queryMix(home string, n int) []query {
	ctx := context.Background()
	p, err := core.Open(ctx, core.Options{Home: home})
	must(err)
	defer p.Close()
	rows, err := p.Store.R.Query(`SELECT name, kind, owner FROM catalog_entities WHERE winner = 1 ORDER BY id`)
	must(err)
	type ent struct{ name, kind, owner string }
	var ents []ent
	for rows.Next() {
		var e ent
		must(rows.Scan(&e.name, &e.kind, &e.owner))
		ents = append(ents, e)
	}
	rows.Close()
	r := rand.New(rand.NewSource(42))
	prefix := func(w string) string {
		k := 3 + r.Intn(3)
		if k > len(w) {
			k = len(w)
		}
		return w[:k]
	}
	words := func() []string {
		for {
			e := ents[r.Intn(len(ents))]
			ws := strings.FieldsFunc(e.name, func(c rune) bool { return c == '-' || c == '_' || c == '.' })
			var out []string
			for _, w := range ws {
				if len(w) >= 3 && strings.Trim(w, "0123456789") != "" {
					out = append(out, w)
				}
			}
			if len(out) >= 2 {
				return out
			}
		}
	}
	var mix []query
	for i := 0; len(mix) < n; i++ {
		ws := words()
		switch i % 3 {
		case 0:
			mix = append(mix, query{"prefix", catalog.SearchQuery{Query: prefix(ws[0]), Limit: 50}})
		case 1:
			mix = append(mix, query{"multi-word", catalog.SearchQuery{Query: prefix(ws[0]) + " " + prefix(ws[1]), Limit: 50}})
		default:
			e := ents[r.Intn(len(ents))]
			q := catalog.SearchQuery{Query: prefix(ws[0]), Limit: 50}
			switch i % 4 {
			case 0:
				q.Kinds = []string{e.kind}
			case 1:
				q.Kinds = []string{"Component"}
				q.Lifecycles = []string{"production"}
			case 2:
				if e.owner != "" {
					q.Owners = []string{e.owner}
					q.Query = ""
				} else {
					q.Kinds = []string{"API"}
				}
			default:
				q.Tags = []string{"go"}
			}
			mix = append(mix, query{"filtered", q})
		}
	}
	return mix
}

type timedQuery struct {
	ms    float64
	total int
	q     catalog.SearchQuery
}

func searchInProcess(home string, mix []query) (map[string][]float64, []timedQuery) {
	ctx := context.Background()
	p, err := core.Open(ctx, core.Options{Home: home})
	must(err)
	defer p.Close()
	for _, q := range mix { // warm the page cache once, as a running app has
		_, err := p.Catalog.Search(ctx, q.q)
		must(err)
	}
	out := map[string][]float64{}
	var timed []timedQuery
	for _, q := range mix {
		t := time.Now()
		r, err := p.Catalog.Search(ctx, q.q)
		d := float64(time.Since(t).Microseconds()) / 1000
		must(err)
		out[q.cat] = append(out[q.cat], d)
		out["all"] = append(out["all"], d)
		timed = append(timed, timedQuery{d, r.Total, q.q})
	}
	sort.Slice(timed, func(i, j int) bool { return timed[i].ms > timed[j].ms })
	return out, timed
}

func searchOverHTTP(bin, home string, mix []query) (lat []float64, rssKB, hwmKB int) {
	cmd := exec.Command(bin, "ui", "--browser", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "PAVED_HOME="+home)
	out, err := cmd.StdoutPipe()
	must(err)
	cmd.Stderr = os.Stderr
	must(cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	must(err)
	// The printed URL carries the launch's secret (?token=): calls send it
	// as a bearer token, as a script would.
	printed, err := url.Parse(strings.TrimSpace(line[strings.Index(line, "http"):]))
	must(err)
	base, token := "http://"+printed.Host+"/", printed.Query().Get("token")
	call := func(method string, args ...any) {
		body, _ := json.Marshal(args)
		req, _ := http.NewRequest("POST", base+"_paved/call/"+method, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		must(err)
		var v struct {
			Error struct{ Message string }
		}
		_ = json.NewDecoder(res.Body).Decode(&v)
		res.Body.Close()
		if res.StatusCode != 200 {
			fail("%s: HTTP %d %s", method, res.StatusCode, v.Error.Message)
		}
	}
	for i, q := range mix {
		uiq := q.q
		uiq.Facets = true
		t := time.Now()
		call("Search", uiq)
		lat = append(lat, float64(time.Since(t).Microseconds())/1000)
		if i%20 == 0 { // and open some entities and graphs, as a user would
			call("Status")
		}
	}
	call("Search", catalog.SearchQuery{Facets: true})
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	must(err)
	for _, l := range strings.Split(string(status), "\n") {
		var v int
		if n, _ := fmt.Sscanf(l, "VmRSS: %d kB", &v); n == 1 {
			rssKB = v
		}
		if n, _ := fmt.Sscanf(l, "VmHWM: %d kB", &v); n == 1 {
			hwmKB = v
		}
	}
	return lat, rssKB, hwmKB
}

type syncRes struct {
	Entities   int     `json:"entities"`
	FilesRead  int     `json:"filesRead"`
	DurationMs float64 `json:"durationMs"`
	Error      string  `json:"error"`
}

func timedSync(bin, home string) (float64, syncRes) {
	t := time.Now()
	out := run(bin, home, "catalog", "sync", "--source", "org", "-o", "json")
	wall := float64(time.Since(t).Microseconds()) / 1000
	var res []syncRes
	must(json.Unmarshal(out, &res))
	if len(res) != 1 {
		fail("sync printed %d results", len(res))
	}
	return wall, res[0]
}

func gen(dir string, n int, seed int64) {
	_, err := orggen.Generate(dir, orggen.Options{Entities: n, Seed: seed})
	must(err)
	git(dir, "init", "-q", "-b", "main")
	git(dir, "add", "-A")
	git(dir, "commit", "-qm", "synthetic organisation")
}

func git(dir string, args ...string) {
	cmd := exec.Command("git", append([]string{"-c", "user.name=bench", "-c", "user.email=bench@paved.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		fail("git %v: %v\n%s", args, err, out)
	}
}

func run(bin, home string, args ...string) []byte {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "PAVED_HOME="+home)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		fail("paved %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

func pct(xs []float64, p float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}
func median(xs []float64) float64 { return pct(xs, 50) }
func minf(xs []float64) float64   { return pct(xs, 0) }
func maxf(xs []float64) float64   { return pct(xs, 100) }
func secs(ms float64) string      { return fmt.Sprintf("%.2f s", ms/1000) }
func msf(ms float64) string       { return fmt.Sprintf("%.1f ms", ms) }

func must(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
