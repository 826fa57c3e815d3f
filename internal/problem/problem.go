// Package problem owns the one shape Paved uses for "something is wrong with
// what you gave me" and the error structure that crosses to the UI.
//
// A Problem names where (file, line, field), what (message) and what to do
// (fix). Every parser and validator in Paved reports Problems; nothing else
// defines its own problem type.
//
// An *Error is an error with a Kind (not found, invalid, conflict,
// unavailable, ...) and the Problems behind it. The window and browser
// bridges send every error to the frontend as {message, kind, problems[]}
// (see Describe), so the frontend never parses Go message text; browser-mode
// HTTP status codes follow the Kind.
//
// Rules: messages are for people and carry no secrets; Line is 1-based (0 =
// unknown); Field is a dotted path such as "spec.owner" or "metadata.tags[2]"
// ("" = the file or document as a whole).
package problem

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Problem is one thing wrong with an input.
type Problem struct {
	// File is the file the problem is in, as the user knows it ("" when the
	// input is not a file, such as a form's values).
	File string `json:"file,omitempty"`
	// Line is the 1-based line in File (0 = unknown).
	Line int `json:"line,omitempty"`
	// Field is the dotted path of the offending field or parameter ("" = the
	// whole document, file or form).
	Field string `json:"field,omitempty"`
	// Message says what is wrong, in plain words.
	Message string `json:"message"`
	// Fix says what to do about it ("" when Message already says).
	Fix string `json:"fix,omitempty"`
}

// String formats the problem as "file:line: field: message; fix", leaving out
// whatever is unknown.
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.File != "" && p.Line > 0:
		b.WriteString(p.File + ":" + strconv.Itoa(p.Line) + ": ")
	case p.File != "":
		b.WriteString(p.File + ": ")
	case p.Line > 0:
		b.WriteString("line " + strconv.Itoa(p.Line) + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	if p.Fix != "" {
		b.WriteString("; " + p.Fix)
	}
	return b.String()
}

// In returns p placed in file (unless it already names one).
func (p Problem) In(file string) Problem {
	if p.File == "" {
		p.File = file
	}
	return p
}

// List is several problems; as an error it prints one per line.
type List []Problem

// Error joins the problems, one per line.
func (l List) Error() string {
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = p.String()
	}
	return strings.Join(parts, "\n")
}

// In places every problem of l in file.
func (l List) In(file string) List {
	out := make(List, len(l))
	for i, p := range l {
		out[i] = p.In(file)
	}
	return out
}

// Kind classifies an error for the UI and for exit and status codes.
type Kind string

// Kinds.
const (
	// Internal is anything unclassified: a bug or an unexpected failure.
	Internal Kind = "internal"
	// Invalid means the input was wrong; Problems say where.
	Invalid Kind = "invalid"
	// NotFound means the thing asked for does not exist.
	NotFound Kind = "not_found"
	// Conflict means the request clashes with current state (already
	// exists, busy, changed meanwhile).
	Conflict Kind = "conflict"
	// Unavailable means a service Paved needs did not answer (Docker, a git
	// remote, the network); trying again later may work.
	Unavailable Kind = "unavailable"
	// Forbidden means the user's credentials do not allow it.
	Forbidden Kind = "forbidden"
	// Canceled means the caller gave up (Ctrl-C, a closed window).
	Canceled Kind = "canceled"
)

// Error is an error with a kind and the problems behind it.
type Error struct {
	Kind Kind
	// Message is the one-line summary for people.
	Message string
	// Problems are the details, each with its place and fix.
	Problems List
	// Err is the underlying cause (may be nil).
	Err error
}

// Error is the message, then the problems, one per line.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if len(e.Problems) == 0 {
		return msg
	}
	return msg + ":\n  " + strings.ReplaceAll(e.Problems.Error(), "\n", "\n  ")
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind with a message and problems.
func New(kind Kind, message string, problems ...Problem) *Error {
	return &Error{Kind: kind, Message: message, Problems: problems}
}

// Wrap returns err classified as kind, with message as its summary ("" keeps
// err's own text).
func Wrap(kind Kind, message string, err error) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Invalidf is shorthand for an Invalid error with problems.
func Invalidf(message string, problems ...Problem) *Error {
	return New(Invalid, message, problems...)
}

// NotFoundf is shorthand for a NotFound error.
func NotFoundf(message string) *Error { return New(NotFound, message) }

// kinded is implemented by errors (of any package) that know their kind.
type kinded interface{ ProblemKind() Kind }

// withProblems is implemented by errors (of any package) that carry problems.
type withProblems interface{ ProblemList() List }

// KindOf classifies err: the first *Error or kinded error in its chain wins;
// context cancellation is Canceled; anything else is Internal.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var pe *Error
	if errors.As(err, &pe) && pe.Kind != "" {
		return pe.Kind
	}
	var k kinded
	if errors.As(err, &k) {
		return k.ProblemKind()
	}
	var l List
	if errors.As(err, &l) {
		return Invalid
	}
	if errors.Is(err, context.Canceled) {
		return Canceled
	}
	return Internal
}

// ProblemsOf returns the problems carried anywhere in err's chain (nil when
// none).
func ProblemsOf(err error) List {
	var pe *Error
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		return pe.Problems
	}
	var wp withProblems
	if errors.As(err, &wp) {
		return wp.ProblemList()
	}
	var l List
	if errors.As(err, &l) {
		return l
	}
	return nil
}

// Described is an error as the UI receives it.
type Described struct {
	// Message is err.Error(): the whole text, for display as is.
	Message  string `json:"message"`
	Kind     Kind   `json:"kind"`
	Problems List   `json:"problems"`
}

// Describe turns err into the structure the UI receives. Problems is never
// nil.
func Describe(err error) Described {
	d := Described{Message: err.Error(), Kind: KindOf(err), Problems: ProblemsOf(err)}
	if d.Problems == nil {
		d.Problems = List{}
	}
	return d
}
