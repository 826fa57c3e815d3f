package gitrepo

import (
	"bytes"
	"context"
	"fmt"
	"net"
	nethttp "net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// Environment variables credentials are read from.
const (
	// TokenEnv holds a token for https remotes on the hosts TokenHostsEnv lists.
	TokenEnv = "PAVED_GIT_TOKEN"
	// TokenHostsEnv lists the hosts TokenEnv is sent to: comma- or
	// space-separated `host` (port 443) or `host:port` entries.
	TokenHostsEnv  = "PAVED_GIT_TOKEN_HOSTS"
	githubTokenEnv = "GITHUB_TOKEN" // github.com only
	gitlabTokenEnv = "GITLAB_TOKEN" // gitlab.com only
)

// AuthFor returns the credentials for remoteURL, for callers that push with
// go-git themselves (a scaffold's publish:git). It keeps the same rules as
// every clone and fetch (see credentialsFor).
func AuthFor(remoteURL string) (transport.AuthMethod, error) {
	c, err := credentialsFor(remoteURL)
	return c.auth, err
}

// Explain turns a transport error into a message that says what to do, with
// credentials removed.
func Explain(err error) error { return explain(err, "") }

// credentials is what credentialsFor decided for one remote: the auth
// method to use (nil: none), and, when none was attached although the user
// may have meant one to be, why not (shown if the remote asks for
// credentials).
type credentials struct {
	auth transport.AuthMethod
	why  string
}

// credentialsFor is the one place that decides which credential, if any, a
// remote gets. Clone, fetch and push all go through it. The rules:
//
//   - https: a password in the URL itself; else PAVED_GIT_TOKEN when the
//     remote's host (and port) is listed in PAVED_GIT_TOKEN_HOSTS; else
//     GITHUB_TOKEN for github.com, GITLAB_TOKEN for gitlab.com; else the
//     user's git credential helpers, asked for this protocol, host:port and
//     path as git asks them (`git credential fill`, never prompting); else
//     nothing. Whatever is found is bound to the remote's origin (scheme,
//     host, port): it is set only on requests to that origin, so a redirect
//     to another host or port, or to http, never carries it (go-git also
//     strips credentials on such redirects and refuses https to http).
//   - http: nothing, ever (a token over http is readable by anyone on the
//     path); a URL with user info is refused.
//   - ssh and scp-like URLs: ssh-agent when SSH_AUTH_SOCK is set, else the
//     default key files in ~/.ssh (ssh authenticates without revealing the
//     key).
//   - git://, file:// and paths: none.
func credentialsFor(remoteURL string) (credentials, error) {
	return credentialSources{getenv: os.Getenv, helper: credentialHelper, ssh: sshAuth}.forURL(remoteURL)
}

// credentialSources are where credentials are looked up: the process's
// environment, git's credential helpers and ssh; tests and fuzz targets
// pass their own.
type credentialSources struct {
	getenv func(string) string
	helper func(protocol, host, path string) (user, pass string, ok bool)
	ssh    func(user, remoteURL string) (transport.AuthMethod, error)
}

func (cs credentialSources) forURL(remoteURL string) (credentials, error) {
	ep, err := transport.NewEndpoint(remoteURL)
	if err != nil {
		return credentials{}, fmt.Errorf("git URL %q: %w", Redact(remoteURL), err)
	}
	switch ep.Protocol {
	case "http":
		if ep.User != "" || ep.Password != "" {
			return credentials{}, fmt.Errorf("git URL %s carries credentials over http://, where anyone on the network can read them: use the https URL", Redact(remoteURL))
		}
		why := "Paved never sends credentials over http://: use the remote's https or ssh URL"
		return credentials{why: why}, nil
	case "https":
		o := originOf(ep.Host, ep.Port)
		if ep.User != "" || ep.Password != "" {
			return credentials{auth: &boundAuth{origin: o, user: ep.User, pass: ep.Password}}, nil
		}
		user, tok, why := cs.tokenFor(o)
		if tok == "" {
			var ok bool
			if user, tok, ok = cs.helper("https", hostPort(ep), strings.TrimPrefix(ep.Path, "/")); !ok {
				return credentials{why: why}, nil
			}
		}
		return credentials{auth: &boundAuth{origin: o, user: user, pass: tok}}, nil
	case "ssh":
		a, err := cs.ssh(ep.User, remoteURL)
		return credentials{auth: a}, err
	}
	return credentials{}, nil
}

func sshAuth(user, remoteURL string) (transport.AuthMethod, error) {
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
	return nil, fmt.Errorf("no ssh credentials for %s: start ssh-agent and add a key, or use an https URL with %s and %s", Redact(remoteURL), TokenEnv, TokenHostsEnv)
}

// tokenFor returns the token from the environment that is meant for the
// https origin o ("host:port"), and the user name to send it with. When
// there is none, why says what would make one go there (or is empty).
func (cs credentialSources) tokenFor(o string) (user, token, why string) {
	if tok := cs.getenv(TokenEnv); tok != "" {
		if tokenHosts(cs.getenv(TokenHostsEnv))[o] {
			return "x-access-token", tok, ""
		}
		why = fmt.Sprintf("%s is not sent to %s: add %s to %s to send it there", TokenEnv, displayHost(o), displayHost(o), TokenHostsEnv)
	}
	switch o {
	case "github.com:443":
		if tok := cs.getenv(githubTokenEnv); tok != "" {
			return "x-access-token", tok, ""
		}
	case "gitlab.com:443":
		if tok := cs.getenv(gitlabTokenEnv); tok != "" {
			return "oauth2", tok, ""
		}
	}
	return "", "", why
}

// tokenHosts parses PAVED_GIT_TOKEN_HOSTS into the set of origins
// ("host:port", lower-case host, port 443 when not given) it names.
// Entries may be written as host, host:port or https://host[:port][/...];
// anything else (another scheme, an unparseable entry) names no origin.
func tokenHosts(list string) map[string]bool {
	out := map[string]bool{}
	for _, e := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.Contains(e, "://") {
			u, err := url.Parse(e)
			if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" {
				continue
			}
			e = u.Host
		}
		host, port := e, ""
		if h, p, err := net.SplitHostPort(e); err == nil {
			host, port = h, p
		} else if strings.Contains(strings.Trim(e, "[]"), ":") && !strings.HasPrefix(e, "[") {
			continue // a colon but no valid port: not a host
		}
		host = strings.Trim(host, "[]")
		if host == "" || strings.ContainsAny(host, "/@?#") {
			continue
		}
		n := 443
		if port != "" {
			v, err := strconv.Atoi(port)
			if err != nil || v <= 0 || v > 65535 {
				continue
			}
			n = v
		}
		out[originOf(host, n)] = true
	}
	return out
}

// originOf is the form origins are compared in: ASCII-lower-cased host
// (IPv6 literals without brackets), ":" and the port (443 when 0).
func originOf(host string, port int) string {
	if port == 0 {
		port = 443
	}
	return asciiLower(strings.Trim(host, "[]")) + ":" + strconv.Itoa(port)
}

// requestOrigin is originOf for a request URL, or "" when the request is
// not https (credentials are only ever set on https requests).
func requestOrigin(u *url.URL) string {
	if u == nil || !strings.EqualFold(u.Scheme, "https") {
		return ""
	}
	port := 443
	if p := u.Port(); p != "" {
		v, err := strconv.Atoi(p)
		if err != nil {
			return ""
		}
		port = v
	}
	return originOf(u.Hostname(), port)
}

func displayHost(o string) string {
	host, port, _ := net.SplitHostPort(o)
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "443" {
		return host
	}
	return host + ":" + port
}

// hostPort is the host as git writes it for credential helpers: with the
// port only when the URL has one.
func hostPort(ep *transport.Endpoint) string {
	h := ep.Host
	if strings.Contains(h, ":") && !strings.HasPrefix(h, "[") {
		h = "[" + h + "]"
	}
	if ep.Port != 0 {
		return h + ":" + strconv.Itoa(ep.Port)
	}
	return h
}

// asciiLower folds ASCII letters only: a Unicode fold could merge two host
// names DNS keeps apart.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// boundAuth is HTTP basic auth that is set only on https requests to the
// origin it was found for.
type boundAuth struct {
	origin     string
	user, pass string
}

// SetAuth implements go-git's http.AuthMethod.
func (a *boundAuth) SetAuth(r *nethttp.Request) {
	if a == nil || requestOrigin(r.URL) != a.origin {
		return
	}
	user := a.user
	if user == "" {
		user = "x-access-token"
	}
	r.SetBasicAuth(user, a.pass)
}

// Name implements transport.AuthMethod.
func (a *boundAuth) Name() string { return "http-basic-auth" }

// String never shows the secret.
func (a *boundAuth) String() string {
	return fmt.Sprintf("http-basic-auth for %s - %s:*******", displayHost(a.origin), a.user)
}

var _ http.AuthMethod = (*boundAuth)(nil)

// credentialHelper asks git's configured credential helpers, without ever
// prompting. ok is false when git is missing or nothing is stored.
func credentialHelper(protocol, host, path string) (user, pass string, ok bool) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", "", false
	}
	if strings.ContainsAny(protocol+host+path, "\n\x00") {
		return "", "", false // git's credential protocol is line-based
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
