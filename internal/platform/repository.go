package platform

import (
	"context"
	"fmt"

	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/problem"
)

// Repository opens the git repository of the platform in use from Paved's
// own clone, without touching the network, for reading commits other than
// the current one (an older version of a golden path). url says which
// repository the caller expects ("" = whichever is in use): when the
// platform in use is not that git repository the error is of kind
// problem.NotFound, since the commits asked for are not on this machine.
//
// The clone's location is this package's business: other packages reach
// the platform repository only through this method.
func (s *Service) Repository(ctx context.Context, url string) (*gitrepo.Repo, error) {
	ch, err := s.choice(ctx)
	if err != nil {
		return nil, err
	}
	if ch.Origin != OriginGit {
		return nil, problem.NotFoundf(fmt.Sprintf("the platform in use (%s) is not a git repository: run `paved platform use <git URL>` to read versions from one", ch.Origin))
	}
	if url != "" && url != ch.Location {
		return nil, problem.NotFoundf(fmt.Sprintf("%s is not the platform repository in use (%s): run `paved platform use %s` to read its versions", gitrepo.Redact(url), gitrepo.Redact(ch.Location), gitrepo.Redact(url)))
	}
	repo, err := gitrepo.Open(s.cloneDir(), ch.Location)
	if err != nil {
		return nil, fmt.Errorf("platform repository: %w (run `paved platform use %s` again)", err, gitrepo.Redact(ch.Location))
	}
	return repo, nil
}
