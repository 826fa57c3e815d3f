// Package audit owns the audit log: an append-only record of every
// state-changing action any capability performs (who, what, when, target,
// outcome).
//
// Rules: entries are never updated or deleted by Paved; details never contain
// secrets; a failure to record is returned to the caller, which reports it.
package audit

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/warn"
)

// Outcomes.
const (
	OK    = "ok"
	Error = "error"
)

// Entry is one audit record.
type Entry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Target  string    `json:"target"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
}

// Log appends to and reads the audit log.
type Log struct {
	st    *store.Store
	actor string
	now   func() time.Time
	warn  warn.Sink
}

// New returns a Log recording actions as the current OS user. Warnings (an
// entry that could not be written by Note) go to w (nil = dropped).
func New(st *store.Store, w warn.Sink) *Log {
	return &Log{st: st, actor: currentActor(), now: time.Now, warn: warn.OrDiscard(w)}
}

// Note is the best-effort Record every capability uses after an action that
// already happened: a failure to record does not fail the action; it goes to
// the Log's warning sink. Note on a nil Log does nothing, so services built
// without an audit log need no checks. The context's cancellation is
// ignored: an action the caller gave up on is still recorded.
func (l *Log) Note(ctx context.Context, action, target, detail string, cause error) {
	if l == nil {
		return
	}
	if err := l.Record(context.WithoutCancel(ctx), action, target, detail, cause); err != nil {
		l.warn.Warn(err)
	}
}

func currentActor() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return name + "@" + h
	}
	return name
}

// Record appends an entry for action on target. A non-nil cause marks the
// outcome as an error and becomes the detail (callers must not pass errors
// that may carry secrets).
func (l *Log) Record(ctx context.Context, action, target, detail string, cause error) error {
	e := Entry{At: l.now().UTC(), Actor: l.actor, Action: action, Target: target, Outcome: OK, Detail: detail}
	if cause != nil {
		e.Outcome = Error
		if detail != "" {
			e.Detail = detail + ": " + cause.Error()
		} else {
			e.Detail = cause.Error()
		}
	}
	_, err := l.st.W.ExecContext(ctx,
		`INSERT INTO audit_log(at, actor, action, target, outcome, detail) VALUES(?,?,?,?,?,?)`,
		e.At.Format(time.RFC3339Nano), e.Actor, e.Action, e.Target, e.Outcome, e.Detail)
	if err != nil {
		return fmt.Errorf("record audit entry %s %s: %w", action, target, err)
	}
	return nil
}

// ListOptions filters List.
type ListOptions struct {
	// Limit caps the number of entries (newest first); 0 means 100.
	Limit int
	// Action keeps only entries whose action starts with this prefix.
	Action string
}

// List returns entries, newest first.
func (l *Log) List(ctx context.Context, o ListOptions) ([]Entry, error) {
	if o.Limit <= 0 {
		o.Limit = 100
	}
	rows, err := l.st.R.QueryContext(ctx,
		`SELECT id, at, actor, action, target, outcome, detail FROM audit_log
		 WHERE substr(action, 1, length(?)) = ? ORDER BY id DESC LIMIT ?`, o.Action, o.Action, o.Limit)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Outcome, &e.Detail); err != nil {
			return nil, fmt.Errorf("list audit log: %w", err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}
