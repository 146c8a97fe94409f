#!/usr/bin/env bash
# P1 on the real stack: the time from "Flux applied forge's commit and the Deployment is
# rolled out" (seen by a separate watcher) to the waiting tool's exit, for
#   (a) flux reconcile kustomization K --with-source; kubectl rollout status deployment/web
#   (b) kubectl wait --for=condition=Ready kustomization/K; kubectl rollout status ...
#   (c) forge deploy (its own wait)
# each waiting for a fresh commit of its own, alternating in one run (order rotated every
# round). The baselines' commit is pushed by `forge deploy --no-wait`. Prints a Markdown table
# with p50/p99 per tool, ratios and how often a baseline returned before its commit was
# applied; writes every deploy to a CSV. See BENCHMARKS.md.
#
# Usage: bash benches/realstack-wait.sh [ROUNDS]    (default 30 rounds = 30 deploys per tool)
# Env:   BENCH_OUT=DIR   where the CSV and the log go (default /tmp/forge-realstack-wait)
#        KEEP=1          leave the stack and work dir (default: stopped and removed)
# Needs: Go (realstack/build, benches/build-flux-cli.sh), lighttpd, python3, cargo.
set -euo pipefail
rounds=${1:-30}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${BENCH_OUT:-/tmp/forge-realstack-wait}
mkdir -p "$out"
t_all=$(date +%s)

echo "== machine: nproc $(nproc); $(uptime)" >&2
echo "== forge $(git -C "$repo_root" rev-parse --short HEAD)$(git -C "$repo_root" diff --quiet HEAD -- src || echo ' (src modified)')" >&2
cargo build --release --quiet --manifest-path "$repo_root/Cargo.toml"
forge="${CARGO_TARGET_DIR:-$repo_root/target}/release/forge"
bin=$("$repo_root/realstack/build" | tail -n1)
flux=$("$repo_root/benches/build-flux-cli.sh" | tail -n1)
echo "== $("$flux" --version), kubectl $("$bin/kubectl" version --client -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])')" >&2

work=$(mktemp -d /tmp/forge-rswait.XXXXXX)
stack="$work/stack"
cleanup() {
  if [[ -z "${KEEP:-}" ]]; then
    "$repo_root/realstack/down" "$stack" >/dev/null 2>&1 || true
    rm -rf "$work"
  else
    echo "kept: $work (stop with realstack/down $stack)" >&2
  fi
}
trap cleanup EXIT

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
mkdir -p "$work/git"
git init -q --bare --initial-branch=main "$work/git/envs.git"
git -C "$work/git/envs.git" config http.receivepack true
REALSTACK_BIN="$bin" "$repo_root/realstack/up" --git-root "$work/git" --exit-with $$ "$stack" >/dev/null
# shellcheck disable=SC1091
source "$stack/env"
url="$REALSTACK_GIT_URL/envs.git"
git init -q --initial-branch=main "$work/seed"
git -C "$work/seed" -c user.name=bench -c user.email=bench@forge.invalid commit -q --allow-empty -m "env repo"
git -C "$work/seed" push -q "$url" main

app=bench-web
ns=$app-dev
ks=$app-dev
mkdir -p "$work/app"
cat > "$work/app/forge.yaml" <<EOF
# Written by benches/realstack-wait.sh.
app: $app
source:
  kind: kustomize
  path: base
envRepo:
  url: $url
  branch: main
engine: flux
environments:
  - name: dev
    namespace: $ns
    timeout: 5m
flux:
  namespace: flux-system
  gitRepository: $app
EOF
# The GitOps objects a bootstrap would hold; intervals are Flux's usual 1m, so only a
# reconcile request (forge, flux reconcile, or the harness after a stale return) makes Flux
# pick up a commit promptly.
"$bin/kubectl" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: $app
  namespace: flux-system
spec:
  interval: 1m
  url: $url
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: $ks
  namespace: flux-system
spec:
  interval: 1m
  path: ./apps/$app/dev
  prune: true
  targetNamespace: $ns
  sourceRef:
    kind: GitRepository
    name: $app
EOF

stamp=$(date -u +%Y%m%dT%H%M%SZ)
csv="$out/realstack-wait-$stamp.csv"
echo "== $rounds rounds; CSV $csv; start $(uptime)" >&2
BENCH_APP=$app BENCH_NS=$ns BENCH_KS=$ks BENCH_WORK=$work BENCH_FORGE=$forge BENCH_FLUX=$flux \
BENCH_KUBECTL="$bin/kubectl" BENCH_ROUNDS=$rounds BENCH_CSV=$csv \
  python3 "$repo_root/benches/realstack_wait.py"
echo "== end $(uptime); total $(( $(date +%s) - t_all )) s" >&2
