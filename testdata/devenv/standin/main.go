// Command standin is the stand-in service the local-environment tests and
// benchmark run in containers (built FROM scratch by
// build/scripts/testenv-docker.sh as paved-test/standin:1). No registry
// needed, no shell in the image.
//
//	standin http [-addr :8080] [-delay D]     web service: /healthz, /env
//	standin tcp  [-addr :5432] [-data DIR] [-delay D] [-ignore-term]
//	                                          database stand-in: per connection, reads
//	                                          "SET v" / "GET" lines; data kept in DIR
//	standin check HOST:PORT                   exit 0 when HOST:PORT accepts (health checks)
//
// /env reports the environment (what the service was given) and, for each
// pair NAME_HOST/NAME_PORT, whether that address answers from inside the
// environment's network.
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: standin http|tcp|check ...")
		os.Exit(2)
	}
	mode, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	addr := fs.String("addr", ":8080", "listen address")
	delay := fs.Duration("delay", 0, "wait this long before listening")
	data := fs.String("data", "", "data directory (tcp)")
	ignoreTerm := fs.Bool("ignore-term", false, "ignore SIGTERM, like many PID 1 processes")
	switch mode {
	case "check":
		if len(args) != 1 {
			os.Exit(2)
		}
		c, err := net.DialTimeout("tcp", args[0], time.Second)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		c.Close()
		return
	case "http", "tcp":
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
	_ = fs.Parse(args)
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	}
	fmt.Printf("standin %s starting on %s\n", mode, *addr)
	time.Sleep(*delay)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("standin %s listening on %s\n", mode, *addr)
	if mode == "http" {
		serveHTTP(ln)
		return
	}
	serveTCP(ln, *data)
}

func serveHTTP(ln net.Listener) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) {
		env := map[string]string{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		reach := map[string]string{}
		var names []string
		for k := range env {
			if n, ok := strings.CutSuffix(k, "_HOST"); ok && env[n+"_PORT"] != "" {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			a := net.JoinHostPort(env[n+"_HOST"], env[n+"_PORT"])
			c, err := net.DialTimeout("tcp", a, 2*time.Second)
			if err != nil {
				reach[n] = err.Error()
				continue
			}
			c.Close()
			reach[n] = "ok"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"env": env, "reach": reach})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("%s %s\n", r.Method, r.URL.Path)
		fmt.Fprintln(w, "hello from standin")
	})
	_ = http.Serve(ln, mux)
}

func serveTCP(ln net.Listener, dir string) {
	id := "memory"
	if dir != "" {
		p := filepath.Join(dir, "id")
		if b, err := os.ReadFile(p); err == nil {
			id = strings.TrimSpace(string(b))
		} else {
			var r [6]byte
			_, _ = rand.Read(r[:])
			id = hex.EncodeToString(r[:])
			_ = os.WriteFile(p, []byte(id+"\n"), 0o644)
		}
	}
	value := ""
	if dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, "value")); err == nil {
			value = string(b)
		}
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				line := sc.Text()
				switch {
				case strings.HasPrefix(line, "SET "):
					value = strings.TrimPrefix(line, "SET ")
					if dir != "" {
						_ = os.WriteFile(filepath.Join(dir, "value"), []byte(value), 0o644)
					}
					fmt.Fprintln(c, "OK")
				case line == "GET":
					fmt.Fprintln(c, value)
				case line == "ID":
					fmt.Fprintln(c, id)
				default:
					fmt.Fprintln(c, "ERR unknown command")
				}
			}
		}(c)
	}
}
