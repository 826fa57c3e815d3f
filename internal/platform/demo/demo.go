// Package demo owns Paved's built-in sample organisation, "ACME Retail".
//
// When a user has configured no platform of their own, Paved runs on this
// embedded demo so the first screen is never empty: a platform.yaml at the
// root of FS and a Backstage catalog repository under catalog/ describing an
// online retailer's domains, systems, components, APIs, resources, teams and
// people.
//
// Rules: the demo is read-only (callers get an fs.FS, never a path on disk)
// and every file in it is validated by the package tests — descriptors must
// follow the Backstage descriptor format, every entity reference must
// resolve inside the demo and every Location target must exist. Edit the
// files under files/ and run the tests; there is no code to change.
package demo

import (
	"embed"
	"io/fs"
)

// embedded holds the demo platform repository. The all: prefix keeps files
// whose names start with "." or "_" should the sample ever need them.
//
//go:embed all:files
var embedded embed.FS

// FS returns the demo platform repository: platform.yaml sits at its root and
// the catalog under catalog/. The returned file system is read-only.
func FS() fs.FS {
	sub, err := fs.Sub(embedded, "files")
	if err != nil {
		// fs.Sub only fails for an invalid path; "files" is a constant.
		panic("demo: " + err.Error())
	}
	return sub
}
