package catalog

import (
	"context"
	"fmt"
	"os"
)

// record appends to the audit log; a failure to record is reported on stderr
// rather than failing an action that already happened.
func (s *Service) record(ctx context.Context, action, target, detail string, cause error) {
	if s.audit == nil {
		return
	}
	if err := s.audit.Record(context.WithoutCancel(ctx), action, target, detail, cause); err != nil {
		fmt.Fprintln(os.Stderr, "paved: warning:", err)
	}
}
