package audit

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/warn"
)

// newLog returns a Log over a fresh store whose clock starts at start and
// advances one second per entry.
func newLog(t *testing.T) *Log {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName), Schema())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l := New(st, nil)
	at := time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	l.now = func() time.Time {
		at = at.Add(time.Second)
		return at
	}
	return l
}

func TestRecordThenListRoundTrips(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	if err := l.Record(ctx, "catalog.sync", "demo", "3 files read", nil); err != nil {
		t.Fatal(err)
	}
	got, err := l.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("List returned %d entries, want 1", len(got))
	}
	e := got[0]
	wantAt := time.Date(2025, 3, 1, 11, 0, 1, 123456789, time.UTC)
	if !e.At.Equal(wantAt) || e.At.Location() != time.UTC {
		t.Errorf("At = %v, want %v in UTC with nanoseconds kept", e.At, wantAt)
	}
	if e.ID == 0 || e.Action != "catalog.sync" || e.Target != "demo" || e.Outcome != OK || e.Detail != "3 files read" {
		t.Errorf("entry = %+v", e)
	}
	if e.Actor == "" || e.Actor != l.actor {
		t.Errorf("Actor = %q, want the current user %q", e.Actor, l.actor)
	}
}

func TestErrorCauseSetsOutcomeAndDetail(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, detail string
		cause        error
		wantOutcome  string
		wantDetail   string
	}{
		{"ok with detail", "switched", nil, OK, "switched"},
		{"error without detail", "", errors.New("clone failed"), Error, "clone failed"},
		{"error with detail", "acme", errors.New("clone failed"), Error, "acme: clone failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLog(t)
			if err := l.Record(ctx, "platform.use", "x", tt.detail, tt.cause); err != nil {
				t.Fatal(err)
			}
			got, err := l.List(ctx, ListOptions{})
			if err != nil || len(got) != 1 {
				t.Fatalf("List = %v, %v", got, err)
			}
			if got[0].Outcome != tt.wantOutcome || got[0].Detail != tt.wantDetail {
				t.Fatalf("outcome %q detail %q, want %q %q", got[0].Outcome, got[0].Detail, tt.wantOutcome, tt.wantDetail)
			}
		})
	}
}

func TestListIsNewestFirstAndFilters(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	actions := []string{"catalog.sync", "platform.use", "catalog.add-source", "catalog.sync", "platform.refresh", "catalogue.other"}
	for i, a := range actions {
		if err := l.Record(ctx, a, fmt.Sprintf("t%d", i), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	targets := func(es []Entry) string {
		var s []string
		for _, e := range es {
			s = append(s, e.Target)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		name string
		opts ListOptions
		want string
	}{
		{"all newest first", ListOptions{}, "t5,t4,t3,t2,t1,t0"},
		{"limit keeps the newest", ListOptions{Limit: 2}, "t5,t4"},
		{"action prefix", ListOptions{Action: "catalog."}, "t3,t2,t0"},
		{"action prefix and limit", ListOptions{Action: "platform.", Limit: 1}, "t4"},
		{"exact action", ListOptions{Action: "catalog.sync"}, "t3,t0"},
		{"no match", ListOptions{Action: "deploy."}, ""},
		{"LIKE wildcards are literal", ListOptions{Action: "catalog_"}, ""},
		{"percent is literal", ListOptions{Action: "%"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.List(ctx, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if targets(got) != tt.want {
				t.Fatalf("List(%+v) = %s, want %s", tt.opts, targets(got), tt.want)
			}
			for i := 1; i < len(got); i++ {
				if !got[i-1].At.After(got[i].At) || got[i-1].ID <= got[i].ID {
					t.Fatalf("entries %d and %d are not newest first", i-1, i)
				}
			}
		})
	}
}

func TestListDefaultsToTheNewestHundred(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	for i := 0; i < 105; i++ {
		if err := l.Record(ctx, "catalog.sync", fmt.Sprint(i), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 || got[0].Target != "104" || got[99].Target != "5" {
		t.Fatalf("List() returned %d entries from %s to %s, want 100 from 104 to 5", len(got), got[0].Target, got[len(got)-1].Target)
	}
}

func TestListReturnsEmptySliceNotNil(t *testing.T) {
	got, err := newLog(t).List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || len(got) != 0 {
		t.Fatalf("List on an empty log = %#v, want an empty non-nil slice (JSON [])", got)
	}
}

func TestRecordFailureIsReturned(t *testing.T) {
	l := newLog(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := l.Record(ctx, "catalog.sync", "demo", "", nil)
	if err == nil || !strings.Contains(err.Error(), "catalog.sync demo") {
		t.Fatalf("Record with a cancelled context = %v, want an error naming the action and target", err)
	}
}

func TestNoteSendsAFailureToRecordToTheWarningSink(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), Schema())
	if err != nil {
		t.Fatal(err)
	}
	var got warn.Recorder
	l := New(st, &got)
	l.Note(ctx, "catalog.sync", "demo", "", nil)
	if n := len(got.Errors()); n != 0 {
		t.Fatalf("warnings after a good Note = %d, want 0", n)
	}
	st.Close()
	l.Note(ctx, "catalog.sync", "demo", "", nil)
	if errs := got.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "catalog.sync demo") {
		t.Fatalf("warnings after Note on a closed store = %v, want one naming the entry", errs)
	}
	var none *Log
	none.Note(ctx, "x", "y", "", nil) // a nil Log records nothing and does not panic
}
