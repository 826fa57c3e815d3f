// Command orggen writes a synthetic organisation as a Backstage catalog
// repository, for catalog benchmarks:
//
//	go run ./build/bench/orggen -n 10000 -seed 1 -out DIR [-git]
//
// DIR must be empty or not exist. With -git the result is committed in a
// fresh git repository in DIR, as a benchmark that clones or syncs a catalog
// repository expects. It prints a one-line summary.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog/orggen"
)

func main() {
	n := flag.Int("n", 10000, "number of entities to generate")
	seed := flag.Int64("seed", 1, "seed; equal seeds give identical organisations")
	out := flag.String("out", "", "output directory (must be empty or not exist)")
	perFile := flag.Int("per-file", orggen.DefaultEntitiesPerFile, "entities per multi-document file")
	useGit := flag.Bool("git", false, "git init and commit the result in the output directory")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: orggen -n N -seed S -out DIR [-per-file K] [-git]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, orggen.Options{Entities: *n, Seed: *seed, EntitiesPerFile: *perFile}, *useGit); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dir string, o orggen.Options, useGit bool) error {
	start := time.Now()
	res, err := orggen.Generate(dir, o)
	if err != nil {
		return err
	}
	genTime := time.Since(start)
	commit := ""
	if useGit {
		if commit, err = gitCommit(dir); err != nil {
			return err
		}
	}
	kinds := make([]string, 0, len(res.ByKind))
	for k := range res.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s=%d", k, res.ByKind[k])
	}
	line := fmt.Sprintf("orggen: %d entities (%s) in %d files under %s, seed %d, generated in %s",
		res.Entities, strings.Join(parts, " "), len(res.Files), dir, o.Seed, genTime.Round(time.Millisecond))
	if commit != "" {
		line += ", committed " + commit
	}
	fmt.Println(line)
	return nil
}

// gitCommit makes dir a git repository holding the generated files in one
// commit and returns the commit's short hash. Identity and signing are set
// on the command line so it works on a fresh machine whatever the global
// git configuration says.
func gitCommit(dir string) (string, error) {
	git := func(args ...string) (string, error) {
		base := []string{
			"-C", dir,
			"-c", "user.name=orggen",
			"-c", "user.email=orggen@paved.invalid",
			"-c", "commit.gpgsign=false",
			"-c", "init.defaultBranch=main",
		}
		cmd := exec.Command("git", append(base, args...)...)
		outb, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("orggen: git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(outb)))
		}
		return strings.TrimSpace(string(outb)), nil
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"commit", "-qm", "synthetic org"},
	} {
		if _, err := git(args...); err != nil {
			return "", err
		}
	}
	return git("rev-parse", "--short", "HEAD")
}
