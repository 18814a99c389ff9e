#!/usr/bin/env bash
# Install the peer tools bench/bench.py --peers compares kubelint with, at
# pinned versions, and kubeconform's local schemas. Idempotent: a tool
# already installed at its version is kept, the schemas are rewritten only
# when missing.
#
#   bash bench/peers.sh            # then: python3 bench/bench.py --peers
#
# Where: $KUBELINT_BENCH_DIR (default ~/.cache/kubelint-bench): bin/ for the
# tools, kubeconform-schemas/v1.37/ for the schemas. Go builds run under
# `nice -n 10`, one at a time (they are CPU heavy on a 2-core machine).
#
# kubeconform and kube-score are installed from the Go module proxy with
# `go install`. kube-linter is not served there (the proxy refuses both
# golang.stackrox.io/kube-linter, its module path, and
# github.com/stackrox/kube-linter): set KUBE_LINTER_SRC to a source tree of
# stackrox/kube-linter at tag $KUBE_LINTER_VERSION (its go.mod names
# golang.stackrox.io/kube-linter; its dependencies come from the proxy) and
# this script builds it; without one, a kube-linter of that version on PATH
# is used, and otherwise the bench runs without kube-linter and says so.
set -uo pipefail
cd "$(dirname "$0")/.."

KUBECONFORM_VERSION=v0.8.0
KUBE_SCORE_VERSION=v1.20.0
KUBE_LINTER_VERSION=v0.8.3
KUBERNETES_MINOR=1.37

DIR="${KUBELINT_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubelint-bench}"
BIN="$DIR/bin"
mkdir -p "$BIN" || exit 1

go_install() {  # name, module, package, version
  local name=$1 module=$2 package=$3 version=$4
  if [ -x "$BIN/$name" ] && go version -m "$BIN/$name" 2>/dev/null | grep -q "mod[[:space:]]*$module[[:space:]]*$version[[:space:]]"; then
    echo "peers: $name $version already in $BIN"
    return 0
  fi
  local start=$SECONDS
  GOBIN="$BIN" GOFLAGS=-modcacherw nice -n 10 go install "$package@$version" || return 1
  echo "peers: built $name $version in $((SECONDS - start)) s"
}

go_install kubeconform github.com/yannh/kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION" || exit 1
go_install kube-score github.com/zegl/kube-score github.com/zegl/kube-score/cmd/kube-score "$KUBE_SCORE_VERSION" || exit 1

if [ -x "$BIN/kube-linter" ] && [ "$("$BIN/kube-linter" version 2>/dev/null)" = "$KUBE_LINTER_VERSION" ]; then
  echo "peers: kube-linter $KUBE_LINTER_VERSION already in $BIN"
elif [ -n "${KUBE_LINTER_SRC:-}" ]; then
  start=$SECONDS
  (cd "$KUBE_LINTER_SRC" && GOFLAGS=-modcacherw nice -n 10 go build -trimpath \
    -ldflags "-s -w -X golang.stackrox.io/kube-linter/internal/version.version=$KUBE_LINTER_VERSION" \
    -o "$BIN/kube-linter" ./cmd/kube-linter) || exit 1
  echo "peers: built kube-linter $KUBE_LINTER_VERSION from $KUBE_LINTER_SRC in $((SECONDS - start)) s"
elif command -v kube-linter >/dev/null && [ "$(kube-linter version 2>/dev/null)" = "$KUBE_LINTER_VERSION" ]; then
  ln -sf "$(command -v kube-linter)" "$BIN/kube-linter"
  echo "peers: kube-linter $KUBE_LINTER_VERSION found on PATH"
else
  echo "peers: kube-linter $KUBE_LINTER_VERSION not installed: the Go module proxy does not serve it;" \
    "set KUBE_LINTER_SRC to its source tree (tag $KUBE_LINTER_VERSION) to build it" >&2
fi

SCHEMAS="$DIR/kubeconform-schemas/v$KUBERNETES_MINOR"
if [ -f "$SCHEMAS/deployment-apps-v1.json" ]; then
  echo "peers: kubeconform schemas already in $SCHEMAS"
else
  python3 bench/kubeconform_schemas.py --version "$KUBERNETES_MINOR" --out "$SCHEMAS" || exit 1
fi
