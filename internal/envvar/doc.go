package envvar

import (
	"strings"
)

// Markdown renders the list as docs/environment.md.
func Markdown() string {
	var b strings.Builder
	b.WriteString("# Environment variables\n\n")
	b.WriteString("Every environment variable Paved reads, generated from `internal/envvar` (edit the list there,\n")
	b.WriteString("then `go test ./internal/envvar -update`). Flags win over variables; variables win over\n")
	b.WriteString("`platform.yaml` and defaults.\n")
	area := ""
	for _, v := range All {
		if v.Area != area {
			area = v.Area
			b.WriteString("\n## " + area + "\n\n| variable | what it does |\n| --- | --- |\n")
		}
		does := v.Does
		if v.Library != "" {
			does += " (read by `" + v.Library + "`)"
		}
		name := "`" + v.Name + "`"
		if strings.HasPrefix(v.Name, "(") {
			name = v.Name
		}
		b.WriteString("| " + name + " | " + strings.ReplaceAll(does, "|", "\\|") + " |\n")
	}
	return b.String()
}
