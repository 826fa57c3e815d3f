// Package model is Paved's pure Backstage catalog model: it decodes
// descriptor files (catalog-info.yaml and friends), validates the entities
// they describe, parses and formats entity references, and derives the
// relations that each entity's own fields declare.
//
// The package mirrors Backstage's descriptor format
// (https://backstage.io/docs/features/software-catalog/descriptor-format):
// the envelope (apiVersion, kind, metadata, spec), the metadata rules for
// names, namespaces, labels, annotations, tags and links, the required
// fields of every built-in kind, the string form of entity references
// ("[kind:][namespace/]name"), the well-known relations with the default
// kind each spec field implies, and the $text/$json/$yaml substitutions.
//
// Rules the package keeps:
//
//   - It is pure. It does no I/O except reading the []byte it is handed;
//     placeholder substitution asks the caller's read function for content.
//     It has no package-level mutable state, and it never depends on
//     storage (SQLite) or version control (git).
//   - Descriptor files are untrusted input. Decode rejects files larger than
//     MaxDescriptorBytes, invalid UTF-8, YAML syntax errors, alias bombs
//     ("billion laughs"), overly deep nesting and overly many nodes as a
//     whole (a problem.List of one problem), and does so in bounded time and
//     memory. Syntax errors name the line to fix, not yaml.v3's line before.
//   - Problems are problem.Problem. Each names the offending field as a dotted path
//     ("spec.owner", "metadata.tags[2]", `metadata.annotations["backstage.io/x"]`),
//     the 1-based line it is on, and says what to do about it; File is left
//     to the caller, who knows the file.
//   - One bad document never hides the others: each document of a file is
//     validated on its own and returned either as an Entity or as the
//     Problems that rejected it.
//   - Unknown fields are kept (Entity.Raw) so nothing the author wrote is
//     lost; custom kinds with a well-formed apiVersion are accepted without
//     spec checks.
//
// Files: decode.go (YAML to values, limits), envelope.go (apiVersion, kind,
// the order of checks), metadata.go, kinds.go (the built-in kinds and their
// spec fields), relations.go (relation types, refs in spec fields),
// checker.go (where problems are recorded), ref.go and names.go (reference
// and name syntax), placeholders.go.
package model
