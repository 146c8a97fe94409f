#!/usr/bin/env bash
# Benchmark (P7): peak memory of forge on a bundle of big files, side by side with
# `tar -c | zstd -T0` (and `zstd -d | tar -x` for the reading side), measured with GNU time.
#
#   CARGO_TARGET_DIR=/tmp/forge-bench-target bash benches/memory.sh
#
# Knobs (environment):
#   CARGO_TARGET_DIR  release build dir [/tmp/forge-bench-target]
#   BENCH_DIR         where the generated app, bundle and outputs live [/tmp/forge-bench-memory]
#   FILES             number of big files in the app's source [4]
#   FILE_MIB          size of each, random bytes [300]
#   DEPLOY=0          leave out the env repo rows: `forge deploy --no-wait` of 1.0.0, of 1.0.1
#                     over it (reads the env dir back), `forge rollback --no-wait` to 1.0.0
#
# For a pipeline GNU time reports the largest single process (RUSAGE_CHILDREN), not the sum.
# Prints a Markdown table to stdout; progress goes to stderr. Never asserted in tests.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/forge-bench-target}"
BENCH_DIR="${BENCH_DIR:-/tmp/forge-bench-memory}"
FILES="${FILES:-4}"
FILE_MIB="${FILE_MIB:-300}"
DEPLOY="${DEPLOY:-1}"
export SOURCE_DATE_EPOCH=1700000000

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing GNU time with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; } >&2
fi
for tool in cargo git tar zstd python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

source "$REPO/benches/build-forge.sh"

# ---------------------------------------------------------------------------------------
# The app: a small kustomize base carrying FILES random files of FILE_MIB each.
# ---------------------------------------------------------------------------------------
rm -rf "$BENCH_DIR"
app="$BENCH_DIR/app"
mkdir -p "$app/base" "$BENCH_DIR/home"
log "generating $FILES x $FILE_MIB MiB in $app/base"
for i in $(seq 1 "$FILES"); do
    head -c "$((FILE_MIB << 20))" /dev/urandom >"$app/base/blob-$i.bin"
done
cat >"$app/base/kustomization.yaml" <<'EOF'
resources: [deployment.yaml]
EOF
cat >"$app/base/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: big}
spec:
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec:
      containers: [{name: web, image: ghcr.io/example/big:1.0.0}]
EOF
git init -q --bare "$BENCH_DIR/envs.git"
cat >"$app/forge.yaml" <<EOF
app: big
source:
  kind: kustomize
  path: base
images:
  web: ghcr.io/example/big@sha256:$(printf '%064d' 1)
envRepo:
  url: file://$BENCH_DIR/envs.git
engine: flux
environments:
  - name: dev
EOF
unpacked=$(du -sm "$app/base" | cut -f1)

# ---------------------------------------------------------------------------------------
# Each command under GNU time: wall seconds and peak RSS.
# ---------------------------------------------------------------------------------------
export HOME="$BENCH_DIR/home" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export FORGE_GIT_AUTHOR="Bench <bench@example.com>"
rows=()
# Wall time and the largest process (GNU time), and the peak of the command's own process
# alone (benches/peak_rss.py): for forge, without the git processes it starts.
measure() {
    local label=$1
    shift
    log "$label"
    PEAK_OUT="$BENCH_DIR/peak.txt" /usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.txt" \
        python3 "$REPO/benches/peak_rss.py" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" \
        || { cat "$BENCH_DIR/stderr.txt" >&2; die "$label failed"; }
    read -r secs kib <"$BENCH_DIR/time.txt"
    read -r own <"$BENCH_DIR/peak.txt"
    # A pipeline's own process is the shell: only its largest process says something.
    [ "$1" = bash ] && own=— || own=$((own / 1024))
    rows+=("| $label | $secs | $own | $((kib / 1024)) |")
}
bundle="$BENCH_DIR/dist/big-1.0.0.forge.tar.zst"
cd "$BENCH_DIR"
measure "\`tar -cf - base | zstd -3 -T0\`" \
    bash -c "tar -C '$app' -cf - base | zstd -3 -T0 -q -o '$BENCH_DIR/plain.tar.zst'"
measure "\`forge bundle build\`" \
    "$FORGE" -q -C "$app/forge.yaml" bundle build --version 1.0.0 --out "$BENCH_DIR/dist"
measure "\`zstd -d | tar -x\`" \
    bash -c "mkdir -p '$BENCH_DIR/untar' && zstd -d -c -q '$BENCH_DIR/plain.tar.zst' | tar -C '$BENCH_DIR/untar' -xf -"
measure "\`forge bundle verify\`" "$FORGE" -q bundle verify "$bundle"
measure "\`forge render dev --bundle B\`" \
    "$FORGE" -q -C "$app/forge.yaml" render dev --bundle "$bundle" --out "$BENCH_DIR/rendered"
if [ "$DEPLOY" = 1 ]; then
    measure "\`forge deploy dev --bundle B --no-wait\` (empty env)" \
        "$FORGE" -q -C "$app/forge.yaml" deploy dev --bundle "$bundle" --no-wait
    "$FORGE" -q -C "$app/forge.yaml" bundle build --version 1.0.1 --out "$BENCH_DIR/dist" >/dev/null
    measure "\`forge deploy dev --bundle B2 --no-wait\` (over B)" \
        "$FORGE" -q -C "$app/forge.yaml" deploy dev --bundle "$BENCH_DIR/dist/big-1.0.1.forge.tar.zst" --no-wait
    measure "\`forge rollback dev --no-wait\` (to B)" \
        "$FORGE" -q -C "$app/forge.yaml" rollback dev --no-wait
fi

echo "forge $FORGE_REV; source: $FILES random files of $FILE_MIB MiB ($unpacked MiB unpacked); $(nproc) cores"
echo
echo "| command | wall (s) | peak RSS of the command's process (MiB) | peak RSS of its largest process, git included (MiB) |"
echo "| --- | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
