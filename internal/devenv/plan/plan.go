// Package plan decides what an environment's Docker objects are called and
// labelled, which host port each published container port gets, and each
// container's config hash — the fingerprint that says whether a running
// container still matches the spec.
//
// Rules: pure (no Docker, no store, no network except through the Free
// function the caller passes); the same input always gives the same names,
// labels, ports and hashes.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Labels on every container, network and volume of an environment.
const (
	LabelEnv       = "dev.paved.env"
	LabelService   = "dev.paved.service"
	LabelHash      = "dev.paved.config-hash"
	LabelRole      = "dev.paved.role"
	LabelComponent = "dev.paved.component"
	LabelResource  = "dev.paved.resource"
	LabelProbe     = "dev.paved.probe"
	LabelDependsOn = "dev.paved.depends-on"
	LabelOutputs   = "dev.paved.outputs"
	LabelGrace     = "dev.paved.stop-grace"
	LabelDir       = "dev.paved.dir"
	LabelPortNames = "dev.paved.port-names"
)

// Prefix starts every Docker object name Paved creates.
const Prefix = "paved-"

var nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// CheckName validates an environment or service name.
func CheckName(what, n string) error {
	if !nameRE.MatchString(n) {
		return fmt.Errorf("%s name %q: use lower-case letters, digits and dashes (at most 63), starting and ending with a letter or digit", what, n)
	}
	return nil
}

// Sanitize turns any name into a valid one ("" when nothing is left).
func Sanitize(n string) string {
	n = strings.ToLower(n)
	var b strings.Builder
	dash := false
	for _, r := range n {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 63 {
		s = strings.Trim(s[:63], "-")
	}
	return s
}

// ContainerName is the container of service svc in environment env.
func ContainerName(env, svc string) string { return Prefix + env + "-" + svc }

// NetworkName is the environment's network.
func NetworkName(env string) string { return Prefix + env }

// VolumeName is the Docker volume for logical volume v of env.
func VolumeName(env, v string) string { return Prefix + env + "-" + v }

// ImageTag names an image built for a service.
func ImageTag(env, svc string) string { return "paved.local/" + env + "/" + svc + ":dev" }

// Container is the desired state of one container: everything that, when it
// changes, needs a new container.
type Container struct {
	Name       string            `json:"name"`
	ImageRef   string            `json:"imageRef"`
	ImageID    string            `json:"imageId"`
	Entrypoint []string          `json:"entrypoint,omitempty"`
	Cmd        []string          `json:"cmd,omitempty"`
	Env        []string          `json:"env"`
	User       string            `json:"user,omitempty"`
	WorkingDir string            `json:"workingDir,omitempty"`
	Network    string            `json:"network"`
	Aliases    []string          `json:"aliases"`
	Ports      []Binding         `json:"ports"`
	Mounts     []Mount           `json:"mounts"`
	Health     *Health           `json:"health,omitempty"`
	StopGrace  time.Duration     `json:"stopGrace,omitempty"`
	Files      []File            `json:"files,omitempty"`
	Labels     map[string]string `json:"labels"`
}

// Binding publishes a container port on 127.0.0.1:Host.
type Binding struct {
	Name      string `json:"name,omitempty"`
	Container int    `json:"container"`
	Host      int    `json:"host"`
	Protocol  string `json:"protocol"`
}

// Mount is a volume (Docker volume name), bind or tmpfs mount.
type Mount struct {
	Type     string `json:"type"`
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly,omitempty"`
}

// Health is a Docker health check.
type Health struct {
	Test        []string      `json:"test"`
	Interval    time.Duration `json:"interval,omitempty"`
	Timeout     time.Duration `json:"timeout,omitempty"`
	StartPeriod time.Duration `json:"startPeriod,omitempty"`
	Retries     int           `json:"retries,omitempty"`
}

// File is written into the container before it starts.
type File struct {
	Path    string `json:"path"`
	Content []byte `json:"content"`
	Mode    int64  `json:"mode"`
}

// Hash is the container's config hash: a SHA-256 over everything in it
// except the hash label itself, with maps and env sorted.
func Hash(c Container) string {
	c.Env = append([]string(nil), c.Env...)
	sort.Strings(c.Env)
	labels := make(map[string]string, len(c.Labels))
	for k, v := range c.Labels {
		if k != LabelHash {
			labels[k] = v
		}
	}
	c.Labels = labels
	data, err := json.Marshal(c) // map keys are sorted by encoding/json
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// PortKey identifies a published port across runs.
type PortKey struct {
	Service   string
	Container int
	Protocol  string
}

func (k PortKey) String() string { return fmt.Sprintf("%s %d/%s", k.Service, k.Container, k.Protocol) }

// PortRequest asks for a host port.
type PortRequest struct {
	PortKey
	// Explicit is the host port the spec asks for (0 = none).
	Explicit int
}

// Allocator hands out host ports.
type Allocator struct {
	// Remembered are the ports this environment used before.
	Remembered map[PortKey]int
	// Held are the ports the environment's existing containers publish now:
	// free for the same key even though they are bound.
	Held map[PortKey]int
	// Free reports whether nothing listens on 127.0.0.1:port.
	Free func(port int) bool
	// Env seeds the fallback range so an environment's ports are stable.
	Env string
}

// Fallback range for ports nothing else chose.
const (
	rangeLo = 20000
	rangeHi = 32000
)

// Allocate gives each request a host port: the spec's explicit port when
// free, else the remembered one when free, else the container port itself
// (when >= 1024 and free), else the first free port from a place in
// 20000-31999 derived from the environment, service and port. A request
// whose explicit or remembered port is taken gets a note saying so.
func (a Allocator) Allocate(reqs []PortRequest) (map[PortKey]int, []string) {
	out := map[PortKey]int{}
	taken := map[int]bool{}
	var notes []string
	usable := func(k PortKey, p int) bool {
		if p <= 0 || p > 65535 || taken[p] {
			return false
		}
		if a.Held[k] == p {
			return true
		}
		for hk, hp := range a.Held {
			if hp == p && hk != k {
				return false // another of our containers holds it (it may move)
			}
		}
		return a.Free(p)
	}
	sorted := append([]PortRequest(nil), reqs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].PortKey.String() < sorted[j].PortKey.String() })
	for _, r := range sorted {
		var wanted, chosen int
		if r.Explicit > 0 {
			wanted = r.Explicit
		} else if p := a.Remembered[r.PortKey]; p > 0 {
			wanted = p
		}
		switch {
		case wanted > 0 && usable(r.PortKey, wanted):
			chosen = wanted
		case r.Explicit > 0 && a.Remembered[r.PortKey] > 0 && a.Remembered[r.PortKey] != r.Explicit && usable(r.PortKey, a.Remembered[r.PortKey]):
			chosen = a.Remembered[r.PortKey]
		case wanted == 0 && r.Container >= 1024 && usable(r.PortKey, r.Container):
			chosen = r.Container
		default:
			h := fnv.New32a()
			fmt.Fprintf(h, "%s/%s", a.Env, r.PortKey)
			start := rangeLo + int(h.Sum32()%uint32(rangeHi-rangeLo))
			for i := 0; i < rangeHi-rangeLo; i++ {
				p := rangeLo + (start-rangeLo+i)%(rangeHi-rangeLo)
				if usable(r.PortKey, p) {
					chosen = p
					break
				}
			}
		}
		if wanted > 0 && chosen != wanted {
			notes = append(notes, fmt.Sprintf("%s: port %d is taken, using %d for container port %d", r.Service, wanted, chosen, r.Container))
		}
		if chosen > 0 {
			taken[chosen] = true
			out[r.PortKey] = chosen
		}
	}
	return out, notes
}

// Levels orders services so that each comes after what it depends on:
// level 0 depends on nothing, level n only on lower levels. A cycle is an
// error naming the services in it.
func Levels(deps map[string][]string) ([][]string, error) {
	level := map[string]int{}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("services depend on each other in a cycle: %s", strings.Join(append(path, n), " -> "))
		case 2:
			return nil
		}
		state[n] = 1
		l := 0
		for _, d := range deps[n] {
			if _, ok := deps[d]; !ok {
				return fmt.Errorf("service %s depends on %s, which is not in the environment", n, d)
			}
			if err := visit(d, append(path, n)); err != nil {
				return err
			}
			if level[d]+1 > l {
				l = level[d] + 1
			}
		}
		level[n] = l
		state[n] = 2
		return nil
	}
	names := slices.Sorted(maps.Keys(deps))
	max := 0
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
		if level[n] > max {
			max = level[n]
		}
	}
	out := make([][]string, max+1)
	for _, n := range names {
		out[level[n]] = append(out[level[n]], n)
	}
	if len(names) == 0 {
		return nil, nil
	}
	return out, nil
}
