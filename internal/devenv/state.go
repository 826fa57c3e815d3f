package devenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paved-dev/paved/internal/devenv/plan"
)

// record of an environment in SQLite.
type envRow struct {
	Name, Dir, Spec, Entity, Deps string
	UpdatedAt                     time.Time
}

func (s *Service) getEnv(ctx context.Context, name string) (envRow, bool, error) {
	var r envRow
	var at string
	err := s.st.R.QueryRowContext(ctx, `SELECT name, dir, spec, entity, deps, updated_at FROM devenv_environments WHERE name = ?`, name).
		Scan(&r.Name, &r.Dir, &r.Spec, &r.Entity, &r.Deps, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return envRow{}, false, nil
	}
	if err != nil {
		return envRow{}, false, fmt.Errorf("read environment %s: %w", name, err)
	}
	r.UpdatedAt, _ = time.Parse(time.RFC3339Nano, at)
	return r, true, nil
}

func (s *Service) envByDir(ctx context.Context, dir string) (envRow, bool, error) {
	var name string
	err := s.st.R.QueryRowContext(ctx, `SELECT name FROM devenv_environments WHERE dir = ? ORDER BY updated_at DESC LIMIT 1`, dir).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return envRow{}, false, nil
	}
	if err != nil {
		return envRow{}, false, fmt.Errorf("read environments: %w", err)
	}
	return s.getEnv(ctx, name)
}

func (s *Service) listEnvs(ctx context.Context) ([]envRow, error) {
	rows, err := s.st.R.QueryContext(ctx, `SELECT name, dir, spec, entity, deps, updated_at FROM devenv_environments ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list environments: %w", err)
	}
	defer rows.Close()
	var out []envRow
	for rows.Next() {
		var r envRow
		var at string
		if err := rows.Scan(&r.Name, &r.Dir, &r.Spec, &r.Entity, &r.Deps, &at); err != nil {
			return nil, fmt.Errorf("list environments: %w", err)
		}
		r.UpdatedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) saveEnv(ctx context.Context, r envRow) error {
	_, err := s.st.W.ExecContext(ctx, `INSERT INTO devenv_environments(name, dir, spec, entity, deps, updated_at) VALUES(?,?,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET dir = excluded.dir, spec = excluded.spec, entity = excluded.entity, deps = excluded.deps, updated_at = excluded.updated_at`,
		r.Name, r.Dir, r.Spec, r.Entity, r.Deps, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("save environment %s: %w", r.Name, err)
	}
	return nil
}

func (s *Service) touchEnv(ctx context.Context, name string) error {
	_, err := s.st.W.ExecContext(ctx, `UPDATE devenv_environments SET updated_at = ? WHERE name = ?`, time.Now().UTC().Format(time.RFC3339Nano), name)
	if err != nil {
		return fmt.Errorf("save environment %s: %w", name, err)
	}
	return nil
}

// forgetEnv deletes an environment and its remembered ports.
func (s *Service) forgetEnv(ctx context.Context, name string) error {
	tx, err := s.st.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("forget environment %s: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM devenv_ports WHERE env = ?`, name); err != nil {
		return fmt.Errorf("forget environment %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM devenv_environments WHERE name = ?`, name); err != nil {
		return fmt.Errorf("forget environment %s: %w", name, err)
	}
	return tx.Commit()
}

func (s *Service) rememberedPorts(ctx context.Context, env string) (map[plan.PortKey]int, error) {
	rows, err := s.st.R.QueryContext(ctx, `SELECT service, container_port, protocol, host_port FROM devenv_ports WHERE env = ?`, env)
	if err != nil {
		return nil, fmt.Errorf("read ports of %s: %w", env, err)
	}
	defer rows.Close()
	out := map[plan.PortKey]int{}
	for rows.Next() {
		var k plan.PortKey
		var p int
		if err := rows.Scan(&k.Service, &k.Container, &k.Protocol, &p); err != nil {
			return nil, fmt.Errorf("read ports of %s: %w", env, err)
		}
		out[k] = p
	}
	return out, rows.Err()
}

func (s *Service) rememberPorts(ctx context.Context, env string, ports map[plan.PortKey]int) error {
	tx, err := s.st.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save ports of %s: %w", env, err)
	}
	defer tx.Rollback()
	for k, p := range ports {
		if _, err := tx.ExecContext(ctx, `INSERT INTO devenv_ports(env, service, container_port, protocol, host_port) VALUES(?,?,?,?,?)
			ON CONFLICT(env, service, container_port, protocol) DO UPDATE SET host_port = excluded.host_port`,
			env, k.Service, k.Container, k.Protocol, p); err != nil {
			return fmt.Errorf("save ports of %s: %w", env, err)
		}
	}
	return tx.Commit()
}
