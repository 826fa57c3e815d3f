package audit

import "github.com/paved-dev/paved/internal/store"

// Schema is the audit log's table, for store.Open. Never edit a migration
// that has shipped: append one.
func Schema() store.Schema {
	return store.Schema{Name: "audit", Migrations: []string{
		// 1: the audit log.
		`
CREATE TABLE audit_log(
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,            -- RFC 3339, UTC, nanoseconds
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,            -- e.g. catalog.sync, platform.use
	target  TEXT NOT NULL,
	outcome TEXT NOT NULL,            -- ok | error
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
`,
	}}
}
