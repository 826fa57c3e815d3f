package actions

import (
	"fmt"

	"github.com/paved-dev/paved/internal/gitrepo"
	"github.com/paved-dev/paved/internal/goldenpath/gitwork"
)

func init() {
	register(&Action{Name: "publish:git", Phase: Effect, Run: publishGit, DryRun: publishGitDry})
	register(&Action{Name: "catalog:register", Phase: Effect, Run: catalogRegister, DryRun: catalogRegisterDry})
}

// publishGit makes the output a git repository with one commit by the
// user, and pushes it when a remote is given.
//
// Inputs: defaultBranch (main), gitCommitMessage, gitAuthorName and
// gitAuthorEmail (default: the user's git identity), remoteUrl (the
// --push flag wins).
func publishGit(c *Context, in Input) (map[string]any, error) {
	branch, msg, remote, err := publishInputs(c, in)
	if err != nil {
		return nil, err
	}
	id, idErr := gitwork.UserIdentity("")
	if n, _ := in.String("gitAuthorName"); n != "" {
		id.Name = n
	}
	if e, _ := in.String("gitAuthorEmail"); e != "" {
		id.Email = e
	}
	if id.Name == "" || id.Email == "" {
		return nil, idErr
	}
	if c.Trailer != "" {
		msg += "\n\n" + c.Trailer
	}
	commit, err := gitwork.InitCommit(c.Dir, branch, msg, id)
	if err != nil {
		return nil, err
	}
	if remote != "" {
		if err := gitwork.Push(c.Ctx, c.Dir, remote, branch); err != nil {
			return nil, err
		}
	}
	c.Published = &Published{Commit: commit, Branch: branch, Remote: gitrepo.Redact(remote)}
	return publishOutput(c, branch, remote, commit), nil
}

func publishInputs(c *Context, in Input) (branch, msg, remote string, err error) {
	if branch, err = in.String("defaultBranch"); err != nil {
		return
	}
	if branch == "" {
		branch = "main"
	}
	if msg, err = in.String("gitCommitMessage"); err != nil {
		return
	}
	if msg == "" {
		msg = "Initial commit"
	}
	if remote, err = in.String("remoteUrl"); err != nil {
		return
	}
	if c.Push != "" {
		remote = c.Push
	}
	if remote != "" && gitrepo.HasPassword(remote) {
		err = fmt.Errorf("remote %s: the URL contains a password or token; remove it and use PAVED_GIT_TOKEN, a git credential helper or ssh-agent instead", gitrepo.Redact(remote))
	}
	return
}

func publishOutput(c *Context, branch, remote, commit string) map[string]any {
	out := map[string]any{
		"repoContentsUrl": "file://" + c.Final,
		"defaultBranch":   branch,
		"commitHash":      commit,
	}
	if remote != "" {
		out["remoteUrl"] = gitrepo.Redact(remote)
	} else {
		out["remoteUrl"] = "file://" + c.Final
	}
	return out
}

func publishGitDry(c *Context, in Input) map[string]any {
	branch, _, remote, _ := publishInputs(c, in)
	return publishOutput(c, branch, remote, "")
}

// catalogRegister registers the output's catalog descriptor in the local
// catalog: the component shows at once, marked local until the
// organisation's catalog has it.
//
// Inputs: catalogInfoPath (default /catalog-info.yaml); repoContentsUrl and
// catalogInfoUrl are accepted for Backstage compatibility and ignored (the
// output directory is registered).
func catalogRegister(c *Context, in Input) (map[string]any, error) {
	p, err := catalogInfoPath(in)
	if err != nil {
		return nil, err
	}
	if c.Registrar == nil {
		return nil, fmt.Errorf("catalog:register: no catalog to register in")
	}
	ref, err := c.Registrar.Register(c.Ctx, c.Tree, p)
	if err != nil {
		optional, _ := in.Bool("optional")
		if optional {
			c.Log("catalog:register (optional) skipped: " + err.Error())
			return map[string]any{}, nil
		}
		return nil, err
	}
	return map[string]any{"entityRef": ref, "catalogInfoUrl": "file://" + c.Final + "/" + p}, nil
}

func catalogInfoPath(in Input) (string, error) {
	p, err := in.String("catalogInfoPath")
	if err != nil {
		return "", err
	}
	if p == "" {
		p = "catalog-info.yaml"
	}
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	return p, nil
}

func catalogRegisterDry(c *Context, in Input) map[string]any {
	p, _ := catalogInfoPath(in)
	out := map[string]any{"catalogInfoUrl": "file://" + c.Final + "/" + p}
	if c.Registrar != nil {
		if ref, err := c.Registrar.Predict(c.Tree, p); err == nil {
			out["entityRef"] = ref
		}
	}
	return out
}
