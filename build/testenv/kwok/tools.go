//go:build tools

// Package tools pins the kwok command build/scripts/testenv-kubernetes.sh builds.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
