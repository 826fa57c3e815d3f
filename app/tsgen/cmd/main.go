// Command cmd writes frontend/src/gen/types.ts, the TypeScript types of the
// UI's API, from the Go types of *app.App (see package tsgen). Run it from
// anywhere inside the module: go run ./app/tsgen/cmd [-o file].
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/paved-dev/paved/app/tsgen"
)

func main() {
	out := flag.String("o", "", "file to write (default: "+tsgen.OutFile+" in the module)")
	check := flag.Bool("check", false, "write nothing; exit 1 when the file is not current")
	flag.Parse()
	if err := run(*out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "tsgen:", err)
		os.Exit(1)
	}
}

func run(out string, check bool) error {
	src, err := tsgen.NewSource(".")
	if err != nil {
		return err
	}
	code, err := tsgen.Generate(tsgen.Paved(src))
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(src.Root(), filepath.FromSlash(tsgen.OutFile))
	}
	if check {
		have, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		if !bytes.Equal(have, code) {
			return fmt.Errorf("%s is not current: run %s", out, tsgen.Command)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, code, 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", out)
	return nil
}
