package tsgen

import (
	"reflect"

	"github.com/paved-dev/paved/app"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/goldenpath"
	"github.com/paved-dev/paved/internal/problem"
	"github.com/paved-dev/paved/internal/progress"
)

// OutFile is where Paved's generated types live, relative to the module root.
const OutFile = "frontend/src/gen/types.ts"

// Command regenerates OutFile (`make types` runs it).
const Command = "go run ./app/tsgen/cmd"

// Paved returns the options for Paved's UI API: the methods of *app.App, the
// events the app emits and the error structure of a rejected call. src
// supplies the doc comments (nil = none).
func Paved(src *Source) Options {
	event := reflect.TypeFor[progress.Event]()
	return Options{
		Bindings: reflect.TypeFor[*app.App](),
		Extra:    []reflect.Type{reflect.TypeFor[problem.Described]()},
		Events: map[string]reflect.Type{
			catalog.SyncTopic:        event,
			app.EventCatalogChanged:  nil,
			goldenpath.ProgressTopic: event,
			devenv.Topic:             event,
			app.EventEnvChanged:      reflect.TypeFor[app.EnvChanged](),
			app.EventEnvLog:          reflect.TypeFor[app.EnvLogBatch](),
			app.EventEnvLogEnd:       reflect.TypeFor[app.EnvLogEnd](),
			app.EventWarning:         reflect.TypeFor[app.Warning](),
		},
		Source:  src,
		Command: Command,
	}
}
