package gitrepo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// AuthFor returns the credentials for remoteURL (see authFor), for callers
// that push with go-git themselves (a scaffold's publish:git).
func AuthFor(remoteURL string) (transport.AuthMethod, error) { return authFor(remoteURL) }

// Explain turns a transport error into a message that says what to do, with
// credentials removed.
func Explain(err error) error { return explain(err) }

// authFor finds credentials for remoteURL the way git users keep them:
//   - https: a token in PAVED_GIT_TOKEN (or GITHUB_TOKEN for github.com,
//     GITLAB_TOKEN for gitlab hosts), else the user's git credential helpers
//     (`git credential fill`, never prompting), else anonymous;
//   - ssh and scp-like URLs: ssh-agent when SSH_AUTH_SOCK is set, else the
//     default key files in ~/.ssh;
//   - git://, file:// and paths: none.
func authFor(remoteURL string) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(remoteURL)
	if err != nil {
		return nil, fmt.Errorf("git URL %q: %w", Redact(remoteURL), err)
	}
	switch ep.Protocol {
	case "http", "https":
		if ep.User != "" || ep.Password != "" {
			return &http.BasicAuth{Username: ep.User, Password: ep.Password}, nil
		}
		if tok := tokenFromEnv(ep.Host); tok != "" {
			return &http.BasicAuth{Username: "x-access-token", Password: tok}, nil
		}
		if user, pass, ok := credentialHelper(ep.Protocol, ep.Host, strings.TrimPrefix(ep.Path, "/")); ok {
			return &http.BasicAuth{Username: user, Password: pass}, nil
		}
		return nil, nil
	case "ssh":
		user := ep.User
		if user == "" {
			user = "git"
		}
		if os.Getenv("SSH_AUTH_SOCK") != "" {
			a, err := ssh.NewSSHAgentAuth(user)
			if err == nil {
				return a, nil
			}
		}
		home, _ := os.UserHomeDir()
		for _, k := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			p := filepath.Join(home, ".ssh", k)
			if _, err := os.Stat(p); err == nil {
				a, err := ssh.NewPublicKeysFromFile(user, p, "")
				if err != nil {
					return nil, fmt.Errorf("ssh key %s: %w (load it into ssh-agent if it has a passphrase)", p, err)
				}
				return a, nil
			}
		}
		return nil, fmt.Errorf("no ssh credentials for %s: start ssh-agent and add a key, or use an https URL with PAVED_GIT_TOKEN", Redact(remoteURL))
	}
	return nil, nil
}

func tokenFromEnv(host string) string {
	if t := os.Getenv("PAVED_GIT_TOKEN"); t != "" {
		return t
	}
	switch {
	case host == "github.com":
		return os.Getenv("GITHUB_TOKEN")
	case strings.Contains(host, "gitlab"):
		return os.Getenv("GITLAB_TOKEN")
	}
	return ""
}

// credentialHelper asks git's configured credential helpers, without ever
// prompting. ok is false when git is missing or nothing is stored.
func credentialHelper(protocol, host, path string) (user, pass string, ok bool) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "credential", "fill")
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=")
	cmd.Stdin = strings.NewReader(fmt.Sprintf("protocol=%s\nhost=%s\npath=%s\n\n", protocol, host, path))
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "", "", false
	}
	for _, line := range strings.Split(out.String(), "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "username":
			user = v
		case "password":
			pass = v
		}
	}
	return user, pass, pass != ""
}
