package goldenpath

// Source kinds of a template.
const (
	// SourceBuiltin templates are embedded in Paved (goldenpaths/).
	SourceBuiltin = "builtin"
	// SourcePlatform templates come from the platform repository's
	// spec.goldenPaths.locations.
	SourcePlatform = "platform"
	// SourceDir templates are a directory named on the command line.
	SourceDir = "dir"
)

// ProgressTopic is the progress.Event topic of scaffolds and updates; the
// window emits it as the event name.
const ProgressTopic = "goldenpath:progress"

// TemplateSummary is a golden path as listed in the gallery.
type TemplateSummary struct {
	// Name is the template's metadata.name, what `paved new` takes.
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Type is spec.type (service, job, website...).
	Type  string   `json:"type,omitempty"`
	Tags  []string `json:"tags"`
	Owner string   `json:"owner,omitempty"`
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
	Title       string `json:"title,omitempty"`
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
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Action string `json:"action"`
	// If is the step's condition as written ("" = always).
	If string `json:"if,omitempty"`
}

// Problem is one thing wrong with the values given to a template.
type Problem struct {
	// Field is the parameter's name ("" for the whole form).
	Field   string `json:"field"`
	Message string `json:"message"`
}

// File is one file of a scaffold's result.
type File struct {
	// Path is slash-separated and relative to the output directory.
	Path string `json:"path"`
	Size int64  `json:"size"`
	// Mode is the Unix permission bits (0644, 0755).
	Mode uint32 `json:"mode"`
	// Content is the text (dry runs and previews only); empty for binary
	// files and cut at the preview limit when Truncated.
	Content   string `json:"content,omitempty"`
	Binary    bool   `json:"binary,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
}

// StepResult is what one step did.
type StepResult struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Action string `json:"action"`
	// Skipped is set when the step's `if` was false, or the action does not
	// apply to a dry run.
	Skipped bool `json:"skipped,omitempty"`
	// Output is the step's output (steps.<id>.output).
	Output map[string]any `json:"output,omitempty"`
}

// Link is one of spec.output.links.
type Link struct {
	Title     string `json:"title,omitempty"`
	URL       string `json:"url,omitempty"`
	EntityRef string `json:"entityRef,omitempty"`
	Icon      string `json:"icon,omitempty"`
}

// NextAction is something a person usually does after a scaffold.
type NextAction struct {
	// ID is open-folder, run-locally, run-tests, view-in-catalog or push.
	ID    string `json:"id"`
	Title string `json:"title"`
	// Command is a shell command to run in Dir, when the action is one.
	Command string `json:"command,omitempty"`
	Dir     string `json:"dir,omitempty"`
	// EntityRef is set for view-in-catalog.
	EntityRef string `json:"entityRef,omitempty"`
}

// Result is what a scaffold (or a dry run) produced.
type Result struct {
	Template string `json:"template"`
	Source   string `json:"source"`
	Version  string `json:"version"`
	// Dir is the absolute output directory.
	Dir    string `json:"dir"`
	DryRun bool   `json:"dryRun"`
	// Files are the files written (or that would be), sorted by path.
	Files []File       `json:"files"`
	Steps []StepResult `json:"steps"`
	// Commit is the first commit of the new repository (publish:git).
	Commit string `json:"commit,omitempty"`
	Branch string `json:"branch,omitempty"`
	// Remote is the URL pushed to, credentials removed ("" = not pushed).
	Remote string `json:"remote,omitempty"`
	// CatalogRef is the component registered in the local catalog.
	CatalogRef string `json:"catalogRef,omitempty"`
	// CatalogSource is the local catalog source that holds it.
	CatalogSource string       `json:"catalogSource,omitempty"`
	Links         []Link       `json:"links"`
	NextActions   []NextAction `json:"nextActions"`
	// Log is what debug:log steps said.
	Log        []string `json:"log"`
	DurationMs float64  `json:"durationMs"`
}

// Preview is a dry run for the live preview: it never fails on values a
// form has not filled in yet, it reports them as Problems.
type Preview struct {
	Template string    `json:"template"`
	Version  string    `json:"version"`
	Files    []File    `json:"files"`
	Problems []Problem `json:"problems"`
	// Error is why the template could not be rendered with these values.
	Error string `json:"error,omitempty"`
}

// Recorded is .paved/template.yaml in a generated repository: which
// template made it, at which version, with which answers (never secrets).
type Recorded struct {
	APIVersion string `json:"apiVersion" yaml:"apiVersion"`
	Kind       string `json:"kind" yaml:"kind"`
	// Template is the template's name.
	Template string `json:"template" yaml:"template"`
	// Source is builtin, platform or dir.
	Source string `json:"source" yaml:"source"`
	// Location is where the template is read from (see TemplateSummary).
	Location string `json:"location" yaml:"location"`
	Version  string `json:"version" yaml:"version"`
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

// ServiceStatus says whether one generated repository is behind its
// template.
type ServiceStatus struct {
	Dir      string `json:"dir"`
	Template string `json:"template,omitempty"`
	Source   string `json:"source,omitempty"`
	// Version is the template version the repository was made or last
	// updated from; Latest is the template's version now.
	Version string `json:"version,omitempty"`
	Latest  string `json:"latest,omitempty"`
	// State is up-to-date, behind, unknown-version, template-missing or
	// not-scaffolded.
	State string `json:"state"`
	// CommitsBehind counts the template's commits between Version and
	// Latest, for templates in git (0 when unknown or up to date).
	CommitsBehind int    `json:"commitsBehind,omitempty"`
	Message       string `json:"message,omitempty"`
}

// UpdateResult is what an update did.
type UpdateResult struct {
	Dir      string `json:"dir"`
	Template string `json:"template"`
	From     string `json:"from"`
	To       string `json:"to"`
	// UpToDate is set when there was nothing to do (no branch, no commit).
	UpToDate bool `json:"upToDate"`
	// Branch is the new branch holding the update commit.
	Branch string `json:"branch,omitempty"`
	Commit string `json:"commit,omitempty"`
	// Changed are files the update wrote cleanly (merged or taken from the
	// template), Added new ones, Deleted removed ones.
	Changed []string `json:"changed"`
	Added   []string `json:"added"`
	Deleted []string `json:"deleted"`
	// Conflicts are files left with git conflict markers to resolve.
	Conflicts []string `json:"conflicts"`
}
