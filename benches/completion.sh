#!/usr/bin/env bash
# Completion latency, side by side: forge's dynamic completion of env names (what bash runs
# on `forge deploy <TAB>`) against kubectl's own dynamic completion of context names
# (`kubectl __complete config use-context`, what its bash completion runs). Per call, over
# RUNS calls each, in one run on one machine.
#
#   bash benches/completion.sh            # builds forge in release mode first
#   FORGE=target/debug/forge RUNS=50 bash benches/completion.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-200}
target=${CARGO_TARGET_DIR:-/tmp/forge-bench-target}
forge=${FORGE:-$target/release/forge}
if [[ -z ${FORGE:-} ]]; then
    CARGO_TARGET_DIR=$target cargo build --release --locked -q
fi
kubectl=${KUBECTL:-$(command -v kubectl)}

project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
cp -r fixtures/sample/. "$project/"
cat > "$project/kubeconfig" <<'YAML'
apiVersion: v1
kind: Config
clusters: [{name: a, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {}}]
contexts:
- {name: kind-dev, context: {cluster: a, user: u}}
- {name: staging-eu, context: {cluster: a, user: u}}
- {name: prod-eu, context: {cluster: a, user: u}}
current-context: kind-dev
YAML
export FORGE_CONFIG=$project/forge.yaml KUBECONFIG=$project/kubeconfig

per_call() { # label, then the command; prints "label: N.N ms per call"
    local label=$1 start end
    shift
    "$@" > /dev/null 2>&1 # warm the page cache
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do "$@" > /dev/null 2>&1; done
    end=$(date +%s%N)
    awk -v label="$label" -v ns=$((end - start)) -v runs="$runs" \
        'BEGIN { printf "%-44s %6.2f ms per call\n", label, ns / runs / 1e6 }'
}

echo "env names: $(COMPLETE=bash _CLAP_IFS=' ' _CLAP_COMPLETE_INDEX=2 "$forge" -- forge deploy '' | head -c 20)…"
per_call "forge deploy <TAB> (env names)" \
    env COMPLETE=bash _CLAP_IFS=' ' _CLAP_COMPLETE_INDEX=2 "$forge" -- forge deploy ''
per_call "forge status --context <TAB> (contexts)" \
    env COMPLETE=bash _CLAP_IFS=' ' _CLAP_COMPLETE_INDEX=3 "$forge" -- forge status --context ''
per_call "kubectl config use-context <TAB>" \
    "$kubectl" __complete config use-context ''
