// Package progress is the one way capabilities report what a long operation is
// doing. The CLI prints events to stderr, the window forwards them as Wails
// events, tests record them.
//
// Rules: reporting never fails and never blocks for long; an event carries no
// secrets.
package progress

// Event is one step of a long operation.
type Event struct {
	// Topic names the operation family, e.g. "catalog:sync"; the window emits it
	// as the event name.
	Topic string `json:"-"`
	// Source is what the operation works on (a catalog source name, an environment...).
	Source string `json:"source"`
	// Stage is a short machine-readable step name: fetch, read, write, done.
	Stage string `json:"stage"`
	// Item is the part of Source this event is about, when there is one:
	// a template step's id, an environment's service. A UI groups events by
	// it instead of parsing Message.
	Item string `json:"item,omitempty"`
	// Message is for people; it never repeats Item as a "item: " prefix.
	Message string `json:"message"`
	// Detail is raw output behind Message (a build's log line), shown apart.
	Detail string `json:"detail,omitempty"`
	// Current and Total count work items when known (Total 0 = unknown).
	Current int `json:"current"`
	Total   int `json:"total"`
}

// Reporter receives events.
type Reporter interface {
	Report(Event)
}

// Func adapts a function to Reporter.
type Func func(Event)

// Report calls f.
func (f Func) Report(e Event) { f(e) }

// Discard drops every event.
var Discard Reporter = Func(func(Event) {})

// OrDiscard returns r, or Discard when r is nil.
func OrDiscard(r Reporter) Reporter {
	if r == nil {
		return Discard
	}
	return r
}
