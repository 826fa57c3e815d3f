package devenv

import (
	"context"
	"time"

	"github.com/paved-dev/paved/internal/progress"
)

// API is every operation of local environments, in one place (as
// docker/compose's api.Service): *Service implements it; the CLI and the
// window call nothing else. Targets are a directory holding score.yaml or
// compose.yaml, a catalog entity reference or an environment name.
type API interface {
	// Up creates or updates the environment and starts it, dependencies
	// first, each health-gated.
	Up(ctx context.Context, o UpOptions, rep progress.Reporter) (Environment, error)
	// Down stops and removes the environment's containers and network
	// (volumes too with o.Volumes).
	Down(ctx context.Context, o DownOptions, rep progress.Reporter) (DownResult, error)
	// Ps reports the environment's services and their state.
	Ps(ctx context.Context, o PsOptions) (Environment, error)
	// List reports every environment this machine knows.
	List(ctx context.Context, o ListOptions) ([]Summary, error)
	// Restart restarts one service and waits until it is ready.
	Restart(ctx context.Context, o RestartOptions, rep progress.Reporter) (Environment, error)
	// Logs calls fn for each log line of the environment's services, until
	// the recent lines are out (or ctx ends, with o.Follow).
	Logs(ctx context.Context, o LogsOptions, fn func(LogLine)) error
	// Export writes the environment as a compose file.
	Export(ctx context.Context, o ExportOptions) (ExportResult, error)
	// CanRun says whether a catalog component can run locally, and how.
	CanRun(ctx context.Context, ref string) (RunInfo, error)
	// Close releases the engine connection.
	Close() error
}

var _ API = (*Service)(nil)

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
	State string `json:"state"`
	// Services are its containers, dependencies first.
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
	// Image is the image the container runs (or will run).
	Image string `json:"image"`
	// Container is the container's name ("" when it does not exist).
	Container string `json:"container,omitempty"`
	// ContainerID is the engine's id of it.
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
	Name string `json:"name,omitempty"`
	// ContainerPort is the port inside the container.
	ContainerPort int `json:"containerPort"`
	// HostPort is where it is published on 127.0.0.1.
	HostPort int `json:"hostPort"`
	// Protocol is tcp or udp.
	Protocol string `json:"protocol"`
	// URL is http://127.0.0.1:HOSTPORT for TCP ports.
	URL string `json:"url,omitempty"`
}

// Summary is one environment in List.
type Summary struct {
	// Name identifies the environment.
	Name string `json:"name"`
	// Dir is the directory of its workload spec.
	Dir string `json:"dir"`
	// Entity is its catalog entity, when known.
	Entity string `json:"entity,omitempty"`
	// State is running, starting, partial or stopped.
	State string `json:"state"`
	// Services counts its containers; Running those running.
	Services int `json:"services"`
	Running  int `json:"running"`
	// UpdatedAt is the last up or down.
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// DownResult is what Down removed.
type DownResult struct {
	// Name is the environment's.
	Name string `json:"name"`
	// Containers, Networks and Volumes are what was removed.
	Containers []string `json:"containers"`
	Networks   []string `json:"networks"`
	Volumes    []string `json:"volumes"`
	// KeptVolumes survive until `down --volumes`.
	KeptVolumes []string `json:"keptVolumes"`
	// DurationMs is how long Down took.
	DurationMs float64 `json:"durationMs"`
}

// LogLine is one line a container wrote.
type LogLine struct {
	// Service is the service that wrote it.
	Service string `json:"service"`
	// Stream is stdout or stderr.
	Stream string `json:"stream"`
	// Time is the engine's timestamp of the line.
	Time time.Time `json:"time"`
	// Text is the line without its newline.
	Text string `json:"text"`
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
	// Ref is the component's entity reference.
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

// report sends one event about environment env, or about one of its
// services when svc is set (progress.Event.Item).
func report(rep progress.Reporter, env, svc, stage, msg string, cur, total int) {
	rep.Report(progress.Event{Topic: Topic, Source: env, Item: svc, Stage: stage, Message: msg, Current: cur, Total: total})
}

// reportOutput sends one line of a service's build or pull output as the
// event's Detail.
func reportOutput(rep progress.Reporter, env, svc, stage, line string) {
	rep.Report(progress.Event{Topic: Topic, Source: env, Item: svc, Stage: stage, Detail: line})
}
