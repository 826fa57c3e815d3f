package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/warn"
)

// windowRelay is app.WarningRelay's method set (the window takes the
// warnings over through it); cli does not import app.
type windowRelay interface {
	Relay(to warn.Sink) (restore func())
}

var _ windowRelay = (*uiWarnings)(nil)

func TestUIWarningsPrintUntilAUITakesThemOver(t *testing.T) {
	var stderr bytes.Buffer
	w := newUIWarnings(&stderr)
	w.Warn(errors.New("before the window"))
	ui := &warn.Recorder{}
	restore := w.Relay(ui)
	w.Warn(errors.New("while the window is open"))
	restore()
	w.Warn(errors.New("after the window closed"))
	w.Warn(nil)

	if got := stderr.String(); got != "paved: warning: before the window\npaved: warning: after the window closed\n" {
		t.Fatalf("stderr = %q", got)
	}
	if errs := ui.Errors(); len(errs) != 1 || errs[0].Error() != "while the window is open" {
		t.Fatalf("the UI got %v", errs)
	}
}

// The services of a UI session report to the session's warnings, not to a
// library's own stderr: an audit entry that cannot be written is printed
// once, as the CLI prints warnings.
func TestUISessionServicesWarnThroughTheSession(t *testing.T) {
	t.Setenv(core.HomeEnv, t.TempDir())
	var stdout, stderr bytes.Buffer
	d := Deps{Stdout: &stdout, Stderr: &stderr,
		ServeBrowser: func(ctx context.Context, p *core.Paved, addr string, ready func(string), _ WarningRelay) error {
			ready("http://127.0.0.1:1234/?token=s3cret")
			p.Store.Close()
			p.Audit.Note(ctx, "test.action", "target", "", nil) // cannot be recorded: a warning
			return nil
		}}
	if code := Main(context.Background(), []string{"ui", "--browser", "--addr", "127.0.0.1:0"}, d); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Paved is running at http://127.0.0.1:1234/?token=s3cret\n") {
		t.Fatalf("stdout = %q, want the URL with its token", stdout.String())
	}
	if n := strings.Count(stderr.String(), "paved: warning:"); n != 1 || !strings.Contains(stderr.String(), "audit") {
		t.Fatalf("stderr = %q, want one audit warning", stderr.String())
	}
	if strings.Contains(stderr.String(), "s3cret") {
		t.Fatal("the secret was printed somewhere else than the URL")
	}
}
