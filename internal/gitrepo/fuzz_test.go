package gitrepo

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// FuzzRedact: a password in a URL never survives Redact (nor the text
// redaction errors go through), whether or not the URL parses, and
// HasPassword always sees it. The URL is built from parts so the fuzzer
// can place any password in any scheme before any rest.
func FuzzRedact(f *testing.F) {
	for _, seed := range []struct{ scheme, user, pass, rest string }{
		{"https", "user", "s3cret", "github.com/acme/platform.git"},
		{"http", "oauth2", "glpat-s3cret", "git.internal:8080/acme/platform"},
		{"ssh", "git", "s3cret", "git.internal/acme/platform.git"},
		{"git", "user", "s3cret", "127.0.0.1:9418/platform.git"},
		{"https", "user", "s3%zzcret", "github.com/x"},
		{"HTTPS", "u", "p@ss@word", "evil@host/x"},
		{"https", "", "tok3n", "host ?x"},
		{"https", "u", "tok3n", "[::1]:99999/x#frag"},
		{"ssh", "git", "s3cret", "host:22/%zz"},
	} {
		f.Add(seed.scheme, seed.user, seed.pass, seed.rest)
	}
	f.Fuzz(func(t *testing.T, scheme, user, pass, rest string) {
		if !validScheme(scheme) || len(pass) < 4 || strings.ContainsAny(user+pass, "/?# \t\r\n\f") {
			return // not a URL with a password: the authority would end first
		}
		if strings.Contains(scheme+"://"+user+":"+rest, pass) || strings.Contains(Redact(scheme+"://"+rest), pass) {
			return // the password's text is also elsewhere in the URL, or in how the rest is shown
		}
		raw := scheme + "://" + user + ":" + pass + "@" + rest
		if got := Redact(raw); strings.Contains(got, pass) {
			t.Fatalf("Redact(%q) = %q keeps the password", raw, got)
		}
		if got := redactText("error: " + raw + " failed"); strings.Contains(got, pass) {
			t.Fatalf("redactText kept the password of %q: %q", raw, got)
		}
		if !HasPassword(raw) {
			t.Fatalf("HasPassword(%q) = false", raw)
		}
	})
}

// FuzzRedactParsedPassword: for any string, a password url.Parse or
// go-git's endpoint parser would read from it (and so could send) never
// survives Redact.
func FuzzRedactParsedPassword(f *testing.F) {
	for _, s := range []string{
		"https://user:s3cret@github.com/acme/platform.git",
		"ssh://git:s3cret@git.internal/p.git",
		"git@github.com:acme/platform.git",
		"https://u:p%40ss@h/x",
		"file:///srv/git/p.git",
		"/home/me/platform",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out := Redact(raw)
		var secrets []string
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok {
				secrets = append(secrets, p)
			}
		}
		if ep, err := transport.NewEndpoint(raw); err == nil && ep.Password != "" {
			secrets = append(secrets, ep.Password)
		}
		for _, p := range secrets {
			if len(p) < 4 || strings.Count(raw, p) != 1 || strings.Contains(strings.Replace(raw, p, "", 1), p) {
				continue // too short to tell apart, or also elsewhere
			}
			if strings.Contains(out, p) {
				t.Fatalf("Redact(%q) = %q keeps the password %q", raw, out, p)
			}
			if !HasPassword(raw) {
				t.Fatalf("HasPassword(%q) = false, but it carries the password %q", raw, p)
			}
		}
	})
}

// FuzzCredentialsFor: whatever the remote URL and PAVED_GIT_TOKEN_HOSTS,
// a credential is only ever attached to an https remote, the token only to
// a listed origin, and the attached credential is set on no request to
// another origin or scheme.
func FuzzCredentialsFor(f *testing.F) {
	for _, s := range [][2]string{
		{"https://git.acme.internal/acme/p.git", "git.acme.internal"},
		{"https://git.acme.internal:8443/acme/p.git", "git.acme.internal:8443"},
		{"http://git.acme.internal/acme/p.git", "git.acme.internal:80,git.acme.internal"},
		{"https://GIT.acme.internal/p.git", "https://git.acme.internal/"},
		{"https://[::1]:8443/p.git", "[::1]:8443"},
		{"https://github.com/acme/p.git", ""},
		{"https://gitlab.evil.example/p.git", "gitlab.com"},
		{"git@github.com:acme/p.git", "github.com"},
		{"https://u:p@host/x", "host"},
		{"https://host:0/x", "host:0"},
		{"https://host:65536/x", "host:65536"},
	} {
		f.Add(s[0], s[1])
	}
	const tok = "fuzz-t0ken"
	f.Fuzz(func(t *testing.T, raw, hosts string) {
		env := map[string]string{TokenEnv: tok, TokenHostsEnv: hosts, githubTokenEnv: tok + "-gh", gitlabTokenEnv: tok + "-gl"}
		helperAsked := ""
		cs := credentialSources{
			getenv: func(k string) string { return env[k] },
			helper: func(protocol, host, path string) (string, string, bool) {
				helperAsked = protocol
				return "", "", false
			},
			ssh: func(string, string) (transport.AuthMethod, error) { return nil, nil },
		}
		c, err := cs.forURL(raw)
		if err != nil {
			return
		}
		for o := range tokenHosts(hosts) {
			i := strings.LastIndex(o, ":")
			if p, err := strconv.Atoi(o[i+1:]); i < 0 || err != nil || p < 1 || p > 65535 {
				t.Fatalf("tokenHosts(%q) gave the origin %q", hosts, o)
			}
		}
		ep, perr := transport.NewEndpoint(raw)
		if perr != nil {
			t.Fatalf("forURL accepted %q, which does not parse: %v", raw, perr)
		}
		if helperAsked != "" && helperAsked != "https" {
			t.Fatalf("credential helper asked for %s", helperAsked)
		}
		if c.auth == nil {
			return
		}
		if ep.Protocol == "ssh" {
			return
		}
		a, ok := c.auth.(*boundAuth)
		if !ok || ep.Protocol != "https" {
			t.Fatalf("%q (%s) got credential %T", raw, ep.Protocol, c.auth)
		}
		if a.origin != originOf(ep.Host, ep.Port) {
			t.Fatalf("credential for %q bound to %q", raw, a.origin)
		}
		if a.pass == tok && !tokenHosts(hosts)[a.origin] {
			t.Fatalf("PAVED_GIT_TOKEN attached to %q, whose origin %s is not in %q", raw, a.origin, hosts)
		}
		for _, other := range []string{"http://" + hostPortOf(a.origin) + "/x", "https://other.invalid:" + portOf(a.origin) + "/x", "https://" + hostOf1(a.origin) + ":1/x"} {
			req, err := http.NewRequest(http.MethodGet, other, nil)
			if err != nil || requestOrigin(req.URL) == a.origin {
				continue
			}
			a.SetAuth(req)
			if req.Header.Get("Authorization") != "" {
				t.Fatalf("credential bound to %s set on a request to %s", a.origin, other)
			}
		}
	})
}

func validScheme(s string) bool {
	if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// hostOf1, portOf and hostPortOf take an origin ("host:port") apart.
func hostOf1(o string) string {
	h := o[:strings.LastIndex(o, ":")]
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}
func portOf(o string) string     { return o[strings.LastIndex(o, ":")+1:] }
func hostPortOf(o string) string { return hostOf1(o) + ":" + portOf(o) }
