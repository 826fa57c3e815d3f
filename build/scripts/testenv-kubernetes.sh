#!/usr/bin/env bash
# A real Kubernetes control plane (v1.35.4) with one fake node, for the
# deploy tests and benchmark.
#
#   testenv-kubernetes.sh up     build the binaries if they are not cached
#                                (minutes, once per machine and wrapper
#                                go.sum), start etcd, kube-apiserver,
#                                kube-controller-manager, kube-scheduler and
#                                kwok on 127.0.0.1, wait until the node is
#                                Ready, write $STATE_DIR/kubeconfig
#   testenv-kubernetes.sh down   stop what `up` started (clients first, then
#                                the apiserver, then etcd); safe after a
#                                half-failed up
#   testenv-kubernetes.sh build  only build (or find) the cached binaries
#
# No kubelet: kwok plays one fake Node (paved-kwok-node-0) and moves pods
# through their states with the stock stages from the kwok module, plus
# build/testenv/kwok/stage-image-pull-failure.yaml: a container whose image
# name contains "broken" stays Waiting in ErrImagePull, then ImagePullBackOff.
# Containers never run; tests assert on API state (rollouts, events).
#
# Binaries come from the wrapper modules build/testenv/kubernetes
# (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd
# 3.6.5) and build/testenv/kwok (kwok v0.8.0), cached outside the work tree
# (build/scripts/testenv-build.sh).
#
#   PAVED_TESTENV_STATE           state dir (default ${TMPDIR:-/tmp}/paved-testenv)
#   PAVED_TESTENV_ETCD_PORT       etcd client port (default 23790; peer: +10)
#   PAVED_TESTENV_APISERVER_PORT  kube-apiserver port (default 16443)
#   PAVED_TESTENV_KWOK_PORT       kwok's own server, the node's "kubelet"
#                                 port (default 16444)
#
# Files written under $STATE_DIR:
#   kubeconfig       contexts paved-admin (system:masters) and paved-dev (may
#                    deploy in namespace team-dev only); current: paved-admin
#   kubernetes.env   KUBECONFIG, PAVED_TESTENV_KUBECTL, the server URL, ...
#   kubernetes/      pki, logs, pids, etcd data, kwok config
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=build/scripts/lib.sh
. build/scripts/lib.sh
# shellcheck source=build/scripts/testenv-build.sh
. build/scripts/testenv-build.sh

STATE_DIR=${PAVED_TESTENV_STATE:-${TMPDIR:-/tmp}/paved-testenv}
KDIR=$STATE_DIR/kubernetes
KUBECONFIG_OUT=$STATE_DIR/kubeconfig
ENV_OUT=$STATE_DIR/kubernetes.env
ADMIN_KC=$KDIR/admin.kubeconfig # for the components and this script
ETCD_PORT=${PAVED_TESTENV_ETCD_PORT:-23790}
ETCD_PEER_PORT=$((ETCD_PORT + 10))
API_PORT=${PAVED_TESTENV_APISERVER_PORT:-16443}
KWOK_PORT=${PAVED_TESTENV_KWOK_PORT:-16444}
SERVER=https://127.0.0.1:$API_PORT
NODE=paved-kwok-node-0
DEV_NS=team-dev
K8S_VERSION=v1.35.4

K8S_WRAPPER=build/testenv/kubernetes
KWOK_WRAPPER=build/testenv/kwok
K8S_BINS=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl)
# Start order (stop_all stops clients, then the apiserver, then etcd).
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
# The stock kwok stages used (kustomize/stage/<path> in the kwok module).
KWOK_STAGES=(node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml
	pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml)

# ---------------------------------------------------------------- build

build_kubernetes() {
	local out=$2 p ldf="-s -w" date
	date=$(date -u +%FT%TZ)
	# kubectl and clients parse the version: set it as a release build does.
	for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldf+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=35"
		ldf+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
	done
	info "downloading modules"
	nice -n 19 go mod download
	for p in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
		testenv_go_build "$out/$p" "k8s.io/kubernetes/cmd/$p" -ldflags "$ldf"
	done
	testenv_go_build "$out/etcd" go.etcd.io/etcd/server/v3 -ldflags "-s -w"
}

build_kwok() {
	local out=$2 kd f
	info "downloading modules"
	nice -n 19 go mod download
	testenv_go_build "$out/kwok" sigs.k8s.io/kwok/cmd/kwok -ldflags "-s -w"
	# Keep the stage YAMLs beside the binary: the module cache may be
	# cleaned after the build.
	kd=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
	mkdir -p "$out/stages"
	for f in "${KWOK_STAGES[@]}"; do
		cp "$kd/kustomize/stage/$f" "$out/stages/$(basename "$f")"
	done
}

build_all() {
	testenv_build kubernetes "$K8S_WRAPPER" 20 build_kubernetes "${K8S_BINS[@]}"
	K8S_BIN=$TESTENV_BIN
	testenv_build kwok "$KWOK_WRAPPER" 5 build_kwok kwok
	KWOK_BIN=$TESTENV_BIN
}

# ---------------------------------------------------------------- helpers

pid_of() { cat "$KDIR/$1.pid" 2>/dev/null || true; }

alive() { testenv_pid_alive "$(pid_of "$1")" "$1"; }

port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# start NAME CMD...: run CMD in its own session, logging to logs/NAME.log.
start() {
	local name=$1
	shift
	setsid "$@" >"$KDIR/logs/$name.log" 2>&1 </dev/null &
	echo $! >"$KDIR/$name.pid"
}

# wait_for WHAT SECONDS COMPONENT CMD...: poll CMD every 0.2 s; die with
# COMPONENT's log when it exits or the time is up.
wait_for() {
	local what=$1 secs=$2 comp=$3 i
	shift 3
	for ((i = 0; i < secs * 5; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		if ! alive "$comp"; then
			tail -n 30 "$KDIR/logs/$comp.log" >&2 || true
			die "$comp exited while waiting for $what; see $KDIR/logs/$comp.log"
		fi
		sleep 0.2
	done
	tail -n 30 "$KDIR/logs/$comp.log" >&2 || true
	die "timed out after $secs s waiting for $what; see $KDIR/logs/$comp.log"
}

admin_token() { cut -d, -f1 "$KDIR/pki/tokens.csv" | head -n1; }

http_code() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$KDIR/pki/ca.crt" \
		-H "Authorization: Bearer $(admin_token)" "$SERVER$1"
}

apiserver_ready() { [ "$(http_code /readyz)" = 200 ]; }

kc() { "$K8S_BIN/kubectl" --kubeconfig "$ADMIN_KC" "$@"; }

node_ready() {
	[ "$(kc get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

all_alive() {
	local c
	for c in "${COMPONENTS[@]}"; do
		alive "$c" || return 1
	done
}

rnd() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# ---------------------------------------------------------------- setup

make_pki() {
	local pki=$KDIR/pki
	mkdir -p "$pki"
	[ -f "$pki/sa.key" ] || {
		openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
		openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
	}
	[ -f "$pki/serving.crt" ] || {
		# A CA of its own and a serving cert for 127.0.0.1/localhost signed
		# by it: clients verify TLS with the CA in the kubeconfig.
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=paved-testenv-ca \
			-keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
		openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver \
			-keyout "$pki/serving.key" -out "$pki/serving.csr" 2>/dev/null
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >"$pki/serving.ext"
		openssl x509 -req -in "$pki/serving.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
			-CAcreateserial -days 3650 -extfile "$pki/serving.ext" -out "$pki/serving.crt" 2>/dev/null
	}
	[ -f "$pki/tokens.csv" ] || {
		printf '%s,paved-admin,paved-admin-uid,"system:masters"\n%s,paved-dev,paved-dev-uid,"paved:developers"\n' \
			"admin-$(rnd)" "dev-$(rnd)" >"$pki/tokens.csv"
	}
	chmod 600 "$pki"/*.key "$pki/tokens.csv"
}

# write_kubeconfig FILE USER...: a kubeconfig with one context per user
# (context name = user name); the first is the current context.
write_kubeconfig() {
	local file=$1 u tok ca tmp
	shift
	ca=$(base64 -w0 <"$KDIR/pki/ca.crt")
	tmp=$(mktemp "$(dirname "$file")/.kubeconfig.XXXXXX")
	{
		printf 'apiVersion: v1\nkind: Config\n'
		printf 'clusters:\n- name: paved-testenv\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n' "$SERVER" "$ca"
		printf 'users:\n'
		for u in "$@"; do
			tok=$(awk -F, -v u="$u" '$2 == u { print $1 }' "$KDIR/pki/tokens.csv")
			printf -- '- name: %s\n  user:\n    token: %s\n' "$u" "$tok"
		done
		printf 'contexts:\n'
		for u in "$@"; do
			local ns=default
			[ "$u" = paved-dev ] && ns=$DEV_NS
			printf -- '- name: %s\n  context:\n    cluster: paved-testenv\n    user: %s\n    namespace: %s\n' "$u" "$u" "$ns"
		done
		printf 'current-context: %s\n' "$1"
	} >"$tmp"
	chmod 600 "$tmp"
	mv "$tmp" "$file"
}

write_outputs() {
	write_kubeconfig "$KUBECONFIG_OUT" paved-admin paved-dev
	local tmp
	tmp=$(mktemp "$STATE_DIR/.kubernetes.env.XXXXXX")
	{
		printf '# written by build/scripts/testenv-kubernetes.sh up\n'
		printf 'KUBECONFIG=%s\n' "$KUBECONFIG_OUT"
		printf 'PAVED_TESTENV_KUBECTL=%s\n' "$K8S_BIN/kubectl"
		printf 'PAVED_TESTENV_KUBE_SERVER=%s\n' "$SERVER"
		printf 'PAVED_TESTENV_KUBE_NODE=%s\n' "$NODE"
		printf 'PAVED_TESTENV_KUBE_DEV_NAMESPACE=%s\n' "$DEV_NS"
		printf 'PAVED_TESTENV_ETCD=%s\n' "http://127.0.0.1:$ETCD_PORT"
	} >"$tmp"
	mv "$tmp" "$ENV_OUT"
}

# kwok_config: the stock stages (pod-ready made to skip "broken" images) and
# the image-pull-failure stages, in one file for kwok --config.
kwok_config() {
	local f out=$KDIR/kwok-stages.yaml
	: >"$out"
	for f in "${KWOK_STAGES[@]}"; do
		f=$KWOK_BIN/stages/$(basename "$f")
		printf -- '---\n' >>"$out"
		if [ "$(basename "$f")" = pod-ready.yaml ]; then
			grep -q '^    matchExpressions:$' "$f" || die "unexpected layout of kwok's $f"
			awk '{ print } /^    matchExpressions:$/ && !done {
				print "    - key: '\''.spec.containers.[] | select( .image | contains(\"broken\") ) | .name'\''"
				print "      operator: '\''DoesNotExist'\''"
				done = 1 }' "$f" >>"$out"
		else
			cat "$f" >>"$out"
		fi
	done
	printf -- '---\n' >>"$out"
	cat "$KWOK_WRAPPER/stage-image-pull-failure.yaml" >>"$out"
}

cluster_objects() {
	cat <<YAML
apiVersion: v1
kind: Node
metadata:
  name: $NODE
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: $NODE
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
---
apiVersion: v1
kind: Namespace
metadata:
  name: $DEV_NS
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: paved-deployer
  namespace: $DEV_NS
rules:
- apiGroups: ["apps"]
  resources: ["deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods", "services", "configmaps", "secrets", "events"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods/log", "pods/status"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: paved-dev-deployer
  namespace: $DEV_NS
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: paved-dev
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: paved-deployer
YAML
}

# ---------------------------------------------------------------- up/down

up() {
	section "kubernetes: binaries"
	apt_ensure openssl curl
	build_all

	section "kubernetes: control plane on $SERVER"
	mkdir -p "$KDIR/logs"
	if all_alive && [ -f "$ADMIN_KC" ] && apiserver_ready && node_ready; then
		write_outputs
		info "already up (node $NODE Ready); $KUBECONFIG_OUT is current"
		return 0
	fi
	QUIET=1 stop_all
	local p
	for p in "$ETCD_PORT" "$ETCD_PEER_PORT" "$API_PORT" "$KWOK_PORT"; do
		port_in_use "$p" && die "127.0.0.1:$p is taken by another process (see the PAVED_TESTENV_*_PORT variables in $0)"
	done
	local t0 pki=$KDIR/pki
	t0=$(date +%s%N)
	make_pki
	write_kubeconfig "$ADMIN_KC" paved-admin

	rm -rf "$KDIR/etcd-data"
	start etcd "$K8S_BIN/etcd" --name paved-testenv --data-dir "$KDIR/etcd-data" \
		--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
		--listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
		--initial-cluster "paved-testenv=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync
	wait_for "etcd" 30 etcd curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"
	info "etcd up ($(ms_since "$t0") ms)"

	start kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
		--bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address=127.0.0.1 \
		--tls-cert-file="$pki/serving.crt" --tls-private-key-file="$pki/serving.key" \
		--client-ca-file="$pki/ca.crt" --token-auth-file="$pki/tokens.csv" --authorization-mode=RBAC \
		--service-account-issuer=https://kubernetes.default.svc.cluster.local \
		--service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
		--service-cluster-ip-range=10.96.0.0/16 --profiling=false
	wait_for "kube-apiserver /readyz" 60 kube-apiserver apiserver_ready
	info "kube-apiserver ready ($(ms_since "$t0") ms)"

	start kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$ADMIN_KC" \
		--leader-elect=false --bind-address=127.0.0.1 --secure-port=0 \
		--service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
		--controllers='*,-nodeipam' --profiling=false
	start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$ADMIN_KC" \
		--leader-elect=false --bind-address=127.0.0.1 --secure-port=0 --profiling=false
	kwok_config
	# Node and pod IPs are API data only: nothing routes to them. The node's
	# address is 127.0.0.1 so that the apiserver's calls to its "kubelet"
	# (logs, exec) reach kwok on loopback.
	start kwok "$KWOK_BIN/kwok" --kubeconfig="$ADMIN_KC" --config="$KDIR/kwok-stages.yaml" \
		--manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
		--cidr=10.244.0.1/24 --node-ip=127.0.0.1 --node-port="$KWOK_PORT" \
		--server-address="127.0.0.1:$KWOK_PORT"

	cluster_objects | kc apply -f - >"$KDIR/logs/apply.log" 2>&1 ||
		{ cat "$KDIR/logs/apply.log" >&2; die "could not create the node, namespace and RBAC objects"; }
	wait_for "node $NODE Ready" 60 kwok node_ready
	local ns
	for ns in default "$DEV_NS"; do
		wait_for "service account $ns/default" 60 kube-controller-manager kc -n "$ns" get serviceaccount default
	done
	write_outputs
	info "cluster ready in $(ms_since "$t0") ms: node $NODE Ready, namespace $DEV_NS"
	info "wrote $KUBECONFIG_OUT (contexts paved-admin, paved-dev) and $ENV_OUT"
}

# stop NAME...: SIGTERM the components together, SIGKILL what is left after
# ~10 s. Prints how long it took unless QUIET is set.
stop() {
	local name pid i t0 live=() names=() still e
	t0=$(date +%s%N)
	for name in "$@"; do
		pid=$(pid_of "$name")
		[ -n "$pid" ] || continue
		names+=("$name")
		if testenv_pid_alive "$pid" "$name"; then
			kill -TERM "$pid" 2>/dev/null || true
			live+=("$pid:$name")
		fi
	done
	[ ${#names[@]} -gt 0 ] || return 0
	for ((i = 0; i < 100 && ${#live[@]} > 0; i++)); do
		sleep 0.1
		still=()
		for e in "${live[@]}"; do
			testenv_pid_alive "${e%%:*}" "${e#*:}" && still+=("$e")
		done
		live=("${still[@]+"${still[@]}"}")
	done
	for e in "${live[@]+"${live[@]}"}"; do
		info "${e#*:} (pid ${e%%:*}) did not stop in 10 s; killing it"
		kill -KILL "${e%%:*}" 2>/dev/null || true
	done
	[ ${#live[@]} -eq 0 ] || sleep 0.2
	for name in "${names[@]}"; do
		rm -f "$KDIR/$name.pid"
	done
	[ -n "${QUIET:-}" ] || info "stopped ${names[*]} in $(ms_since "$t0") ms"
}

# stop_all: clients first, then the apiserver, then etcd (if etcd goes
# first the apiserver hangs on SIGTERM).
stop_all() {
	stop kwok kube-scheduler kube-controller-manager
	stop kube-apiserver
	stop etcd
}

down() {
	local c any=
	for c in "${COMPONENTS[@]}"; do
		[ -f "$KDIR/$c.pid" ] && any=1
	done
	if [ -z "$any" ]; then
		info "no control plane started by testenv-kubernetes.sh up: nothing to stop"
	else
		section "kubernetes: stopping the control plane"
		stop_all
	fi
	rm -rf "$KDIR/etcd-data"
	rm -f "$KUBECONFIG_OUT" "$ENV_OUT"
}

case "${1:-}" in
up) up ;;
down) down ;;
build)
	build_all
	info "$K8S_BIN: ${K8S_BINS[*]}"
	info "$KWOK_BIN: kwok"
	;;
*)
	echo "usage: $0 up|down|build" >&2
	exit 2
	;;
esac
