package provision

import (
	"time"

	"github.com/paved-dev/paved/internal/devenv/spec"
)

// Builtins are the provisioners used when the platform defines none for a
// type: postgres and redis from their official images.
func Builtins() []Definition {
	return []Definition{
		{
			Type:  "postgres",
			Image: "postgres:16-alpine",
			Env: map[string]string{
				"POSTGRES_USER":     "paved",
				"POSTGRES_PASSWORD": "${secret.password}",
				"POSTGRES_DB":       "app",
				// A database kept across `down` keeps the password it was
				// created with, while a new container gets a new one: trust
				// connections from the environment's network so both work.
				// The port is published on 127.0.0.1 only.
				"POSTGRES_HOST_AUTH_METHOD": "trust",
			},
			Ports:   []int{5432},
			Volumes: []string{"/var/lib/postgresql/data"},
			Health: &spec.Health{Test: []string{"CMD-SHELL", "pg_isready -U paved -d app -h 127.0.0.1"},
				Interval: time.Second, Timeout: 3 * time.Second, Retries: 60},
			Outputs: map[string]string{
				"host":       "${host}",
				"port":       "${port}",
				"name":       "app",
				"database":   "app",
				"username":   "paved",
				"password":   "${secret.password}",
				"connection": "postgresql://paved:${secret.password}@${host}:${port}/app",
			},
			StopGrace: 10 * time.Second,
			Source:    "built-in",
		},
		{
			Type:    "redis",
			Image:   "redis:7-alpine",
			Command: []string{"sh", "-c", `exec redis-server --requirepass "$REDIS_PASSWORD" --appendonly yes`},
			Env:     map[string]string{"REDIS_PASSWORD": "${secret.password}"},
			Ports:   []int{6379},
			Volumes: []string{"/data"},
			Health: &spec.Health{Test: []string{"CMD-SHELL", `redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG`},
				Interval: time.Second, Timeout: 3 * time.Second, Retries: 60},
			Outputs: map[string]string{
				"host":       "${host}",
				"port":       "${port}",
				"username":   "default",
				"password":   "${secret.password}",
				"connection": "redis://default:${secret.password}@${host}:${port}/0",
			},
			StopGrace: 10 * time.Second,
			Source:    "built-in",
		},
	}
}
