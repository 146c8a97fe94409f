#!/usr/bin/env bash
# Benchmark (P5): what rendering costs a monorepo's CI, side by side in one run —
# `forge render ENV` once per app and env, `forge render --all` once per app, and
# `kubectl kustomize` of every rendered env dir (what CI runs on the result anyway).
#
#   CARGO_TARGET_DIR=/tmp/forge-bench-target bash benches/render.sh
#
# Knobs (environment):
#   CARGO_TARGET_DIR  release build dir [/tmp/forge-bench-target]
#   BENCH_DIR         where the generated apps and outputs live [/tmp/forge-bench-render]
#   APPS              number of generated apps, four envs each [100]
#   RUNS              timed rounds; the table shows the median round [3]
#
# Every app is a small kustomize app (a Deployment, a Service, a ConfigMap) with four envs
# setting replicas, config and a patch. Each row is one loop over every app (and env); the
# per-call time is the loop's wall time over its calls. Prints a Markdown table to stdout;
# progress goes to stderr. Timings are only ever printed here, never asserted in tests.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/forge-bench-target}"
BENCH_DIR="${BENCH_DIR:-/tmp/forge-bench-render}"
APPS="${APPS:-100}"
RUNS="${RUNS:-3}"
ENVS=(dev qa staging prod)
export SOURCE_DATE_EPOCH=1700000000

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
for tool in cargo kubectl; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

source "$REPO/benches/build-forge.sh"

# ---------------------------------------------------------------------------------------
# Generate the apps.
# ---------------------------------------------------------------------------------------
rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR/apps"
log "generating $APPS apps x ${#ENVS[@]} envs in $BENCH_DIR"
for i in $(seq 1 "$APPS"); do
    app="$BENCH_DIR/apps/app$i"
    mkdir -p "$app/base"
    cat >"$app/base/kustomization.yaml" <<EOF
resources: [deployment.yaml, service.yaml, configmap.yaml]
EOF
    cat >"$app/base/deployment.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: app$i, labels: {app: app$i}}
spec:
  replicas: 1
  selector: {matchLabels: {app: app$i}}
  template:
    metadata: {labels: {app: app$i}}
    spec:
      containers:
        - name: web
          image: ghcr.io/example/app$i:1.0.0
          ports: [{containerPort: 8080}]
          envFrom: [{configMapRef: {name: app$i}}]
EOF
    cat >"$app/base/service.yaml" <<EOF
apiVersion: v1
kind: Service
metadata: {name: app$i}
spec: {selector: {app: app$i}, ports: [{port: 80, targetPort: 8080}]}
EOF
    cat >"$app/base/configmap.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: app$i}
data: {LOG_LEVEL: info}
EOF
    {
        printf 'app: app%s\nsource:\n  kind: kustomize\n  path: base\n' "$i"
        printf 'images:\n  web: ghcr.io/example/app%s@sha256:%064d\n' "$i" "$i"
        printf 'envRepo:\n  url: file:///tmp/forge-bench-envs.git\nengine: flux\nenvironments:\n'
        for env in "${ENVS[@]}"; do
            printf '  - name: %s\n    replicas: 2\n    config:\n      LOG_LEVEL: debug\n' "$env"
        done
    } >"$app/forge.yaml"
done
"$FORGE" -C "$BENCH_DIR/apps/app1/forge.yaml" render --all --version 1.0.0 \
    --out "$BENCH_DIR/check" >/dev/null 2>&1 || die "forge render --all fails on the generated app"

# ---------------------------------------------------------------------------------------
# The loops. Each prints its wall time in milliseconds.
# ---------------------------------------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

forge_start() {
    for _ in $(seq 1 $((APPS * ${#ENVS[@]}))); do "$FORGE" --version >/dev/null; done
}
forge_render_each() {
    local out=$1
    for i in $(seq 1 "$APPS"); do
        for env in "${ENVS[@]}"; do
            "$FORGE" -q -C "$BENCH_DIR/apps/app$i/forge.yaml" render "$env" --version 1.0.0 \
                --out "$out/app$i/$env" >/dev/null
        done
    done
}
forge_render_bundle() {
    local out=$1
    for i in $(seq 1 "$APPS"); do
        for env in "${ENVS[@]}"; do
            "$FORGE" -q -C "$BENCH_DIR/apps/app$i/forge.yaml" render "$env" \
                --bundle "$BENCH_DIR/bundles/app$i-1.0.0.forge.tar.zst" \
                --out "$out/app$i/$env" >/dev/null
        done
    done
}
forge_render_all() {
    local out=$1
    for i in $(seq 1 "$APPS"); do
        "$FORGE" -q -C "$BENCH_DIR/apps/app$i/forge.yaml" render --all --version 1.0.0 \
            --out "$out/app$i" >/dev/null
    done
}
kustomize_each() {
    local rendered=$1
    for i in $(seq 1 "$APPS"); do
        for env in "${ENVS[@]}"; do
            kubectl kustomize "$rendered/app$i/$env" >/dev/null
        done
    done
}
timed() {
    local start
    start=$(now_ms)
    "$@"
    echo $(( $(now_ms) - start ))
}

mkdir -p "$BENCH_DIR/bundles"
for i in $(seq 1 "$APPS"); do
    "$FORGE" -q -C "$BENCH_DIR/apps/app$i/forge.yaml" bundle build --version 1.0.0 \
        --out "$BENCH_DIR/bundles" >/dev/null
done

declare -A total
rows=(start each bundle all kustomize)
for run in $(seq 1 "$RUNS"); do
    log "round $run of $RUNS"
    out="$BENCH_DIR/out"
    rm -rf "$out"
    total[start]+="$(timed forge_start) "
    total[each]+="$(timed forge_render_each "$out/each") "
    total[bundle]+="$(timed forge_render_bundle "$out/bundle") "
    total[all]+="$(timed forge_render_all "$out/all") "
    total[kustomize]+="$(timed kustomize_each "$out/all") "
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

calls=$((APPS * ${#ENVS[@]}))
declare -A per_call
for row in "${rows[@]}"; do
    per_call[$row]=$(awk -v t="$(median "${total[$row]}")" -v n="$calls" 'BEGIN {printf "%.2f", t / n}')
done
ratio() { awk -v k="${per_call[kustomize]}" -v f="${per_call[$1]}" 'BEGIN {printf "%.1f", k / f}'; }

echo "forge $FORGE_REV; $APPS apps x ${#ENVS[@]} envs = $calls env dirs; median of $RUNS rounds; $(nproc) cores"
echo
echo "| what | calls | ms per env dir | kubectl kustomize / this |"
echo "| --- | ---: | ---: | ---: |"
echo "| \`forge --version\` (process start) | $calls | ${per_call[start]} | $(ratio start)× |"
echo "| \`forge render ENV --version V\` (builds the bundle each call) | $calls | ${per_call[each]} | $(ratio each)× |"
echo "| \`forge render ENV --bundle B\` (bundle built beforehand) | $calls | ${per_call[bundle]} | $(ratio bundle)× |"
echo "| \`forge render --all --version V\` (one call per app) | $APPS | ${per_call[all]} | $(ratio all)× |"
echo "| \`kubectl kustomize\` of each rendered env dir | $calls | ${per_call[kustomize]} | 1.0× |"
