package problem

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestStringLeavesOutWhatIsUnknown(t *testing.T) {
	for _, c := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "catalog-info.yaml", Line: 12, Field: "spec.owner", Message: "is empty", Fix: "name the owning group"},
			"catalog-info.yaml:12: spec.owner: is empty; name the owning group"},
		{Problem{File: "a.yaml", Message: "too large"}, "a.yaml: too large"},
		{Problem{Line: 3, Message: "bad"}, "line 3: bad"},
		{Problem{Field: "name", Message: "is required"}, "name: is required"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("%+v.String() = %q, want %q", c.p, got, c.want)
		}
	}
}

func TestDescribeCarriesKindAndProblemsThroughWrapping(t *testing.T) {
	inner := Invalidf("the values do not fit template go-service", Problem{Field: "name", Message: "is required"})
	err := fmt.Errorf("scaffold: %w", inner)
	d := Describe(err)
	if d.Kind != Invalid || len(d.Problems) != 1 || d.Problems[0].Field != "name" {
		t.Fatalf("Describe = %+v, want kind invalid with the name problem", d)
	}
	if d.Message != err.Error() {
		t.Fatalf("Message = %q, want the whole error text %q", d.Message, err.Error())
	}
	if d := Describe(errors.New("boom")); d.Kind != Internal || d.Problems == nil || len(d.Problems) != 0 {
		t.Fatalf("plain error = %+v, want internal with an empty (non-nil) problem list", d)
	}
	if k := KindOf(fmt.Errorf("x: %w", context.Canceled)); k != Canceled {
		t.Fatalf("KindOf(canceled) = %q", k)
	}
	if k := KindOf(List{{Message: "m"}}); k != Invalid {
		t.Fatalf("KindOf(List) = %q, want invalid", k)
	}
	if k := KindOf(fmt.Errorf("x: %w", NotFoundf("no entity component:default/x"))); k != NotFound {
		t.Fatalf("KindOf(not found) = %q", k)
	}
}
