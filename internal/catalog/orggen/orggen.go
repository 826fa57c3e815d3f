// Package orggen generates synthetic organisations as Backstage catalog
// repositories, for benchmarks that need realistic catalogs of 10,000 or
// 50,000 entities.
//
// A generated organisation has the shape of a real one: a group hierarchy
// (organisation → departments → teams) with users in teams, domains owned by
// departments, systems owned by teams, and components, APIs and resources in
// those systems with owners, lifecycles, tags, annotations, links,
// dependsOn, providesApis and consumesApis relations that all resolve.
// Proportions follow a mid-sized company: about 50% components, 12% APIs,
// 12% resources, 18% users, 4% groups, 3% systems and 0.5% domains.
//
// Output is deterministic for a given seed and independent of the Go
// release: the generator uses its own splitmix64 stream, writes YAML by hand
// and never iterates over maps. Only the standard library is used.
// Planning and rendering 50,000 entities takes a fraction of a second of
// CPU; writing the ~6,000 files dominates, typically one to three seconds.
package orggen

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
)

// DefaultEntitiesPerFile is used when Options.EntitiesPerFile is zero.
const DefaultEntitiesPerFile = 10

// Options control Generate.
type Options struct {
	// Entities is the total number of entities to write, exactly, counting
	// the root Location. It must be at least MinEntities.
	Entities int
	// Seed selects the organisation: equal seeds give byte-identical output.
	Seed int64
	// EntitiesPerFile caps the documents in one multi-document file, like
	// real catalog repositories; 0 means DefaultEntitiesPerFile.
	EntitiesPerFile int
}

// Result describes what Generate wrote.
type Result struct {
	// Entities is the number of entities written (equal to Options.Entities).
	Entities int
	// Files lists every file written, relative to the output directory with
	// forward slashes, the root catalog-info.yaml first.
	Files []string
	// SampleRefs holds a few full entity references ("kind:default/name")
	// spread over the kinds, for benchmarks that look entities up.
	SampleRefs []string
	// ByKind counts the entities written per kind (lowercase kind).
	ByKind map[string]int
}

// MinEntities is the smallest organisation Generate accepts: the root
// Location, a domain, a system, a three-level group hierarchy, two users, an
// API, a resource and a component.
const MinEntities = 11

// rootLocationName is metadata.name of the root Location.
const rootLocationName = "synthetic-org"

// githubOrg is the GitHub organisation in project-slug annotations.
const githubOrg = "synthetic-org"

// Generate writes a synthetic organisation of o.Entities entities under dir,
// which must be empty or not exist yet. The layout is that of a catalog
// repository:
//
//	catalog-info.yaml                 kind Location listing every other file
//	domains/<domain>.yaml             one Domain
//	org/groups-NN.yaml                Groups: organisation, departments, teams
//	org/users-NN.yaml                 Users, memberOf their teams
//	systems/<system>/catalog-info.yaml  the System, then its resources,
//	systems/<system>/entities-NN.yaml   APIs and components
func Generate(dir string, o Options) (Result, error) {
	if o.EntitiesPerFile == 0 {
		o.EntitiesPerFile = DefaultEntitiesPerFile
	}
	if o.EntitiesPerFile < 1 {
		return Result{}, fmt.Errorf("orggen: EntitiesPerFile must be positive, got %d", o.EntitiesPerFile)
	}
	if err := emptyDir(dir); err != nil {
		return Result{}, err
	}
	org, err := build(o.Entities, o.Seed)
	if err != nil {
		return Result{}, err
	}
	return org.write(dir, o.EntitiesPerFile)
}

// emptyDir creates dir, or checks that it is an empty directory: Generate
// never overwrites or mixes with existing files.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("orggen: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("orggen: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("orggen: output directory %s is not empty", dir)
	}
	return nil
}

// rng is a splitmix64 generator: tiny, fast and stable across Go releases,
// so a seed names the same organisation forever.
type rng struct{ state uint64 }

func newRNG(seed int64) *rng { return &rng{state: uint64(seed) ^ 0x6a09e667f3bcc909} }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n). The modulo bias is irrelevant here.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return float64(r.next()>>11)/(1<<53) < p }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// counts is how many entities of each kind an organisation has.
type counts struct {
	domains, systems, departments, teams, users, apis, resources, components int
}

func (c counts) groups() int { return 1 + c.departments + c.teams }

func (c counts) total() int {
	return 1 + c.domains + c.systems + c.groups() + c.users + c.apis + c.resources + c.components
}

// plan splits n entities over the kinds; components take what is left so
// the total is exact.
func plan(n int) (counts, error) {
	if n < MinEntities {
		return counts{}, fmt.Errorf("orggen: need at least %d entities, got %d", MinEntities, n)
	}
	share := func(p float64, lo int) int {
		return max(lo, int(math.Round(float64(n)*p)))
	}
	c := counts{
		domains:   share(0.005, 1),
		systems:   share(0.03, 1),
		users:     share(0.18, 1),
		apis:      share(0.12, 1),
		resources: share(0.12, 1),
	}
	// About eight teams per department, and a department per domain where
	// there are groups enough, so each domain has a department to own it.
	groups := share(0.04, 3)
	c.departments = min(groups-2, max(1, (groups-1)/8, c.domains))
	c.teams = groups - 1 - c.departments
	c.components = n - (c.total() - c.components)
	if c.components < 1 {
		return counts{}, fmt.Errorf("orggen: %d entities leave no room for components", n)
	}
	return c, nil
}

type group struct {
	name, typ, display, desc string
	parent                   int // index into org.groups; -1 for the root
	children                 []int
}

type user struct {
	name, display, email string
	teams                []int
}

type domain struct {
	name, title, desc string
	owner             int // department
}

type system struct {
	name, noun, desc string
	domain, owner    int
	resources, apis  []int
	components       []int
}

type component struct {
	name, typ, lifecycle, desc string
	system, owner              int
	sub                        int // subcomponentOf, -1 if none
	tags                       []string
	dependsOn                  []string
	provides, consumes         []int
	linkDashboard              bool
}

type api struct {
	name, noun, typ, lifecycle, desc string
	system, owner                    int
}

type resource struct {
	name, typ, desc string
	system, owner   int
}

type org struct {
	c          counts
	groups     []group
	teams      []int // indexes into groups
	users      []user
	domains    []domain
	systems    []system
	components []component
	apis       []api
	resources  []resource
}

func human(noun string) string { return strings.ReplaceAll(noun, "-", " ") }

// title turns "supply-chain" into "Supply chain".
func title(noun string) string { return strings.ToUpper(noun[:1]) + human(noun[1:]) }

// numbered returns base for the first round through a word list and
// base-2, base-3, ... afterwards, keeping names unique.
func numbered(list []string, i int) string {
	s := list[i%len(list)]
	if i >= len(list) {
		s += "-" + strconv.Itoa(i/len(list)+1)
	}
	return s
}

// build plans the whole organisation in memory; write renders it.
func build(n int, seed int64) (*org, error) {
	c, err := plan(n)
	if err != nil {
		return nil, err
	}
	r := newRNG(seed)
	o := &org{c: c}

	// Groups: organisation → departments → teams.
	o.groups = append(o.groups, group{
		name: "organisation", typ: "organization", display: "Synthetic Retail",
		desc: "The whole company.", parent: -1,
	})
	for i := 0; i < c.departments; i++ {
		area := numbered(areas, i)
		o.groups[0].children = append(o.groups[0].children, len(o.groups))
		o.groups = append(o.groups, group{
			name: area + "-engineering", typ: "department",
			display: title(area) + " Engineering",
			desc:    "Engineering department for " + human(area) + ".", parent: 0,
		})
	}
	for i := 0; i < c.teams; i++ {
		dept := 1 + i%c.departments
		noun := pick(r, nouns)
		idx := len(o.groups)
		o.groups[dept].children = append(o.groups[dept].children, idx)
		o.teams = append(o.teams, idx)
		o.groups = append(o.groups, group{
			name: fmt.Sprintf("team-%s-%03d", noun, i), typ: "team",
			display: fmt.Sprintf("%s %03d", title(noun), i),
			desc:    "Builds and runs the " + human(noun) + " services.", parent: dept,
		})
	}
	// teamsOfDept lets systems be owned by a team of their domain's department.
	teamsOfDept := make(map[int][]int, c.departments)
	for _, t := range o.teams {
		d := o.groups[t].parent
		teamsOfDept[d] = append(teamsOfDept[d], t)
	}

	// Users: every team gets members round-robin; one in ten is in two teams.
	seen := map[string]int{}
	for i := 0; i < c.users; i++ {
		first, last := pick(r, firstNames), pick(r, lastNames)
		base := first + "-" + last
		name, email := base, first+"."+last
		if k := seen[base]; k > 0 {
			name += "-" + strconv.Itoa(k+1)
			email += strconv.Itoa(k + 1)
		}
		seen[base]++
		u := user{
			name: name, email: email + "@example.com",
			display: strings.ToUpper(first[:1]) + first[1:] + " " + strings.ToUpper(last[:1]) + last[1:],
			teams:   []int{o.teams[i%len(o.teams)]},
		}
		if len(o.teams) > 1 && r.chance(0.1) {
			if t := pick(r, o.teams); t != u.teams[0] {
				u.teams = append(u.teams, t)
			}
		}
		o.users = append(o.users, u)
	}

	// Domains, each owned by a department.
	for i := 0; i < c.domains; i++ {
		name := numbered(areas, i)
		o.domains = append(o.domains, domain{
			name: name, title: title(name),
			desc:  "Everything to do with " + human(areas[i%len(areas)]) + ".",
			owner: 1 + i%c.departments,
		})
	}

	// Systems, spread over domains, owned by a team of the domain's department.
	for i := 0; i < c.systems; i++ {
		noun := pick(r, nouns)
		d := i % c.domains
		owners := teamsOfDept[o.domains[d].owner]
		if len(owners) == 0 {
			owners = o.teams
		}
		o.systems = append(o.systems, system{
			name: fmt.Sprintf("%s-%s-%03d", noun, pick(r, systemWords), i), noun: noun,
			desc:   "Everything that runs " + human(noun) + " for the " + o.domains[d].name + " domain.",
			domain: d, owner: pick(r, owners),
		})
	}
	// assign spreads count items over the systems: one each first, then at
	// random, so that no system is empty while there are enough items.
	assign := func(i int) int {
		if i < c.systems {
			return i
		}
		return r.intn(c.systems)
	}
	nounFor := func(s int) string {
		if r.chance(0.6) {
			return o.systems[s].noun
		}
		return pick(r, nouns)
	}

	for i := 0; i < c.resources; i++ {
		s := assign(i)
		noun, k := nounFor(s), pick(r, resourceKinds)
		o.systems[s].resources = append(o.systems[s].resources, i)
		o.resources = append(o.resources, resource{
			name: fmt.Sprintf("%s-%s-%03d", noun, k.suffix, i), typ: k.typ,
			desc: strings.Replace(k.desc, "%s", human(noun), 1), system: s, owner: o.systems[s].owner,
		})
	}
	for i := 0; i < c.apis; i++ {
		s := assign(i)
		noun, k := nounFor(s), pick(r, apiKinds)
		o.systems[s].apis = append(o.systems[s].apis, i)
		o.apis = append(o.apis, api{
			name: fmt.Sprintf("%s-%s-%03d", noun, k.suffix, i), noun: noun, typ: k.typ,
			lifecycle: lifecycle(r), desc: strings.Replace(k.desc, "%s", human(noun), 1),
			system: s, owner: o.systems[s].owner,
		})
	}
	for i := 0; i < c.components; i++ {
		s := assign(i)
		noun := nounFor(s)
		typ, roles := "service", serviceRoles
		switch x := r.intn(100); {
		case x < 15:
			typ, roles = "website", websiteRoles
		case x < 35:
			typ, roles = "library", libraryRoles
		}
		ro := pick(r, roles)
		owner := o.systems[s].owner
		if r.chance(0.2) {
			owner = pick(r, o.teams)
		}
		cp := component{
			name: fmt.Sprintf("%s-%s-%03d", noun, ro.word, i), typ: typ,
			lifecycle: lifecycle(r), desc: strings.Replace(ro.desc, "%s", human(noun), 1),
			system: s, owner: owner, sub: -1, tags: tags(r),
			linkDashboard: typ != "library" && r.chance(0.7),
		}
		// One in thirty components is part of an earlier one in its system.
		if sib := o.systems[s].components; len(sib) > 0 && r.chance(1.0/30) {
			cp.sub = pick(r, sib)
		}
		o.systems[s].components = append(o.systems[s].components, i)
		o.components = append(o.components, cp)
	}

	// Every API is provided by one component, preferably of its system.
	for i := range o.apis {
		comps := o.systems[o.apis[i].system].components
		var p int
		if len(comps) > 0 && r.chance(0.9) {
			p = pick(r, comps)
		} else {
			p = r.intn(len(o.components))
		}
		o.components[p].provides = append(o.components[p].provides, i)
	}
	for i := range o.components {
		cp := &o.components[i]
		sys := &o.systems[cp.system]
		// 1-3 dependencies: resources of the system, or other components.
		for want, tries := 1+r.intn(3), 0; len(cp.dependsOn) < want && tries < 10; tries++ {
			var ref string
			if len(sys.resources) > 0 && r.chance(0.6) {
				ref = "resource:" + o.resources[pick(r, sys.resources)].name
			} else {
				j := r.intn(len(o.components))
				if len(sys.components) > 1 && r.chance(0.5) {
					j = pick(r, sys.components)
				}
				if j == i {
					continue
				}
				ref = "component:" + o.components[j].name
			}
			if !containsString(cp.dependsOn, ref) {
				cp.dependsOn = append(cp.dependsOn, ref)
			}
		}
		// 1-3 consumed APIs, never one the component provides itself.
		for want, tries := 1+r.intn(3), 0; len(cp.consumes) < want && tries < 10; tries++ {
			a := r.intn(len(o.apis))
			if !containsInt(cp.provides, a) && !containsInt(cp.consumes, a) {
				cp.consumes = append(cp.consumes, a)
			}
		}
	}
	if got := o.total(); got != n {
		return nil, fmt.Errorf("orggen: internal error: planned %d entities, want %d", got, n)
	}
	return o, nil
}

func (o *org) total() int {
	return 1 + len(o.domains) + len(o.systems) + len(o.groups) + len(o.users) +
		len(o.apis) + len(o.resources) + len(o.components)
}

func lifecycle(r *rng) string {
	switch x := r.intn(100); {
	case x < 70:
		return "production"
	case x < 90:
		return "experimental"
	default:
		return "deprecated"
	}
}

func tags(r *rng) []string {
	want := 1 + r.intn(4)
	out := make([]string, 0, want)
	for len(out) < want {
		if t := pick(r, tagVocabulary); !containsString(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func containsInt(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}
