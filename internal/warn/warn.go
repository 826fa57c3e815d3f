// Package warn is how a library says "this went wrong but the action goes
// on" (an audit entry that could not be written, a cache that could not be
// refreshed) without writing to os.Stderr itself: the CLI prints warnings to
// stderr, the window shows them.
//
// Rules: libraries never print; a warning carries no secrets; reporting a
// warning never fails and never blocks for long.
package warn

import "sync"

// Sink receives warnings.
type Sink interface {
	Warn(err error)
}

// Func adapts a function to Sink.
type Func func(error)

// Warn calls f.
func (f Func) Warn(err error) { f(err) }

// Discard drops every warning.
var Discard Sink = Func(func(error) {})

// OrDiscard returns s, or Discard when s is nil.
func OrDiscard(s Sink) Sink {
	if s == nil {
		return Discard
	}
	return s
}

// Recorder keeps warnings (for tests and for callers that show them later).
type Recorder struct {
	mu   sync.Mutex
	errs []error
}

// Warn records err.
func (r *Recorder) Warn(err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

// Errors returns what was recorded.
func (r *Recorder) Errors() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]error(nil), r.errs...)
}
