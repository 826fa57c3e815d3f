package devenv

import "github.com/paved-dev/paved/internal/store"

// Schema is the local environments' tables, for store.Open; state.go uses
// them. Never edit a migration that has shipped: append one.
func Schema() store.Schema {
	return store.Schema{Name: "devenv", Migrations: []string{
		// 1: where each environment came from, and its remembered host ports.
		`
-- One row per environment started on this machine (paved env up). What
-- runs is read from Docker's labels; this remembers where it came from.
CREATE TABLE devenv_environments(
	name       TEXT PRIMARY KEY,          -- environment name (the workload's)
	dir        TEXT NOT NULL,             -- directory of its workload spec
	spec       TEXT NOT NULL DEFAULT '',  -- the spec file used
	entity     TEXT NOT NULL DEFAULT '',  -- catalog entity ref, when known
	deps       TEXT NOT NULL DEFAULT 'none',
	updated_at TEXT NOT NULL              -- RFC 3339, UTC: last up or down
);

-- Host ports, stable per service across runs. No secrets here: generated
-- passwords live only in memory and in the containers' environment.
CREATE TABLE devenv_ports(
	env            TEXT NOT NULL,
	service        TEXT NOT NULL,
	container_port INTEGER NOT NULL,
	protocol       TEXT NOT NULL,
	host_port      INTEGER NOT NULL,
	PRIMARY KEY(env, service, container_port, protocol)
) WITHOUT ROWID;
`,
	}}
}
