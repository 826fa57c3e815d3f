-- Migration 2 of Paved's single migration list (internal/store/migrations.go
-- before components had their own versions), verbatim. Databases recorded
-- it as PRAGMA user_version = 2. Used only to test that such databases open.

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
