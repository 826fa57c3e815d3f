package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/paved-dev/paved/internal/goldenpath"
)

// ScaffoldRequest is what the golden-path form submits.
type ScaffoldRequest struct {
	// Template is a golden path's name (from GoldenPaths).
	Template string `json:"template"`
	// Values are the form's values, keyed by parameter name.
	Values map[string]any `json:"values"`
	// OutDir is where the new repository goes; "" means the default rule:
	// ~/src/<values.name>, the name being one plain folder name
	// (goldenpath.DefaultOutDir), else the scaffold is refused.
	OutDir string `json:"outDir,omitempty"`
	// Push is a git remote URL to push the new repository to ("" = none).
	Push string `json:"push,omitempty"`
}

// GoldenPaths lists the golden paths for the gallery (the platform's and
// the built-in ones; a platform template replaces a built-in of its name).
func (a *App) GoldenPaths() ([]goldenpath.TemplateSummary, error) {
	return reply(a.p.GoldenPaths.List(a.context(), goldenpath.ListOptions{}))
}

// GoldenPath returns one golden path with its README and parameter pages.
func (a *App) GoldenPath(name string) (goldenpath.TemplateDetail, error) {
	return reply(a.p.GoldenPaths.Get(a.context(), name))
}

// ScaffoldPreview renders the files a scaffold would write, in memory. It is
// cheap enough to call as the form changes; unfinished values come back as
// Problems, not as an error, and OutDir is the folder Scaffold would create
// (the default rule's when req.OutDir is "").
func (a *App) ScaffoldPreview(req ScaffoldRequest) (goldenpath.Preview, error) {
	parent, err := defaultParentDir()
	if err != nil {
		return reply(goldenpath.Preview{}, err)
	}
	ctx, done := a.callContext()
	defer done()
	return reply(a.p.GoldenPaths.Preview(ctx, goldenpath.PreviewOptions{Template: req.Template, Values: req.Values, OutDir: req.OutDir, Parent: parent}))
}

// Scaffold creates the new repository, reporting each step as a
// "goldenpath:progress" event, and announces "catalog:changed" when the new
// component was registered. An empty req.OutDir means the default rule:
// ~/src/<name> (see ScaffoldRequest.OutDir).
func (a *App) Scaffold(req ScaffoldRequest) (goldenpath.Result, error) {
	parent, err := defaultParentDir()
	if err != nil {
		return reply(goldenpath.Result{}, err)
	}
	res, err := a.p.GoldenPaths.Scaffold(a.context(), goldenpath.ScaffoldOptions{
		Template: req.Template, Values: req.Values, OutDir: req.OutDir, Parent: parent, Push: req.Push,
	}, a.reporter())
	if res.CatalogRef != "" {
		a.send(EventCatalogChanged, nil)
	}
	return reply(res, err)
}

// ScaffoldDefaults tells the form where new repositories go by default.
func (a *App) ScaffoldDefaults() (map[string]string, error) {
	dir, err := defaultParentDir()
	if err != nil {
		return reply(map[string]string{}, err)
	}
	return reply(map[string]string{"parentDir": dir}, nil)
}

// TemplateStatus reports, for each directory, whether the repository in it
// is behind its golden path.
func (a *App) TemplateStatus(dirs []string) ([]goldenpath.ServiceStatus, error) {
	return reply(a.p.GoldenPaths.Status(a.context(), goldenpath.StatusOptions{Dirs: dirs}))
}

// TemplateUpdate brings the repository in dir up to its golden path's
// version to ("" = latest) on a new branch, reporting progress as
// "goldenpath:progress" events.
func (a *App) TemplateUpdate(dir, to string) (goldenpath.UpdateResult, error) {
	return reply(a.p.GoldenPaths.Update(a.context(), goldenpath.UpdateOptions{Dir: dir, To: to}, a.reporter()))
}

// OpenFolder opens an existing directory in the system's file manager.
func (a *App) OpenFolder(dir string) error {
	return replyErr(openFolder(dir))
}

func openFolder(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a directory", abs)
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", abs)
	case "windows":
		cmd = exec.Command("explorer", abs)
	default:
		cmd = exec.Command("xdg-open", abs)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", abs, err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// defaultParentDir is ~/src, where new repositories go unless told.
func defaultParentDir() (string, error) {
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home directory: %w", err)
	}
	return filepath.Join(h, "src"), nil
}
