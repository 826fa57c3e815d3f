package render

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"
)

// This file is what crosses the pipe between a process and its render
// workers: requests of jobs, and one result per job, gob-encoded. Values
// cross as plain data (nil, bool, int, float64, string, []any,
// map[string]any), so a template never sees, and cannot change, the
// caller's own maps.

// request is one round trip: the jobs share the data and the limits.
type request struct {
	Limits limits
	Data   map[string]any
	Jobs   []job
}

// job is one text (Src) or one template.yaml value (IsValue, Value).
type job struct {
	Name    string
	Src     string
	Opts    Options
	IsValue bool
	Value   any
}

// result is a job's outcome.
type result struct {
	Text  string
	Value any
	Err   *wireError
}

// wireError is an *Error on the wire.
type wireError struct {
	Name, Expr, Msg string
	Line            int
	IsValue, Limit  bool
	// Cause keeps a timeout or a cancellation recognisable; Time is the
	// limit of a timeout.
	Cause string
	Time  time.Duration
}

func registerWireTypes() {
	gob.Register(map[string]any{})
	gob.Register([]any{})
}

const (
	causeCanceled = "canceled"
	causeDeadline = "deadline"
	causeTime     = "time"
)

func toWire(err error, name string) *wireError {
	if err == nil {
		return nil
	}
	var re *Error
	if !errors.As(err, &re) {
		re = &Error{Name: name, Err: err}
	}
	w := &wireError{Name: re.Name, Line: re.Line, Expr: re.Expr, IsValue: re.value, Limit: re.limit}
	if re.Err != nil {
		w.Msg = re.Err.Error()
	}
	var tl timeLimit
	switch {
	case errors.As(re.Err, &tl):
		w.Cause, w.Time = causeTime, time.Duration(tl)
	case errors.Is(re.Err, context.Canceled):
		w.Cause = causeCanceled
	case errors.Is(re.Err, context.DeadlineExceeded):
		w.Cause = causeDeadline
	}
	return w
}

// cause is a wire error's message, keeping what errors.Is needs.
type cause struct {
	msg string
	is  error
}

func (c *cause) Error() string { return c.msg }
func (c *cause) Unwrap() error { return c.is }

func (w *wireError) err() *Error {
	var e error = errors.New(w.Msg)
	switch w.Cause {
	case causeCanceled:
		e = &cause{w.Msg, context.Canceled}
	case causeDeadline:
		e = &cause{w.Msg, context.DeadlineExceeded}
	case causeTime:
		e = timeLimit(w.Time)
	}
	return &Error{Name: w.Name, Line: w.Line, Expr: w.Expr, Err: e, value: w.IsValue, limit: w.Limit}
}

func (r result) text() (string, error) {
	if r.Err != nil {
		return "", r.Err.err()
	}
	return r.Text, nil
}

func (r result) value() (any, error) {
	if r.Err != nil {
		return nil, r.Err.err()
	}
	return refill(r.Value), nil
}

// refill gives back the empty lists and maps gob turns into nil ones:
// plain data never holds a nil list or map.
func refill(v any) any {
	switch t := v.(type) {
	case []any:
		if t == nil {
			return []any{}
		}
		for i, x := range t {
			t[i] = refill(x)
		}
	case map[string]any:
		if t == nil {
			return map[string]any{}
		}
		for k, x := range t {
			t[k] = refill(x)
		}
	}
	return v
}

// plain turns v into plain data: numbers become int or float64, typed
// slices and maps become []any and map[string]any (never nil ones), structs
// and other named types go through JSON. Values nested deeper than 10,000
// levels are refused.
func plain(v any) (any, error) { return plainAt(v, 0) }

func plainAt(v any, depth int) (any, error) {
	if depth > 10000 {
		return nil, errors.New("the values nest more than 10,000 levels deep")
	}
	switch t := v.(type) {
	case nil, bool, string, int, float64:
		return t, nil
	case int64:
		return int(t), nil
	case int32:
		return int(t), nil
	case float32:
		return float64(t), nil
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return int(i), nil
		}
		f, err := t.Float64()
		return f, err
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			p, err := plainAt(x, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			p, err := plainAt(x, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int(u), nil
		}
		return float64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			p, err := plainAt(rv.Index(i).Interface(), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			p, err := plainAt(it.Value().Interface(), depth+1)
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = p
		}
		return out, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return plainAt(rv.Elem().Interface(), depth+1)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("a value of type %T cannot be given to a template: %w", v, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return plainAt(out, depth+1)
}
