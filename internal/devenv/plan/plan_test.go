package plan

import (
	"strings"
	"testing"
)

func TestHashIgnoresOrderAndItsOwnLabelButNothingElse(t *testing.T) {
	c := Container{Name: "paved-e-db", ImageRef: "pg:1", ImageID: "sha256:1", Env: []string{"A=1", "B=2"},
		Ports: []Binding{{Container: 5432, Host: 5432, Protocol: "tcp"}}, Labels: map[string]string{LabelEnv: "e"}}
	h := Hash(c)
	same := c
	same.Env = []string{"B=2", "A=1"}
	same.Labels = map[string]string{LabelEnv: "e", LabelHash: "whatever"}
	if Hash(same) != h {
		t.Fatal("env order or the hash label changed the hash")
	}
	for name, mod := range map[string]func(*Container){
		"env":   func(c *Container) { c.Env = []string{"A=1", "B=3"} },
		"image": func(c *Container) { c.ImageID = "sha256:2" },
		"port":  func(c *Container) { c.Ports = []Binding{{Container: 5432, Host: 5433, Protocol: "tcp"}} },
		"label": func(c *Container) { c.Labels = map[string]string{LabelEnv: "f"} },
		"cmd":   func(c *Container) { c.Cmd = []string{"x"} },
	} {
		d := c
		d.Labels = map[string]string{LabelEnv: "e"}
		mod(&d)
		if Hash(d) == h {
			t.Errorf("changing %s kept the hash", name)
		}
	}
}

func TestAllocatePorts(t *testing.T) {
	busy := map[int]bool{}
	free := func(p int) bool { return !busy[p] }
	k := func(svc string, port int) PortKey { return PortKey{Service: svc, Container: port, Protocol: "tcp"} }

	// First run: container ports >= 1024 when free, others from the range.
	a := Allocator{Free: free, Env: "shop"}
	got, notes := a.Allocate([]PortRequest{{PortKey: k("db", 5432)}, {PortKey: k("web", 80)}, {PortKey: k("db2", 5432)}})
	if got[k("db", 5432)] != 5432 || got[k("db2", 5432)] == 5432 || got[k("web", 80)] < rangeLo || len(notes) != 0 {
		t.Fatalf("first run %v %v", got, notes)
	}
	// Stable: the same input gives the same ports.
	again, _ := a.Allocate([]PortRequest{{PortKey: k("db", 5432)}, {PortKey: k("web", 80)}, {PortKey: k("db2", 5432)}})
	for key, p := range got {
		if again[key] != p {
			t.Errorf("%v: %d then %d", key, p, again[key])
		}
	}
	// Remembered ports come back; a taken one is replaced and reported.
	busy[25000] = true
	a = Allocator{Free: free, Env: "shop", Remembered: map[PortKey]int{k("web", 80): 25000, k("db", 5432): 15432}}
	got, notes = a.Allocate([]PortRequest{{PortKey: k("db", 5432)}, {PortKey: k("web", 80)}})
	if got[k("db", 5432)] != 15432 || got[k("web", 80)] == 25000 || got[k("web", 80)] == 0 {
		t.Fatalf("remembered %v", got)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "port 25000 is taken") {
		t.Errorf("notes %v", notes)
	}
	// A port our own running container holds is not "taken" for it.
	a = Allocator{Free: free, Env: "shop", Remembered: map[PortKey]int{k("web", 80): 25000}, Held: map[PortKey]int{k("web", 80): 25000}}
	if got, notes = a.Allocate([]PortRequest{{PortKey: k("web", 80)}}); got[k("web", 80)] != 25000 || len(notes) != 0 {
		t.Errorf("held %v %v", got, notes)
	}
	// An explicit port wins when free, even over a remembered one.
	a = Allocator{Free: free, Env: "shop", Remembered: map[PortKey]int{k("web", 80): 26000}}
	if got, _ = a.Allocate([]PortRequest{{PortKey: k("web", 80), Explicit: 18080}}); got[k("web", 80)] != 18080 {
		t.Errorf("explicit %v", got)
	}
	busy[18080] = true
	if got, notes = a.Allocate([]PortRequest{{PortKey: k("web", 80), Explicit: 18080}}); got[k("web", 80)] != 26000 || len(notes) != 1 {
		t.Errorf("explicit taken: %v %v", got, notes)
	}
}

func TestLevelsOrderDependenciesFirst(t *testing.T) {
	lv, err := Levels(map[string][]string{"web": {"db", "cache"}, "db": nil, "cache": nil, "worker": {"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(lv) != 3 || strings.Join(lv[0], ",") != "cache,db" || lv[1][0] != "web" || lv[2][0] != "worker" {
		t.Fatalf("levels %v", lv)
	}
	if _, err := Levels(map[string][]string{"a": {"b"}, "b": {"a"}}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v", err)
	}
	if _, err := Levels(map[string][]string{"a": {"ghost"}}); err == nil || !strings.Contains(err.Error(), "ghost") {
		t.Errorf("missing: %v", err)
	}
}

func TestNames(t *testing.T) {
	if got := Sanitize("My_Shop Service!"); got != "my-shop-service" {
		t.Errorf("sanitize %q", got)
	}
	if err := CheckName("service", "Bad_Name"); err == nil {
		t.Error("want an error")
	}
	if ContainerName("shop", "db") != "paved-shop-db" || VolumeName("shop", "db-data") != "paved-shop-db-data" || NetworkName("shop") != "paved-shop" {
		t.Error("names")
	}
}
