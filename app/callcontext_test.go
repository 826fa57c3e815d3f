package app

import (
	"context"
	"testing"
)

// A browser call's work ends when its caller leaves or the session ends;
// the window's calls (no call context) live as long as the session.
func TestCallContextEndsWithTheCallerOrTheSession(t *testing.T) {
	session, endSession := context.WithCancel(context.Background())
	a := New(nil)
	a.attach(session, nil)

	req, leave := context.WithCancel(context.Background())
	ctx, done := a.forCall(req).callContext()
	defer done()
	if ctx.Err() != nil {
		t.Fatal("a call's context ended before its caller left")
	}
	leave()
	<-ctx.Done()

	ctx2, done2 := a.forCall(context.Background()).callContext()
	defer done2()
	window, doneW := a.callContext()
	defer doneW()
	endSession()
	<-ctx2.Done()
	<-window.Done()

	if a.forCall(req).shared != a.shared {
		t.Fatal("a call's App does not share the session's state")
	}
}

// Every bound method is rebound per call, so browser mode can hand it the
// request's context.
func TestBrowserMethodsAreBoundPerCall(t *testing.T) {
	for name, m := range boundMethods(New(nil)) {
		if m.bind == nil || !m.bind(context.Background()).IsValid() {
			t.Errorf("%s is not rebound per call", name)
		}
	}
}
