#!/usr/bin/env bash
# Confirm the conformance labels against a real kube-apiserver (not in CI).
#
#   scripts/apiserver-oracle.sh build     # build kube-apiserver from Go modules, install etcd
#   scripts/apiserver-oracle.sh start     # start etcd + kube-apiserver on 127.0.0.1 only
#   scripts/apiserver-oracle.sh run       # kubectl apply --dry-run=server every tests/conformance case
#   scripts/apiserver-oracle.sh stop
#   scripts/apiserver-oracle.sh run-policies [--record] [CASE...]
#                                          # admission conformance (tests/conformance/admission):
#                                          # create each case's policies/bindings/params for real, dry-run the object
#
# Builds k8s.io/kubernetes (cmd/kube-apiserver) at $K8S_VERSION with every
# staging module pinned by `replace` to the matching v0.NN release.  Needs the
# Go module proxy and Debian's etcd-server package; talks to 127.0.0.1 only.
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-v1.37.2}
STAGING_VERSION=v0.${K8S_VERSION#v1.}
WORK=${ORACLE_DIR:-/tmp/kubelint-oracle}
# Ports, so that several oracles (say one per line of work) can run side by side on loopback.
ETCD_PORT=${ETCD_PORT:-23790}
ETCD_PEER_PORT=${ETCD_PEER_PORT:-23800}
APISERVER_PORT=${APISERVER_PORT:-64430}
# A binary built elsewhere (another ORACLE_DIR) can be reused: ORACLE_BIN=/tmp/kubelint-oracle/bin
# More kube-apiserver flags, e.g. APISERVER_EXTRA_ARGS=--admission-control-config-file=/path/admission.yaml
ORACLE_BIN=${ORACLE_BIN:-$WORK/bin}
REPO=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$WORK"
cd "$WORK"

staging_modules() {
  # the staging modules k8s.io/kubernetes replaces with ./staging/src/... in its go.mod
  local gomod
  gomod=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/${K8S_VERSION}.mod
  [ -f "$gomod" ] || go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" >/dev/null
  grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging' "$gomod" | awk '{print $1}'
}

build() {
  if [ ! -f go.mod ]; then
    go mod init kubelint-oracle >/dev/null 2>&1
  fi
  cat > main.go <<'GO'
package main

import _ "k8s.io/kubernetes/cmd/kube-apiserver/app"

func main() {}
GO
  go mod edit -require="k8s.io/kubernetes@${K8S_VERSION}"
  for m in $(staging_modules); do
    go mod edit -replace="${m}=${m}@${STAGING_VERSION}"
  done
  go mod tidy
  GOFLAGS=-mod=mod go build -o bin/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
  # kubectl of the same release, for client-side decoding parity (bin/kubectl; PATH's kubectl may be older)
  GOFLAGS=-mod=mod go build -o bin/kubectl k8s.io/kubernetes/cmd/kubectl || echo "kubectl build failed" >&2
  if ! command -v etcd >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
  fi
  echo "built $WORK/bin/kube-apiserver ($K8S_VERSION)"
}

start() {
  mkdir -p pki etcd-data logs
  if [ ! -f pki/sa.key ]; then
    openssl genrsa -out pki/sa.key 2048 2>/dev/null
    openssl rsa -in pki/sa.key -pubout -out pki/sa.pub 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -keyout pki/server.key -out pki/server.crt -days 2 \
      -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
    echo "oracle-token,admin,admin,system:masters" > pki/tokens.csv
  fi
  etcd --data-dir etcd-data --listen-client-urls http://127.0.0.1:${ETCD_PORT} --advertise-client-urls http://127.0.0.1:${ETCD_PORT} \
       --listen-peer-urls http://127.0.0.1:${ETCD_PEER_PORT} > logs/etcd.log 2>&1 &
  echo $! > etcd.pid
  sleep 2
  # Admission: the default-on plugins stay on (PodSecurity among them: "Loaded 14 validating admission
  # controller(s) ... LimitRanger,PodSecurity,..." in logs/apiserver.log); PodSecurity is named so that the
  # Pod Security conformance cases never depend on that default.
  "$ORACLE_BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:${ETCD_PORT} --bind-address=127.0.0.1 --secure-port=${APISERVER_PORT} \
    --advertise-address=127.0.0.1 --tls-cert-file=pki/server.crt --tls-private-key-file=pki/server.key \
    --token-auth-file=pki/tokens.csv --authorization-mode=AlwaysAllow \
    --service-account-key-file=pki/sa.pub --service-account-signing-key-file=pki/sa.key \
    --service-account-issuer=https://kubernetes.default.svc --service-cluster-ip-range=10.96.0.0/16 \
    --endpoint-reconciler-type=none --allow-privileged=true --enable-admission-plugins=NamespaceLifecycle,PodSecurity --disable-admission-plugins=ServiceAccount \
    ${APISERVER_EXTRA_ARGS:-} \
    > logs/apiserver.log 2>&1 &
  echo $! > apiserver.pid
  cat > kubeconfig <<KC
apiVersion: v1
kind: Config
clusters: [{name: oracle, cluster: {server: "https://127.0.0.1:${APISERVER_PORT}", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: oracle-token}}]
contexts: [{name: oracle, context: {cluster: oracle, user: admin}}]
current-context: oracle
KC
  for _ in $(seq 1 60); do
    if KUBECONFIG=kubeconfig kubectl get --raw /readyz >/dev/null 2>&1; then echo "apiserver ready"; return 0; fi
    sleep 2
  done
  echo "apiserver did not become ready; see $WORK/logs/apiserver.log" >&2
  return 1
}

run() {
  export KUBECONFIG=$WORK/kubeconfig
  python3 "$REPO/scripts/oracle_compare.py" "$REPO/tests/conformance"
}

# --- ValidatingAdmissionPolicy conformance (kubelint/admission) ---------------
# The ValidatingAdmissionPolicy admission plugin is on by default since 1.30 and
# --enable-admission-plugins above only adds to the defaults, so it is active.
run-policies() {
  export KUBECONFIG=$WORK/kubeconfig
  [ -x "$ORACLE_BIN/kubectl" ] && export KUBECTL="$ORACLE_BIN/kubectl"
  python3 "$REPO/scripts/oracle_policies.py" "$@"
}

restart() {
  # stop does not wait: wait for the apiserver to exit before starting again (etcd keeps the data)
  local pids
  pids=$(cat apiserver.pid etcd.pid 2>/dev/null || true)
  stop
  for pid in $pids; do for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; done
  sleep 1
  start
}

stop() {
  for p in apiserver.pid etcd.pid; do [ -f $p ] && kill "$(cat $p)" 2>/dev/null || true; rm -f $p; done
}

verb=${1:-build}
shift || true
"$verb" "$@"
