package devenv

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/platform"
	"github.com/paved-dev/paved/internal/platform/demo"
)

func TestDemoPlatformProvisionersAreValid(t *testing.T) {
	svc, err := platform.New(nil, nil, t.TempDir(), demo.FS())
	if err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(demo.FS(), "platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := svc.Parse("demo platform.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := Definitions(cfg.Spec.Environments.Provisioners)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, d := range defs {
		types[d.Type] = true
	}
	for _, want := range []string{"mysql", "amqp", "s3"} {
		if !types[want] {
			t.Errorf("demo platform has no %s provisioner", want)
		}
	}
}

func TestPlatformProvisionersConvert(t *testing.T) {
	defs, err := Definitions([]platform.Provisioner{{
		Type: "mysql", Image: "mysql:8", Ports: []int{3306}, StopGracePeriod: "5s",
		HealthCheck: &platform.HealthCheck{Command: []string{"mysqladmin", "ping"}, Interval: "500ms", Retries: 3, Probe: "http:/ready"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	d := defs[0]
	if d.StopGrace != 5*time.Second || d.Health.Interval != 500*time.Millisecond || strings.Join(d.Health.Test, " ") != "CMD mysqladmin ping" {
		t.Errorf("definition %+v health %+v", d, d.Health)
	}
	if d.Probe == nil || d.Probe.Port != 3306 || d.Probe.Path != "/ready" || d.Source != "platform.yaml" {
		t.Errorf("probe %+v", d.Probe)
	}
	for name, p := range map[string]platform.Provisioner{
		"bad duration":      {Type: "x", Image: "x", StopGracePeriod: "soon"},
		"http without port": {Type: "x", Image: "x", HealthCheck: &platform.HealthCheck{Probe: "http:/"}},
		"env without image": {Type: "x", Env: map[string]string{"A": "b"}},
	} {
		if _, err := Definitions([]platform.Provisioner{p}); err == nil || !strings.Contains(err.Error(), "spec.environments.provisioners[0]") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
