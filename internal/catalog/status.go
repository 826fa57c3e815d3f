package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paved-dev/paved/internal/catalog/source"
)

// Status reports every source's cache: last sync, commit, entity count and
// every problem found (bad files, missing targets, duplicate refs).
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
		st.Errors = []FileError{}
		var probs []source.Problem
		_ = json.Unmarshal([]byte(walkErrs), &probs)
		for _, p := range probs {
			st.Errors = append(st.Errors, FileError{Source: st.Name, File: p.Path, Line: p.Line, Message: p.Message})
		}
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
		var probs []source.Problem
		_ = json.Unmarshal([]byte(errs), &probs)
		if st := byName[src]; st != nil {
			for _, p := range probs {
				st.Errors = append(st.Errors, FileError{Source: src, File: p.Path, Line: p.Line, Message: p.Message})
			}
		}
	}
	frows.Close()
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
			st.Errors = append(st.Errors, FileError{Source: src, File: path, Line: line,
				Message: fmt.Sprintf("duplicate entity %s: already defined in %s:%s:%d, which is kept; rename one of them or delete this copy", ref, wsrc, wpath, wline)})
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
