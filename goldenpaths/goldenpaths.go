// Package goldenpaths holds the golden paths built into Paved: one
// directory per template (template.yaml in the Backstage Software Template
// format, a README.md shown in the gallery, and the skeleton it renders).
// An organisation's own templates, from its platform repository, replace
// these by name.
//
// Rules: every template here is scaffolded by the tests and its generated
// project's own checks (go vet/go test, npm test) must pass. Skeleton files
// that are rendered end in .njk (fetch:template's templateFileExtension),
// so no Go file of a skeleton is ever compiled as part of Paved.
package goldenpaths

import (
	"embed"
	"io/fs"
)

// Version is the version of the built-in templates in this build; bump it
// whenever a template changes so `paved template status` reports services
// made from the older one as behind.
const Version = "2026.1.0"

//go:embed all:go-service all:go-cron-job all:node-service
var files embed.FS

// FS returns the built-in templates: go-service/template.yaml and so on.
func FS() fs.FS { return files }
