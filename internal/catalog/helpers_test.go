package catalog

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paved-dev/paved/internal/audit"
	"github.com/paved-dev/paved/internal/store"
)

// newService opens a catalog service on a fresh database.
func newService(t *testing.T) (*Service, *store.Store) {
	t.Helper()
	return newServiceTB(t, t.TempDir())
}

// newServiceTB opens a catalog service on a fresh database in dir.
func newServiceTB(t testing.TB, dir string) (*Service, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "paved.db"), audit.Schema(), Schema())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(Options{Store: st, Audit: audit.New(st, nil), CacheDir: filepath.Join(dir, "cache")}), st
}

func addDir(t *testing.T, s *Service, name, dir string) {
	t.Helper()
	if _, err := s.AddSource(context.Background(), AddSourceOptions{Target: dir, Name: name}); err != nil {
		t.Fatal(err)
	}
}

func syncOK(t *testing.T, s *Service, name string) SyncResult {
	t.Helper()
	res, err := s.Sync(context.Background(), SyncOptions{Source: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 {
		t.Fatalf("want 1 result, got %d", len(res))
	}
	if res[0].Error != "" {
		t.Fatalf("sync %s failed: %s", name, res[0].Error)
	}
	return res[0]
}

func refsOf(items []EntitySummary) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Ref
	}
	return out
}

// bump changes a file's modification time so a dir source sees an edit even
// within the file system's timestamp granularity.
func touchLater(t *testing.T, p string) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	later := st.ModTime().Add(2e9)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
}

const orgFixture = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: root
spec:
  targets:
    - ./org.yaml
    - ./services/*.yaml
`

const orgYAML = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
  members: [alice]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  memberOf: [team-a]
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: shop
spec:
  owner: team-a
`

const paymentsYAML = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-service
  title: Payments Service
  description: Takes card payments for the shop.
  tags: [go, payments]
  links:
    - url: https://runbooks.example/payments
      title: Runbook
  annotations:
    github.com/project-slug: acme/payments
  x-custom: kept
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: shop
  providesApis: [payments-api]
  dependsOn: [resource:payments-db]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
  description: Authorise and capture payments.
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  system: shop
  definition: "openapi: 3.0.0"
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: payments-db
spec:
  type: database
  owner: team-a
  system: shop
`

const checkoutYAML = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  description: The checkout flow.
  tags: [typescript]
spec:
  type: website
  lifecycle: experimental
  owner: group:default/team-a
  system: shop
  consumesApis: [payments-api]
  dependsOn: [component:payments-service]
`

// orgFiles is a small organisation using a Location with a glob target.
func orgFiles() map[string]string {
	return map[string]string{
		"catalog-info.yaml":      orgFixture,
		"org.yaml":               orgYAML,
		"services/payments.yaml": paymentsYAML,
		"services/checkout.yaml": checkoutYAML,
	}
}
