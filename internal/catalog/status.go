package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paved-dev/paved/internal/problem"
)

// Status reports every source's cache: last sync, commit, entity count and
// every problem found (bad files, missing targets, duplicate refs). Stored
// problems written before problem.Problem ({file, line, message}) read the
// same.
func (s *Service) Status(ctx context.Context) ([]SourceStatus, error) {
	rows, err := s.st.R.QueryContext(ctx, `SELECT `+sourceCols+`, commit_id, last_sync_at, last_attempt_at, last_error, walk_errors,
		(SELECT count(*) FROM catalog_entities e WHERE e.source = s.name AND e.winner = 1),
		(SELECT count(*) FROM catalog_files f WHERE f.source = s.name)
		FROM catalog_sources s ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("read catalog status: %w", err)
	}
	var out []SourceStatus
	for rows.Next() {
		var st SourceStatus
		var lastSync, lastAttempt, walkErrs string
		if err := rows.Scan(&st.Name, &st.Kind, &st.Target, &st.Ref, &st.Subdir, &st.Glob, &st.Origin,
			&st.Commit, &lastSync, &lastAttempt, &st.LastError, &walkErrs, &st.Entities, &st.Files); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read catalog status: %w", err)
		}
		st.LastSyncAt, st.LastAttemptAt = parseTime(lastSync), parseTime(lastAttempt)
		st.Errors = []problem.Problem{}
		var probs []problem.Problem
		_ = json.Unmarshal([]byte(walkErrs), &probs)
		st.Errors = append(st.Errors, probs...)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read catalog status: %w", err)
	}
	byName := map[string]*SourceStatus{}
	for i := range out {
		byName[out[i].Name] = &out[i]
	}
	// File problems.
	frows, err := s.st.R.QueryContext(ctx, `SELECT source, errors FROM catalog_files WHERE errors != '[]' ORDER BY source, path`)
	if err != nil {
		return nil, fmt.Errorf("read file problems: %w", err)
	}
	for frows.Next() {
		var src, errs string
		if err := frows.Scan(&src, &errs); err != nil {
			frows.Close()
			return nil, fmt.Errorf("read file problems: %w", err)
		}
		var probs []problem.Problem
		_ = json.Unmarshal([]byte(errs), &probs)
		if st := byName[src]; st != nil {
			st.Errors = append(st.Errors, probs...)
		}
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return nil, fmt.Errorf("read file problems: %w", err)
	}
	// Duplicates: every document that lost its ref to another.
	drows, err := s.st.R.QueryContext(ctx, `SELECT d.source, d.path, d.line, d.display_ref, w.source, w.path, w.line
		FROM catalog_entities d JOIN catalog_entities w ON w.ref = d.ref AND w.winner = 1
		WHERE d.winner = 0 ORDER BY d.source, d.path, d.line`)
	if err != nil {
		return nil, fmt.Errorf("read duplicates: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var src, path, ref, wsrc, wpath string
		var line, wline int
		if err := drows.Scan(&src, &path, &line, &ref, &wsrc, &wpath, &wline); err != nil {
			return nil, fmt.Errorf("read duplicates: %w", err)
		}
		if st := byName[src]; st != nil {
			st.Errors = append(st.Errors, problem.Problem{File: path, Line: line, Field: "metadata.name",
				Message: fmt.Sprintf("duplicate entity %s: already defined in %s:%s:%d, which is kept", ref, wsrc, wpath, wline),
				Fix:     "rename one of them or delete this copy"})
		}
	}
	return out, drows.Err()
}

func parseTime(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}
