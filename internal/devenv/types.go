package devenv

import (
	"time"

	"github.com/paved-dev/paved/internal/progress"
)

// Dependency selections for UpOptions.Deps.
const (
	DepsNone   = "none"   // only the service and its resources
	DepsDirect = "direct" // + the components it dependsOn in the catalog
	DepsAll    = "all"    // + everything they depend on, transitively
)

// Roles of a service in an environment.
const (
	RoleWorkload   = "workload"   // a container of the service's own workload spec
	RoleResource   = "resource"   // a provisioned resource (postgres, redis, ...)
	RoleDependency = "dependency" // a container of a catalog dependency
)

// Environment states.
const (
	StateRunning  = "running"  // every container runs and is ready
	StateStarting = "starting" // every container runs, some are not ready yet
	StatePartial  = "partial"  // some containers are missing or stopped
	StateStopped  = "stopped"  // no containers (volumes and ports are kept)
)

// Actions Up took for a service.
const (
	ActionCreated   = "created"
	ActionRecreated = "recreated"
	ActionStarted   = "started"
	ActionUnchanged = "unchanged"
)

// UpOptions configures Up.
type UpOptions struct {
	// Target is a directory holding score.yaml or compose.yaml, a catalog
	// entity reference, or an environment name ("" = current directory).
	Target string
	// Deps chooses which catalog dependencies start too: none (default),
	// direct or all.
	Deps string
	// Build rebuilds images built from source even when they exist.
	Build bool
	// Wait returns only once every service is ready (dependencies are
	// always waited for before their dependents start).
	Wait bool
	// Timeout bounds waiting for readiness (0 = 3 minutes).
	Timeout time.Duration
}

// DownOptions configures Down.
type DownOptions struct {
	// Target is as in UpOptions.
	Target string
	// Volumes also removes the environment's named volumes and forgets it.
	Volumes bool
}

// PsOptions configures Ps.
type PsOptions struct {
	// Target is as in UpOptions.
	Target string
}

// RestartOptions configures Restart.
type RestartOptions struct {
	// Target is as in UpOptions.
	Target string
	// Service is the service to restart (a name `ps` lists).
	Service string
	// Timeout bounds waiting for readiness after the restart (0 = 3 minutes).
	Timeout time.Duration
}

// LogsOptions configures Logs.
type LogsOptions struct {
	// Target is as in UpOptions.
	Target string
	// Service keeps one service's lines ("" = every service).
	Service string
	// Follow keeps streaming until ctx ends.
	Follow bool
	// Tail is how many recent lines per service to start with (0 = 200, -1 = all).
	Tail int
	// Since keeps lines at or after this time (zero = no limit).
	Since time.Time
}

// ExportOptions configures Export.
type ExportOptions struct {
	// Target is as in UpOptions.
	Target string
	// Deps is as in UpOptions.
	Deps string
}

// ListOptions configures List.
type ListOptions struct{}

// Environment is one environment and its services, as Up, Ps and Restart
// report it.
type Environment struct {
	// Name identifies the environment (the service's workload name).
	Name string `json:"name"`
	// Dir is the directory of the workload spec.
	Dir string `json:"dir"`
	// Spec is the spec file used (score.yaml or compose.yaml).
	Spec string `json:"spec,omitempty"`
	// Entity is the catalog entity of the service, when known.
	Entity string `json:"entity,omitempty"`
	// Deps is the dependency selection of the last up.
	Deps string `json:"deps"`
	// Network is the Docker network the containers share.
	Network string `json:"network"`
	// State is running, starting, partial or stopped.
	State    string          `json:"state"`
	Services []ServiceStatus `json:"services"`
	// Volumes are the environment's named volumes.
	Volumes []string `json:"volumes"`
	// Notes are things a person should know: reassigned ports, skipped
	// dependencies.
	Notes []string `json:"notes"`
	// DurationMs is how long the operation took.
	DurationMs float64 `json:"durationMs,omitempty"`
}

// ServiceStatus is one container of an environment.
type ServiceStatus struct {
	// Name is the service name, also its host name on the network.
	Name string `json:"name"`
	// Role is workload, resource or dependency.
	Role string `json:"role"`
	// Component is the catalog component it belongs to, when known.
	Component string `json:"component,omitempty"`
	// Resource is the resource's type (role resource), e.g. postgres.
	Resource string `json:"resource,omitempty"`
	Image    string `json:"image"`
	// Container is the container's name ("" when it does not exist).
	Container   string `json:"container,omitempty"`
	ContainerID string `json:"containerId,omitempty"`
	// State is Docker's: created, running, restarting, exited, ... or
	// missing.
	State string `json:"state"`
	// Health is healthy, unhealthy, starting or none (no health check).
	Health string `json:"health"`
	// Ready is true once the service answers (health check or probe).
	Ready bool `json:"ready"`
	// Ports are published on 127.0.0.1.
	Ports []PortBinding `json:"ports"`
	// Outputs are a resource's outputs (host, port, ...); secrets are shown
	// as "********".
	Outputs map[string]string `json:"outputs,omitempty"`
	// DependsOn lists the services it waits for.
	DependsOn []string `json:"dependsOn"`
	// Action is what Up did: created, recreated, started or unchanged.
	Action string `json:"action,omitempty"`
	// StartedAt is when the container last started.
	StartedAt *time.Time `json:"startedAt,omitempty"`
}

// PortBinding is a container port published on the host.
type PortBinding struct {
	// Name is the port's name in the spec, when it has one.
	Name          string `json:"name,omitempty"`
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
	// URL is http://127.0.0.1:HOSTPORT for TCP ports.
	URL string `json:"url,omitempty"`
}

// Summary is one environment in List.
type Summary struct {
	Name     string `json:"name"`
	Dir      string `json:"dir"`
	Entity   string `json:"entity,omitempty"`
	State    string `json:"state"`
	Services int    `json:"services"`
	Running  int    `json:"running"`
	// UpdatedAt is the last up or down.
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// DownResult is what Down removed.
type DownResult struct {
	Name       string   `json:"name"`
	Containers []string `json:"containers"`
	Networks   []string `json:"networks"`
	Volumes    []string `json:"volumes"`
	// KeptVolumes survive until `down --volumes`.
	KeptVolumes []string `json:"keptVolumes"`
	DurationMs  float64  `json:"durationMs"`
}

// LogLine is one line a container wrote.
type LogLine struct {
	Service string    `json:"service"`
	Stream  string    `json:"stream"` // stdout or stderr
	Time    time.Time `json:"time"`
	Text    string    `json:"text"`
}

// ExportResult is an environment as a compose file.
type ExportResult struct {
	// Name is the compose project name.
	Name string `json:"name"`
	// Compose is the compose.yaml text. Generated secrets appear as
	// variables (${DB_PASSWORD}) that DotEnv defines.
	Compose string `json:"compose"`
	// DotEnv is a .env file defining fresh random values for those
	// variables (never the running environment's).
	DotEnv string `json:"dotEnv"`
}

// RunInfo says whether a catalog component can run locally.
type RunInfo struct {
	Ref string `json:"ref"`
	// CanRun is true when the component has a workload spec (or image).
	CanRun bool `json:"canRun"`
	// Dir and Spec locate the workload spec.
	Dir  string `json:"dir,omitempty"`
	Spec string `json:"spec,omitempty"`
	// Image is set when the component runs from an image annotation.
	Image string `json:"image,omitempty"`
	// Environment is the environment's name and State its state
	// ("stopped" when it never ran).
	Environment string `json:"environment,omitempty"`
	State       string `json:"state,omitempty"`
	// Reason says why it cannot run.
	Reason string `json:"reason,omitempty"`
}

// Progress topic of every event devenv reports.
const Topic = "env:progress"

// report sends one event. source is "ENV" or "ENV/SERVICE".
func report(rep progress.Reporter, source, stage, msg string, cur, total int) {
	rep.Report(progress.Event{Topic: Topic, Source: source, Stage: stage, Message: msg, Current: cur, Total: total})
}
