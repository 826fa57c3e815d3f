//go:build tools

// Package tools pins the vault command build/scripts/testenv-vault.sh builds.
package tools

import _ "github.com/hashicorp/vault"
