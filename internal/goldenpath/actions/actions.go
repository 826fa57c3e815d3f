// Package actions implements the scaffolder actions golden-path templates
// use, with Backstage's names and inputs so existing templates run
// unchanged: fetch:template, fetch:plain, fetch:plain:file, fs:rename,
// fs:delete, debug:log, publish:git and catalog:register.
//
// Rules:
//   - File actions work on the in-memory render.Tree only; nothing is
//     written until every step has run.
//   - Effects (publish:git, catalog:register) run after the tree is on disk,
//     in a directory the caller owns, and are skipped by dry runs.
//   - Templates only read from their own directory: fetch URLs must be
//     relative paths inside it.
//   - An unknown action is an error before anything runs (Check).
package actions

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/goldenpath/render"
)

// Phase says when an action runs.
type Phase int

const (
	// InMemory actions change the tree.
	InMemory Phase = iota
	// Effect actions act on the written directory and the outside world.
	Effect
)

// Context is what steps share during one scaffold.
type Context struct {
	// Ctx stops the scaffold when cancelled: a render in progress is
	// killed (nil: never cancelled).
	Ctx context.Context
	// Tree is the output being built.
	Tree *render.Tree
	// TemplateFS is the template's directory (template.yaml at its root).
	TemplateFS fs.FS
	// Budget bounds what is read from the template.
	Budget *render.ReadBudget
	// Log receives debug:log messages.
	Log func(string)
	// Dir is the directory the tree was written to (effects only); Final is
	// where it ends up, which outputs refer to.
	Dir, Final string
	// Push is the remote URL given on the command line (overrides
	// publish:git's remoteUrl).
	Push string
	// Registrar registers the output in the local catalog.
	Registrar Registrar
	// Trailer is appended to publish:git's commit message (it marks the
	// commit as a pure render of the template, for later updates).
	Trailer string
	// Published is set by publish:git.
	Published *Published
}

// context is Ctx, or a context that is never cancelled.
func (c *Context) context() context.Context {
	if c.Ctx == nil {
		return context.Background()
	}
	return c.Ctx
}

// Published records what publish:git did.
type Published struct {
	Commit, Branch, Remote string
}

// Registrar registers a scaffolded directory in the local catalog.
type Registrar interface {
	// Register queues the directory's catalog descriptor (catalogInfoPath,
	// relative to the directory) for registration once the directory is in
	// place; it returns the entity reference it will have.
	Register(ctx context.Context, tree *render.Tree, catalogInfoPath string) (entityRef string, err error)
	// Predict returns the entity reference without registering (dry runs).
	Predict(tree *render.Tree, catalogInfoPath string) (entityRef string, err error)
}

// Action is one scaffolder action.
type Action struct {
	Name  string
	Phase Phase
	// Run does the work; input has its expressions evaluated already.
	Run func(c *Context, input Input) (map[string]any, error)
	// DryRun predicts an effect's output without doing it (nil: none).
	DryRun func(c *Context, input Input) map[string]any
}

var registry = map[string]*Action{}

func register(a *Action) { registry[a.Name] = a }

// Lookup returns the action called name.
func Lookup(name string) (*Action, bool) {
	a, ok := registry[name]
	return a, ok
}

// Names lists the supported actions.
func Names() []string {
	return slices.Sorted(maps.Keys(registry))
}

// UnknownError names an action Paved does not have.
type UnknownError struct {
	Step, Action string
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("step %s uses the action %q, which Paved does not support (supported: %s); nothing was written",
		e.Step, e.Action, strings.Join(Names(), ", "))
}

// Input is a step's evaluated input.
type Input map[string]any

// String returns a string input ("" when absent).
func (in Input) String(key string) (string, error) {
	switch v := in[key].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case int, float64, bool:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("input %s must be a string", key)
}

// Bool returns a boolean input.
func (in Input) Bool(key string) (bool, error) {
	switch v := in[key].(type) {
	case nil:
		return false, nil
	case bool:
		return v, nil
	case string:
		return v == "true", nil
	}
	return false, fmt.Errorf("input %s must be true or false", key)
}

// Strings returns a list-of-strings input.
func (in Input) Strings(key string) ([]string, error) {
	switch v := in[key].(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("input %s must be a list of strings", key)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("input %s must be a list of strings", key)
}

// Map returns an object input.
func (in Input) Map(key string) (map[string]any, error) {
	switch v := in[key].(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return v, nil
	}
	return nil, fmt.Errorf("input %s must be an object", key)
}

// templatePath resolves a fetch URL against the template directory: only
// relative paths inside it are allowed.
func templatePath(url string) (string, error) {
	if url == "" {
		return "", fmt.Errorf("input url is required")
	}
	if strings.Contains(url, "://") || strings.HasPrefix(url, "git@") {
		return "", fmt.Errorf("url %q: Paved fetches only from the template's own directory: use a relative path such as ./skeleton", url)
	}
	p := strings.TrimPrefix(url, "./")
	if p == "" || p == "." {
		return ".", nil
	}
	c, err := render.CleanPath(p)
	if err != nil {
		return "", fmt.Errorf("url: %w", err)
	}
	return c, nil
}
