package spec

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/score-spec/score-go/loader"
	"github.com/score-spec/score-go/schema"
	"github.com/score-spec/score-go/types"
	"gopkg.in/yaml.v3"
)

// maxSpecBytes bounds a spec file.
const maxSpecBytes = 1 << 20

func readSpec(file string) ([]byte, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := readRegular(fh, maxSpecBytes)
	if errors.Is(err, errNotRegular) || errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("%s: must be a regular file of at most %d bytes", file, maxSpecBytes)
	}
	return data, err
}

var (
	errNotRegular = errors.New("not a regular file")
	errTooLarge   = errors.New("too large")
)

// readRegular reads fh, a regular file of at most limit bytes (checked
// before reading, and again while reading in case it grows).
func readRegular(fh *os.File, limit int64) ([]byte, error) {
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes: at most %d can be read", errTooLarge, st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: grew past %d bytes while read", errTooLarge, limit)
	}
	return data, nil
}

// maxFileSourceBytes bounds one file a workload embeds with files[].source.
const maxFileSourceBytes = 1 << 20

// embedFiles reads every files[].source into the file's content, as
// score-go's loader.Normalize does, but only from inside the workload's
// directory (a score.yaml is untrusted: `source: /etc/shadow` or
// `../../secret` must not be read, nor /dev/zero hang it) and only regular
// files of at most maxFileSourceBytes.
func embedFiles(w *types.Workload, dir, file string) error {
	var root *os.Root
	defer func() {
		if root != nil {
			root.Close()
		}
	}()
	for _, cn := range slices.Sorted(maps.Keys(w.Containers)) {
		c := w.Containers[cn]
		for _, t := range slices.Sorted(maps.Keys(c.Files)) {
			f := c.Files[t]
			if f.Source == nil {
				continue
			}
			field := fmt.Sprintf("containers.%s.files.%s.source", cn, t)
			src := filepath.FromSlash(*f.Source)
			if !filepath.IsLocal(src) {
				return fmt.Errorf("%s: %s %q: must be a path inside the workload's directory %s (no absolute paths or ..)", file, field, *f.Source, dir)
			}
			if root == nil {
				r, err := os.OpenRoot(dir)
				if err != nil {
					return fmt.Errorf("%s: %s: %w", file, field, err)
				}
				root = r
			}
			raw, err := readRootFile(root, src)
			if err != nil {
				return fmt.Errorf("%s: %s %q: %w", file, field, *f.Source, err)
			}
			f.Source = nil
			if utf8.Valid(raw) {
				content := string(raw)
				f.Content = &content
			} else {
				content := base64.StdEncoding.EncodeToString(raw)
				f.BinaryContent = &content
			}
			c.Files[t] = f
		}
	}
	return nil
}

// readRootFile reads a regular file of at most maxFileSourceBytes through
// root, which refuses symlinks that leave it.
func readRootFile(root *os.Root, name string) ([]byte, error) {
	fh, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return readRegular(fh, maxFileSourceBytes)
}

// LoadScore reads and validates a score.yaml (score.dev/v1b1).
func LoadScore(file string) (*Workload, error) {
	file, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	data, err := readSpec(file)
	if err != nil {
		return nil, err
	}
	return ParseScore(file, data)
}

// ParseScore parses score.yaml content; file names it in errors and gives
// the directory relative paths resolve against.
func ParseScore(file string, data []byte) (*Workload, error) {
	var raw map[string]any
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: not valid YAML: %w", file, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("%s: empty: a score.yaml needs apiVersion: score.dev/v1b1, metadata.name and containers", file)
	}
	if _, err := schema.ApplyCommonUpgradeTransforms(raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := schema.Validate(raw); err != nil {
		return nil, fmt.Errorf("%s: not a valid Score workload (score.dev/v1b1): %s", file, oneLine(err))
	}
	var w types.Workload
	if err := loader.MapSpec(&w, raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	dir := filepath.Dir(file)
	if err := embedFiles(&w, dir, file); err != nil {
		return nil, err
	}
	name, _ := w.Metadata["name"].(string)
	out := &Workload{Name: name, Dir: dir, File: file, Format: FormatScore, Metadata: map[string]any(w.Metadata)}

	cnames := slices.Sorted(maps.Keys(w.Containers))
	for i, cn := range cnames {
		c := w.Containers[cn]
		svc := Service{Name: name, Entrypoint: c.Command, Command: c.Args, Env: map[string]string{}}
		if len(cnames) > 1 {
			svc.Name = name + "-" + cn
		}
		switch img := strings.TrimSpace(c.Image); img {
		case "", ".":
			svc.Build = &Build{Context: dir}
		default:
			svc.Image = img
		}
		for k, v := range c.Variables {
			svc.Env[k] = v
		}
		targets := slices.Sorted(maps.Keys(c.Volumes))
		for _, t := range targets {
			v := c.Volumes[t]
			m := Mount{Kind: MountVolume, Source: v.Source, Target: t}
			if v.ReadOnly != nil {
				m.ReadOnly = *v.ReadOnly
			}
			if v.Path != nil && *v.Path != "" {
				return nil, fmt.Errorf("%s: containers.%s.volumes.%s.path: sub-paths of volumes are not supported locally; mount the whole volume", file, cn, t)
			}
			svc.Mounts = append(svc.Mounts, m)
		}
		ftargets := slices.Sorted(maps.Keys(c.Files))
		for _, t := range ftargets {
			f := c.Files[t]
			sf := File{Target: t, Mode: 0o644}
			switch {
			case f.Content != nil:
				sf.Content = []byte(*f.Content)
			case f.BinaryContent != nil:
				b, err := base64.StdEncoding.DecodeString(*f.BinaryContent)
				if err != nil {
					return nil, fmt.Errorf("%s: containers.%s.files.%s.binaryContent: not base64: %w", file, cn, t, err)
				}
				sf.Content = b
			}
			if f.Mode != nil {
				m, err := strconv.ParseUint(*f.Mode, 8, 32)
				if err != nil {
					return nil, fmt.Errorf("%s: containers.%s.files.%s.mode %q: want an octal mode such as 0644", file, cn, t, *f.Mode)
				}
				sf.Mode = os.FileMode(m)
			}
			svc.Files = append(svc.Files, sf)
		}
		if p := c.ReadinessProbe; p != nil {
			switch {
			case p.HttpGet != nil:
				svc.Probe = &Probe{Kind: ProbeHTTP, Port: p.HttpGet.Port, Path: p.HttpGet.Path}
			case p.Exec != nil:
				svc.Health = &Health{Test: append([]string{"CMD"}, p.Exec.Command...)}
			}
		}
		// The workload's service ports belong to its first container.
		if i == 0 && w.Service != nil {
			pnames := slices.Sorted(maps.Keys(w.Service.Ports))
			for _, pn := range pnames {
				sp := w.Service.Ports[pn]
				cp := sp.Port
				if sp.TargetPort != nil {
					cp = *sp.TargetPort
				}
				proto := "tcp"
				if sp.Protocol != nil {
					proto = strings.ToLower(string(*sp.Protocol))
				}
				svc.Ports = append(svc.Ports, Port{Name: pn, Container: cp, Protocol: proto})
			}
		}
		if svc.Probe == nil && svc.Health == nil && len(svc.Ports) > 0 && svc.Ports[0].Protocol == "tcp" {
			svc.Probe = &Probe{Kind: ProbeTCP, Port: svc.Ports[0].Container}
		}
		out.Services = append(out.Services, svc)
	}

	rnames := slices.Sorted(maps.Keys(w.Resources))
	for _, rn := range rnames {
		r := w.Resources[rn]
		res := Resource{Name: rn, Type: r.Type, Params: map[string]any(r.Params)}
		if r.Class != nil {
			res.Class = *r.Class
		}
		if r.Id != nil {
			res.ID = *r.Id
		}
		out.Resources = append(out.Resources, res)
	}
	return out, nil
}

// oneLine flattens a multi-line validation error.
func oneLine(err error) string {
	var b strings.Builder
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(l)
	}
	return b.String()
}
