// Package envvar is the one list of every environment variable Paved reads,
// whoever reads it: Paved's own code, or a library on Paved's behalf (the
// Docker client, git's conventions). docs/environment.md is generated from
// this list, and a test fails when the code reads a variable that is not
// listed here, or the docs and the list disagree.
//
// Rules: a new variable is added here, with what it does, in the same change
// that reads it; Paved's own variables start with PAVED_; the conventions of
// the tools people already use (DOCKER_HOST, GIT_AUTHOR_NAME, ...) are
// honoured under their own names rather than renamed.
package envvar

// Var is one environment variable.
type Var struct {
	// Name is the variable's name.
	Name string
	// Area is the capability that reads it.
	Area string
	// Does says what it changes, in one sentence for people.
	Does string
	// Library is set when a library reads it on Paved's behalf (and names
	// it), rather than Paved's own code.
	Library string
}

// All lists every variable, grouped by area.
var All = []Var{
	{Name: "PAVED_HOME", Area: "state", Does: "Where Paved keeps its database and caches (default: the user's data directory + /paved)."},
	{Name: "XDG_DATA_HOME", Area: "state", Does: "On Linux, the data directory under which Paved's state lives when PAVED_HOME is not set (default ~/.local/share)."},
	{Name: "LocalAppData", Area: "state", Does: "On Windows, the data directory under which Paved's state lives when PAVED_HOME is not set."},
	{Name: "USER", Area: "audit", Does: "The user name recorded in audit entries and offered to templates when the OS account cannot be looked up."},
	{Name: "DISPLAY", Area: "window", Does: "With WAYLAND_DISPLAY: when neither is set on Linux, `paved` with no arguments says to use `paved ui --browser`."},
	{Name: "WAYLAND_DISPLAY", Area: "window", Does: "See DISPLAY."},
	{Name: "PAVED_GIT_TOKEN", Area: "git", Does: "A token for https git remotes (catalog sources, the platform repository, publish pushes), sent only to the hosts PAVED_GIT_TOKEN_HOSTS lists (docs/platform.md)."},
	{Name: "PAVED_GIT_TOKEN_HOSTS", Area: "git", Does: "The hosts PAVED_GIT_TOKEN is sent to: comma-separated host (port 443) or host:port, https only; without it the token is sent nowhere."},
	{Name: "GITHUB_TOKEN", Area: "git", Does: "A token for https remotes on github.com when PAVED_GIT_TOKEN is not set."},
	{Name: "GITLAB_TOKEN", Area: "git", Does: "A token for https remotes on gitlab.com when PAVED_GIT_TOKEN is not set."},
	{Name: "SSH_AUTH_SOCK", Area: "git", Does: "The ssh-agent used for ssh git remotes."},
	{Name: "GIT_CONFIG_GLOBAL", Area: "git", Does: "The user's git configuration file (as git reads it) for the commit identity of scaffolded repositories."},
	{Name: "GIT_CONFIG_NOSYSTEM", Area: "git", Does: "When set, the system git configuration is not read (as git does)."},
	{Name: "XDG_CONFIG_HOME", Area: "git", Does: "Where git's user configuration lives when GIT_CONFIG_GLOBAL is not set (as git does)."},
	{Name: "GIT_AUTHOR_NAME", Area: "git", Does: "The author name of commits Paved makes (scaffold, template update), over git's configuration."},
	{Name: "GIT_AUTHOR_EMAIL", Area: "git", Does: "The author email of commits Paved makes, over git's configuration."},
	{Name: "EMAIL", Area: "git", Does: "The author email when neither GIT_AUTHOR_EMAIL nor git's configuration gives one (as git does)."},
	{Name: "DOCKER_HOST", Area: "environments", Does: "The Docker Engine to use; wins over Docker contexts.", Library: "github.com/docker/docker/client"},
	{Name: "DOCKER_CONTEXT", Area: "environments", Does: "The Docker context to use when DOCKER_HOST is not set (else the CLI's current context)."},
	{Name: "DOCKER_CONFIG", Area: "environments", Does: "The Docker CLI's configuration directory (contexts; default ~/.docker)."},
	{Name: "DOCKER_API_VERSION", Area: "environments", Does: "Pins the Engine API version instead of negotiating it.", Library: "github.com/docker/docker/client"},
	{Name: "DOCKER_CERT_PATH", Area: "environments", Does: "TLS client certificates for a remote engine.", Library: "github.com/docker/docker/client"},
	{Name: "DOCKER_TLS_VERIFY", Area: "environments", Does: "Verify the remote engine's TLS certificate.", Library: "github.com/docker/docker/client"},
	{Name: "(names a workload declares)", Area: "environments", Does: "Variables a score.yaml `environment` resource or a compose file's ${VAR} interpolation names are read from Paved's own environment, as score-compose and docker compose do."},
}

// Named returns the variable called name.
func Named(name string) (Var, bool) {
	for _, v := range All {
		if v.Name == name {
			return v, true
		}
	}
	return Var{}, false
}
