package devenv_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/core"
	"github.com/paved-dev/paved/internal/devenv"
	"github.com/paved-dev/paved/internal/progress"
)

// helperEnv makes the test binary act as a `paved env up` process that the
// killed-up test kills for real (SIGKILL, no cleanup of any kind).
const helperEnv = "PAVED_DEVENV_TEST_UP"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		home, dir, _ := strings.Cut(spec, "\n")
		os.Exit(helperUp(home, dir))
	}
	os.Exit(m.Run())
}

func helperUp(home, dir string) int {
	ctx := context.Background()
	p, err := core.Open(ctx, core.Options{Home: home})
	if err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	rep := progress.Func(func(e progress.Event) { fmt.Printf("EVENT %s %s\n", e.Stage, e.Source) })
	if _, err := p.Env.Up(ctx, devenv.UpOptions{Target: dir, Wait: true}, rep); err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	fmt.Println("DONE")
	return 0
}

// killUpAfterFirstStart runs an up in another process and kills it with
// SIGKILL as soon as it has started its first container.
func killUpAfterFirstStart(t *testing.T, home, dir string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+home+"\n"+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := make(chan struct{})
	go func() {
		select {
		case <-killed:
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
		}
	}()
	sc := bufio.NewScanner(out)
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if strings.HasPrefix(line, "EVENT start ") {
			cmd.Process.Kill()
			break
		}
		if line == "DONE" || strings.HasPrefix(line, "ERROR") {
			break
		}
	}
	close(killed)
	_ = cmd.Wait()
	if len(seen) == 0 || !strings.HasPrefix(seen[len(seen)-1], "EVENT start ") {
		t.Fatalf("the up to kill did not reach a container start: %v", seen)
	}
}
