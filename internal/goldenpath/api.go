package goldenpath

// The golden-path capability's API in one place: the operations a front end
// calls (the CLI's `paved new` and `paved template ...`, the window's
// gallery, form and update buttons), their options and their results. The
// implementations live beside it: goldenpath.go (List, Get), scaffold.go
// (Preview, Scaffold), outdir.go (where a new repository goes), update.go
// (Status, Update).

import (
	"context"
	"io/fs"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/goldenpath/library"
	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/progress"
	"github.com/paved-dev/paved/internal/warn"
)

// API is what the golden-path Service does. Errors carry a problem.Kind
// (problem.KindOf): an unknown template is NotFound, values that do not fit
// are Invalid with one problem.Problem per parameter, a dirty work tree is
// Conflict.
type API interface {
	// List returns the golden paths, sorted by name: the platform's, then
	// the built-in ones the platform does not replace.
	List(ctx context.Context, o ListOptions) ([]TemplateSummary, error)
	// Get returns one golden path (a name, or a template directory) with its
	// README, parameter pages and steps.
	Get(ctx context.Context, name string) (TemplateDetail, error)
	// Preview renders a template in memory for the live form: values that
	// do not fit yet are Problems, not an error.
	Preview(ctx context.Context, o PreviewOptions) (Preview, error)
	// Scaffold creates a new repository from a golden path (or, DryRun,
	// says what it would write), reporting each step.
	Scaffold(ctx context.Context, o ScaffoldOptions, rep progress.Reporter) (Result, error)
	// Status says, for each directory, whether it is behind its template.
	Status(ctx context.Context, o StatusOptions) ([]ServiceStatus, error)
	// Update brings a generated repository up to a version of its template
	// on a new branch (a three-way merge), reporting each stage.
	Update(ctx context.Context, o UpdateOptions, rep progress.Reporter) (UpdateResult, error)
}

var _ API = (*Service)(nil)

// Options configures a Service.
type Options struct {
	// Platform gives the platform repository's golden-path locations and
	// its clone (nil: built-in templates and directories only).
	Platform *platform.Service
	// Catalog is where catalog:register registers new components (nil:
	// catalog:register fails).
	Catalog *catalog.Service
	// Audit records every scaffold and update (nil: not recorded).
	Audit *audit.Log
	// Builtin holds the built-in templates, one directory each.
	Builtin fs.FS
	// BuiltinVersion is the version of the built-in templates that have no
	// paved.dev/version annotation.
	BuiltinVersion string
	// Warn receives the problems of single templates that are left out of
	// the list (nil: dropped).
	Warn warn.Sink
}

// Service is the golden-path capability.
type Service struct {
	o   Options
	lib *library.Library
}

// New returns the service.
func New(o Options) *Service {
	lo := library.Options{Builtin: o.Builtin, BuiltinVersion: o.BuiltinVersion, Warn: o.Warn}
	if o.Platform != nil {
		lo.Platform = o.Platform
	}
	return &Service{o: o, lib: library.New(lo)}
}

// Source kinds of a template.
const (
	// SourceBuiltin templates are embedded in Paved (goldenpaths/).
	SourceBuiltin = library.SourceBuiltin
	// SourcePlatform templates come from the platform repository's
	// spec.goldenPaths.locations.
	SourcePlatform = library.SourcePlatform
	// SourceDir templates are a directory named on the command line.
	SourceDir = library.SourceDir
)

// NotFoundError is a golden path that no source has (kind
// problem.NotFound).
type NotFoundError = library.NotFoundError

// ProgressTopic is the progress.Event topic of scaffolds and updates; the
// window emits it as the event name. Events of a template step carry the
// step's id in Item and its position in Current/Total.
const ProgressTopic = "goldenpath:progress"

// RecordFile is where a generated repository records its template.
const RecordFile = ".paved/template.yaml"

// PreviewLimit cuts file contents in previews.
const PreviewLimit = 64 << 10

// ListOptions filters List (nothing yet: every template is listed).
type ListOptions struct{}

// TemplateSummary is a golden path as listed in the gallery.
type TemplateSummary struct {
	// Name is the template's metadata.name, what `paved new` takes.
	Name string `json:"name"`
	// Title is metadata.title, else the name.
	Title string `json:"title"`
	// Description is metadata.description.
	Description string `json:"description,omitempty"`
	// Type is spec.type (service, job, website...).
	Type string `json:"type,omitempty"`
	// Tags are metadata.tags (never nil).
	Tags []string `json:"tags"`
	// Owner is spec.owner.
	Owner string `json:"owner,omitempty"`
	// Source is builtin, platform or dir.
	Source string `json:"source"`
	// Location says where it was read from: "goldenpaths/go-service" for
	// built-ins, the platform location and path, or a directory.
	Location string `json:"location"`
	// Version is the template's version: the source's commit for templates
	// in git, the Paved build's template version for built-ins, a content
	// hash ("sha256:...") for plain directories.
	Version string `json:"version"`
	// Overrides is set on a platform template that replaces a built-in one
	// of the same name.
	Overrides bool `json:"overrides,omitempty"`
	// CatalogRef is the template's catalog entity reference.
	CatalogRef string `json:"catalogRef"`
}

// TemplateDetail is everything the form and the README view need.
type TemplateDetail struct {
	TemplateSummary
	// README is the template's README.md (Markdown), "" when it has none.
	README string `json:"readme"`
	// Parameters are the form pages, in order.
	Parameters []ParameterPage `json:"parameters"`
	// Steps are the actions a scaffold runs, in order.
	Steps []StepInfo `json:"steps"`
	// Defaults are the values used for every parameter left out.
	Defaults map[string]any `json:"defaults"`
	// Required lists the parameters without a default that must be given.
	Required []string `json:"required"`
}

// ParameterPage is one page of spec.parameters.
type ParameterPage struct {
	// Title is the page's title.
	Title string `json:"title,omitempty"`
	// Description is the page's description.
	Description string `json:"description,omitempty"`
	// Schema is the page as written (a JSON Schema object), ui:* hints kept.
	Schema map[string]any `json:"schema"`
	// JSONSchema is Schema without the ui:* keys: what react-jsonschema-form
	// takes as its schema.
	JSONSchema map[string]any `json:"jsonSchema"`
	// UISchema gathers the ui:* keys per property: react-jsonschema-form's
	// uiSchema.
	UISchema map[string]any `json:"uiSchema"`
}

// StepInfo describes one step of a template.
type StepInfo struct {
	// ID is the step's id (steps.<id>.output in expressions).
	ID string `json:"id"`
	// Name is the step's name for people.
	Name string `json:"name,omitempty"`
	// Action is the scaffolder action it runs (fetch:template...).
	Action string `json:"action"`
	// If is the step's condition as written ("" = always).
	If string `json:"if,omitempty"`
}

// PreviewOptions says what to preview.
type PreviewOptions struct {
	// Template is a golden path's name or a template directory.
	Template string
	// Values are the form's values, keyed by parameter name.
	Values map[string]any
	// OutDir is the output folder the form shows ("" = the default one:
	// see DefaultOutDir).
	OutDir string
	// Parent is the folder the default output folder goes in ("" = the
	// current directory).
	Parent string
}

// Preview is a dry run for the live preview: it never fails on values a
// form has not filled in yet, it reports them as Problems.
type Preview struct {
	// Template is the template's name.
	Template string `json:"template"`
	// Version is the template's version.
	Version string `json:"version"`
	// OutDir is the absolute folder a scaffold with these values would
	// create ("" when the values name none yet: Problems say why).
	OutDir string `json:"outDir"`
	// Files are the files rendered, sorted by path, contents cut at
	// PreviewLimit.
	Files []File `json:"files"`
	// Problems are the values that do not fit, one per parameter and issue
	// (Field is the parameter; never nil).
	Problems []problem.Problem `json:"problems"`
	// Error is why the template could not be rendered with these values.
	Error string `json:"error,omitempty"`
}

// ScaffoldOptions says what to scaffold where.
type ScaffoldOptions struct {
	// Template is a golden path's name or a template directory.
	Template string
	// Values are the parameters' values; defaults fill the rest.
	Values map[string]any
	// Set are values given as text (`--set name=value`), converted to their
	// parameter's type (boolean, integer, number, array, object); they win
	// over Values.
	Set map[string]string
	// OutDir is the new repository's directory: it must not exist, or be
	// empty. "" means the default rule: Parent/<the name parameter> (see
	// DefaultOutDir).
	OutDir string
	// Parent is the folder the default output folder goes in ("" = the
	// current directory); unused when OutDir is given.
	Parent string
	// DryRun renders everything in memory and writes nothing; Result.Files
	// carry the contents.
	DryRun bool
	// Push is a git remote to push the new repository to ("" = none); it
	// overrides publish:git's remoteUrl.
	Push string
}

// File is one file of a scaffold's result.
type File struct {
	// Path is slash-separated and relative to the output directory.
	Path string `json:"path"`
	// Size is the length in bytes.
	Size int64 `json:"size"`
	// Mode is the Unix permission bits (0644, 0755).
	Mode uint32 `json:"mode"`
	// Content is the text (dry runs and previews only); empty for binary
	// files and cut at the preview limit when Truncated.
	Content string `json:"content,omitempty"`
	// Binary is set for a file that is not UTF-8 text.
	Binary bool `json:"binary,omitempty"`
	// Truncated is set when Content was cut.
	Truncated bool `json:"truncated,omitempty"`
}

// StepResult is what one step did.
type StepResult struct {
	// ID is the step's id.
	ID string `json:"id"`
	// Name is the step's name.
	Name string `json:"name,omitempty"`
	// Action is the action it ran.
	Action string `json:"action"`
	// Skipped is set when the step's `if` was false, or the action does not
	// apply to a dry run.
	Skipped bool `json:"skipped,omitempty"`
	// Output is the step's output (steps.<id>.output).
	Output map[string]any `json:"output,omitempty"`
}

// Link is one of spec.output.links, evaluated.
type Link struct {
	// Title is the link's text.
	Title string `json:"title,omitempty"`
	// URL is where it points (or EntityRef).
	URL string `json:"url,omitempty"`
	// EntityRef is a catalog entity it points to.
	EntityRef string `json:"entityRef,omitempty"`
	// Icon is a Backstage icon name.
	Icon string `json:"icon,omitempty"`
}

// NextAction is something a person usually does after a scaffold.
type NextAction struct {
	// ID is open-folder, run-locally, run-tests, view-in-catalog or push.
	ID string `json:"id"`
	// Title is the action for people.
	Title string `json:"title"`
	// Command is a shell command to run in Dir, when the action is one.
	Command string `json:"command,omitempty"`
	// Dir is the directory the action is about.
	Dir string `json:"dir,omitempty"`
	// EntityRef is set for view-in-catalog.
	EntityRef string `json:"entityRef,omitempty"`
}

// Result is what a scaffold (or a dry run) produced.
type Result struct {
	// Template is the template's name.
	Template string `json:"template"`
	// Source is builtin, platform or dir.
	Source string `json:"source"`
	// Version is the template's version used.
	Version string `json:"version"`
	// Dir is the absolute output directory.
	Dir string `json:"dir"`
	// DryRun is set when nothing was written.
	DryRun bool `json:"dryRun"`
	// Files are the files written (or that would be), sorted by path.
	Files []File `json:"files"`
	// Steps are the template's steps, in order, with what each did.
	Steps []StepResult `json:"steps"`
	// Commit is the first commit of the new repository (publish:git).
	Commit string `json:"commit,omitempty"`
	// Branch is the branch of Commit.
	Branch string `json:"branch,omitempty"`
	// Remote is the URL pushed to, credentials removed ("" = not pushed).
	Remote string `json:"remote,omitempty"`
	// CatalogRef is the component registered in the local catalog.
	CatalogRef string `json:"catalogRef,omitempty"`
	// CatalogSource is the local catalog source that holds it.
	CatalogSource string `json:"catalogSource,omitempty"`
	// Links are spec.output.links, evaluated.
	Links []Link `json:"links"`
	// NextActions are what to do next, first the most likely.
	NextActions []NextAction `json:"nextActions"`
	// Log is what debug:log steps said.
	Log []string `json:"log"`
	// DurationMs is how long the scaffold took.
	DurationMs float64 `json:"durationMs"`
}

// Recorded is .paved/template.yaml in a generated repository: which
// template made it, at which version, with which answers (never secrets).
type Recorded struct {
	// APIVersion is paved.dev/v1alpha1.
	APIVersion string `json:"apiVersion" yaml:"apiVersion"`
	// Kind is TemplateRecord.
	Kind string `json:"kind" yaml:"kind"`
	// Template is the template's name.
	Template string `json:"template" yaml:"template"`
	// Source is builtin, platform or dir.
	Source string `json:"source" yaml:"source"`
	// Location is where the template is read from, in the text form of
	// library.Location: builtin:<name>, git:<repository>//<directory>,
	// dir:<directory> or platform:<demo template>.
	Location string `json:"location" yaml:"location"`
	// Version is the template version it was made or last updated from.
	Version string `json:"version" yaml:"version"`
	// Answers are the parameter values, secrets left out.
	Answers map[string]any `json:"answers" yaml:"answers"`
}

// Status states.
const (
	StateUpToDate    = "up-to-date"
	StateBehind      = "behind"
	StateUnknown     = "unknown-version"
	StateNoTemplate  = "template-missing"
	StateNotRecorded = "not-scaffolded"
)

// StatusOptions selects the repositories to check.
type StatusOptions struct {
	// Dirs are generated repositories ("" or none = the current directory).
	Dirs []string
}

// ServiceStatus says whether one generated repository is behind its
// template.
type ServiceStatus struct {
	// Dir is the repository's absolute directory.
	Dir string `json:"dir"`
	// Template is the recorded template's name.
	Template string `json:"template,omitempty"`
	// Source is the recorded source (builtin, platform or dir).
	Source string `json:"source,omitempty"`
	// Version is the template version the repository was made or last
	// updated from; Latest is the template's version now.
	Version string `json:"version,omitempty"`
	Latest  string `json:"latest,omitempty"`
	// State is up-to-date, behind, unknown-version, template-missing or
	// not-scaffolded.
	State string `json:"state"`
	// CommitsBehind counts the template's commits between Version and
	// Latest that change it, for templates in git (0 when unknown or up to
	// date).
	CommitsBehind int `json:"commitsBehind,omitempty"`
	// Message says what to do, for people.
	Message string `json:"message,omitempty"`
}

// UpdateOptions says which repository to update and to which version.
type UpdateOptions struct {
	// Dir is the generated repository ("" = the current directory).
	Dir string
	// To is the template version to update to ("" = the latest): for a
	// template in git a commit (or an abbreviation of one), a branch, a tag,
	// or one of those with ~N/^N; for others, only their current version.
	To string
}

// UpdateResult is what an update did.
type UpdateResult struct {
	// Dir is the repository's absolute directory.
	Dir string `json:"dir"`
	// Template is the template's name.
	Template string `json:"template"`
	// From and To are the template versions before and after (To resolved
	// to a commit for templates in git).
	From string `json:"from"`
	To   string `json:"to"`
	// UpToDate is set when there was nothing to do (no branch, no commit).
	UpToDate bool `json:"upToDate"`
	// Branch is the new branch holding the update commit.
	Branch string `json:"branch,omitempty"`
	// Commit is the update (merge) commit.
	Commit string `json:"commit,omitempty"`
	// Changed are files the update wrote cleanly (merged or taken from the
	// template), Added new ones, Deleted removed ones.
	Changed []string `json:"changed"`
	Added   []string `json:"added"`
	Deleted []string `json:"deleted"`
	// Conflicts are files left with git conflict markers to resolve, or
	// kept as they were where the template deleted or replaced them.
	Conflicts []string `json:"conflicts"`
}
