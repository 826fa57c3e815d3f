# Paved — build, run and test.
#
#   make run     install what is missing, build the desktop app, start it
#                (no display: `paved ui --browser`, which prints its URL)
#   make test    install what tests need; Go, frontend, end-to-end and window tests
#
# System packages come from apt (through sudo when not root) and are skipped
# when dpkg-query says they are installed. `make help` lists every target.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory
.NOTPARALLEL:

WAILS_VERSION := v2.16.0
# staticcheck 2025.1.1 is module version v0.6.1; the proxy serves only the latter.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.6.1
DESKTOP_TAGS := webkit2_41

# Project-local tools (the Wails CLI) come first; /usr/local/go/bin is a
# fallback for shells that don't have Go on PATH yet.
LOCAL_BIN := $(CURDIR)/.cache/bin
export PATH := $(LOCAL_BIN):$(PATH):/usr/local/go/bin
WAILS := $(LOCAL_BIN)/wails
GO ?= go
NPM_CI := npm ci --no-audit --no-fund
export npm_config_update_notifier := false

BIN_DIR := build/bin
DESKTOP_BIN := $(BIN_DIR)/paved
CLI_BIN := $(BIN_DIR)/paved-cli
SCREENSHOT := docs/screenshots/catalog-window.png

DEPS := bash build/scripts/deps.sh

# The project's Go packages: `./...` would also walk Go code that npm
# packages ship inside frontend/node_modules.
GO_PKGS = $(shell $(GO) list ./... | grep -v /node_modules/)

# Services that tests need, started by build/scripts/testenv-NAME.sh up|down
# before the suite and stopped after it: docker (dockerd and the locally
# built test images; no registry is needed). git and chromium/Xvfb are
# plain packages installed by deps-test.
TESTENV_SERVICES ?= docker

section = @printf '\n\033[1m==== %s ====\033[0m  (%s)\n' "$(1)" "$$(date +%T)"

.PHONY: help deps deps-desktop deps-test wails frontend frontend-deps cli build run \
	test test-suite test-go test-fuzz test-frontend test-e2e test-window testenv-up testenv-down \
	screenshot lint types bench clean distclean

help: ## list targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ---------------------------------------------------------------- dependencies

# `make test` checks everything once and passes SKIP_DEPS=1 to the steps.
SKIP_DEPS ?=
deps_for = $(if $(SKIP_DEPS),@true,@$(DEPS) $(1))

deps: ## install git, Go check, Node.js check (what `make cli` needs)
	$(call deps_for,base go node)

deps-desktop: ## + GTK 3 / WebKitGTK 4.1 headers (what `make build` needs)
	$(call deps_for,base go node desktop)

deps-test: ## + chromium, Xvfb, xdotool, ImageMagick (what `make test` needs)
	$(call deps_for,base go node desktop test)

wails: ## install the pinned Wails CLI into .cache/bin (skipped when present)
	@bash build/scripts/install-wails.sh $(WAILS_VERSION) $(LOCAL_BIN)

# ---------------------------------------------------------------- build

# npm ci only when node_modules is missing or package-lock.json changed.
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	$(call section,frontend: npm ci)
	cd frontend && $(NPM_CI)
	@touch $@

frontend/package-lock.json:
	@echo "frontend/package-lock.json is missing: run 'npm install' in frontend/ and commit the lock file" >&2; exit 1

frontend-deps: deps frontend/node_modules/.package-lock.json

# What the built frontend depends on: everything in frontend/ but tests,
# dependencies and outputs.
FRONTEND_INPUTS := $(shell find frontend -mindepth 1 \
	\( -name node_modules -o -name dist -o -name wailsjs -o -name test -o -name e2e \
	   -o -name test-results -o -name playwright-report -o -name coverage \) -prune \
	-o -not -name '*.test.*' -not -name package.json.md5 -print 2>/dev/null)

frontend/dist/index.html: $(FRONTEND_INPUTS) frontend/node_modules/.package-lock.json
	$(call section,frontend: npm run build)
	cd frontend && npm run build
	@touch $@

frontend: frontend-deps ## npm ci (when needed) + npm run build -> frontend/dist
	$(call section,frontend: npm run build)
	cd frontend && npm run build

# cli and build rebuild the frontend only when a file in frontend/ changed.
cli: frontend-deps frontend/dist/index.html ## browser-mode + CLI binary, no GTK (build/bin/paved-cli)
	$(call section,go build $(CLI_BIN))
	CGO_ENABLED=0 $(GO) build -tags browserassets -o $(CLI_BIN) .

# Bindings (frontend/wailsjs) are skipped: the frontend calls window.go itself,
# the same way in the window and in browser mode.
build: deps-desktop wails frontend-deps frontend/dist/index.html ## desktop binary via wails build (build/bin/paved)
	$(call section,wails build $(DESKTOP_BIN))
	$(WAILS) build -s -m -skipbindings -tags $(DESKTOP_TAGS) $(if $(CI),-nocolour)

run: build ## build and start the app (browser mode when there is no display)
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		echo "starting $(DESKTOP_BIN)"; \
		exec ./$(DESKTOP_BIN); \
	else \
		echo "no DISPLAY or WAYLAND_DISPLAY: starting browser mode (open the URL below)"; \
		exec ./$(DESKTOP_BIN) ui --browser; \
	fi

# ---------------------------------------------------------------- tests

test: deps-test ## install test deps, then Go, frontend, e2e and window tests
	@$(MAKE) testenv-up
	@rc=0; $(MAKE) SKIP_DEPS=1 test-suite || rc=$$?; $(MAKE) testenv-down; exit $$rc

# Each step stops the run on failure.
test-suite: test-go test-fuzz test-frontend test-e2e test-window
	@printf '\n==== all tests passed ====\n'

test-go:
	$(call section,go vet)
	CGO_ENABLED=0 $(GO) vet $(GO_PKGS)
	$(call section,go test)
	CGO_ENABLED=0 $(GO) test -count=1 $(GO_PKGS)

# Every fuzz target for a short budget (FUZZTIME, default 10s each); the
# seed corpora already ran in test-go.
FUZZTIME ?= 10s
test-fuzz: ## run every Go fuzz target for FUZZTIME each (default 10s)
	$(call section,go fuzz ($(FUZZTIME) per target))
	bash build/scripts/fuzz.sh $(FUZZTIME)

test-frontend: frontend-deps
	$(call section,frontend: typecheck)
	cd frontend && npm run typecheck
	$(call section,frontend: unit tests)
	cd frontend && npm test

test-e2e: cli
	$(call section,e2e: browser mode + chromium)
	PAVED_BIN=$(CURDIR)/$(CLI_BIN) npm --prefix frontend run e2e

test-window: deps-test
	$(call section,window test: desktop binary under Xvfb)
	bash build/scripts/window-test.sh

# Test services (dockerd, a Kubernetes control plane, Vault, ...) go here:
# each build/scripts/testenv-NAME.sh takes `up` or `down`; `down` must be safe
# to run when `up` failed half way.
testenv-up:
	@for s in $(TESTENV_SERVICES); do \
		printf '\n==== testenv: %s up ====\n' "$$s"; \
		bash build/scripts/testenv-$$s.sh up; \
	done

testenv-down:
	@for s in $(TESTENV_SERVICES); do \
		printf '\n==== testenv: %s down ====\n' "$$s"; \
		bash build/scripts/testenv-$$s.sh down || true; \
	done

screenshot: deps-test ## screenshot of the desktop window -> docs/screenshots/catalog-window.png
	bash build/scripts/window-test.sh $(SCREENSHOT)

# ---------------------------------------------------------------- other

lint: frontend-deps ## go vet, gofmt, staticcheck, TypeScript typecheck, eslint
	$(call section,go vet)
	CGO_ENABLED=0 $(GO) vet $(GO_PKGS)
	$(call section,gofmt)
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(call section,shellcheck)
	@if command -v shellcheck >/dev/null; then shellcheck -x build/scripts/*.sh .ci/run; \
		else echo "shellcheck not installed (apt-get install shellcheck): skipped"; fi
	$(call section,staticcheck)
	CGO_ENABLED=0 $(GO) run $(STATICCHECK) $(GO_PKGS)
	$(call section,frontend: typecheck)
	cd frontend && npm run typecheck
	$(call section,frontend: eslint)
	cd frontend && npm run lint

types: ## regenerate frontend/src/gen/types.ts from the Go types (go test ./app/tsgen checks it)
	$(GO) run ./app/tsgen/cmd

bench: ## run build/bench/run.sh
	@if [ -x build/bench/run.sh ] || [ -f build/bench/run.sh ]; then \
		bash build/bench/run.sh; \
	else \
		echo "no benchmarks yet (build/bench/run.sh does not exist)"; \
	fi

clean: ## remove build outputs (keeps node_modules and .cache)
	rm -rf $(BIN_DIR) frontend/dist frontend/wailsjs frontend/package.json.md5

distclean: clean ## also remove frontend/node_modules and .cache (Wails CLI)
	rm -rf frontend/node_modules .cache
