#!/usr/bin/env bash
# Benchmark: `forge bundle build` against the tools a user would otherwise reach for,
# `tar | zstd -3 -T0` and its reproducible form (sorted names, fixed mtime and owner).
#
#   bash benches/bundle-build.sh
#
# Knobs (environment):
#   CARGO_TARGET_DIR  release build dir, outside the repo so it does not fight other builds
#                     [/tmp/forge-bench-target]
#   BENCH_DIR         where the generated source tree and the outputs live [/tmp/forge-bench]
#   SIZE_MIB          size of the generated source tree [200]
#   RUNS              timed runs per command, after one warm-up [5]
#   SEED              generator seed; the same seed gives the same tree, byte for byte [42]
#   COLD=1            also time every command with the page cache dropped before each run
#                     (root only; evicts the cache machine-wide, so off by default)
#   NO_HYPERFINE=1    time with the bash-loop fallback even when hyperfine is installed
#   BENCH_REF=REF     benchmark that commit (built from a `git archive` snapshot) instead of
#                     the work tree
#
# Prints a Markdown table to stdout; progress goes to stderr. Timings are only ever
# printed here: nothing in the test suite depends on them.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/forge-bench-target}"
BENCH_DIR="${BENCH_DIR:-/tmp/forge-bench}"
SIZE_MIB="${SIZE_MIB:-200}"
RUNS="${RUNS:-5}"
SEED="${SEED:-42}"
export SOURCE_DATE_EPOCH=1700000000
VERSION=1.0.0

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

for tool in cargo git tar zstd python3 sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

# ---------------------------------------------------------------------------------------
# Optional tools: hyperfine for timing, GNU time for peak RSS. Installed with apt when we
# are root and they are missing; the script falls back to a bash loop / no RSS otherwise.
# ---------------------------------------------------------------------------------------
missing=()
HAVE_HYPERFINE() { [ "${NO_HYPERFINE:-0}" != 1 ] && command -v hyperfine >/dev/null; }
[ "${NO_HYPERFINE:-0}" = 1 ] || command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
        >&2 || log "apt-get failed; falling back where needed"
fi

# ---------------------------------------------------------------------------------------
# Build forge (release).
# ---------------------------------------------------------------------------------------
# BENCH_REF=<commit-ish> builds that commit from a `git archive` snapshot, so the figures
# belong to exactly one commit; by default the work tree is built, and flagged if dirty.
if [ -n "${BENCH_REF:-}" ]; then
    FORGE_REV=$(git -C "$REPO" rev-parse --short "$BENCH_REF^{commit}")
    BUILD_SRC="$BENCH_DIR/forge-src-$FORGE_REV"
    if [ ! -f "$BUILD_SRC/Cargo.toml" ]; then
        rm -rf "$BUILD_SRC"
        mkdir -p "$BUILD_SRC"
        git -C "$REPO" archive "$FORGE_REV" | tar -x -C "$BUILD_SRC"
    fi
else
    BUILD_SRC="$REPO"
    FORGE_REV=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ -n "$(git -C "$REPO" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
        FORGE_REV+=" + uncommitted changes"
    fi
fi
log "building forge $FORGE_REV (release) in $CARGO_TARGET_DIR"
cargo build --release --locked --quiet --manifest-path "$BUILD_SRC/Cargo.toml" >&2
FORGE="$CARGO_TARGET_DIR/release/forge"
[ -x "$FORGE" ] || die "no binary at $FORGE"

# ---------------------------------------------------------------------------------------
# Generate the source tree: deterministic, reused when its stamp matches.
# ---------------------------------------------------------------------------------------
GEN="$BENCH_DIR/gen.py"
mkdir -p "$BENCH_DIR"
cat >"$GEN" <<'PY'
"""Deterministic kustomize-like source tree: ~80% (by bytes) YAML-ish text in files of
log-normally varying sizes, ~20% incompressible binary blobs, nested directories."""
import os
import random
import sys

root, total_mib, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
total = total_mib * 1024 * 1024
text_target = total * 80 // 100
blob_target = total - text_target

WORDS = ("api web worker cache queue billing search auth gateway ledger notify report "
         "ingest export profile session inventory pricing catalog media thumbnail "
         "scheduler audit metrics tracing config secrets payments orders users").split()
KINDS = ["Deployment", "Service", "ConfigMap", "Ingress", "HorizontalPodAutoscaler",
         "ServiceAccount", "Role", "RoleBinding", "CronJob", "PodDisruptionBudget"]
ENV = ["LOG_LEVEL", "DATABASE_URL", "REDIS_HOST", "FEATURE_FLAGS", "OTEL_ENDPOINT",
       "TIMEOUT_MS", "MAX_CONNECTIONS", "REGION", "CACHE_TTL", "QUEUE_NAME"]


def hexs(n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def name():
    return "-".join(rng.sample(WORDS, rng.randint(1, 3)))


def document(kind):
    n = name()
    lines = [
        "---",
        "apiVersion: %s" % ("apps/v1" if kind in ("Deployment",) else "v1"),
        "kind: %s" % kind,
        "metadata:",
        "  name: %s" % n,
        "  namespace: %s" % rng.choice(WORDS),
        "  labels:",
        "    app.kubernetes.io/name: %s" % n,
        "    app.kubernetes.io/part-of: %s" % rng.choice(WORDS),
        "    app.kubernetes.io/version: \"%d.%d.%d\"" % (rng.randint(0, 9), rng.randint(0, 40), rng.randint(0, 99)),
        "  annotations:",
        "    checksum/config: %s" % hexs(64),
    ]
    if kind == "ConfigMap":
        lines.append("data:")
        for _ in range(rng.randint(5, 60)):
            key = "%s.%s" % (rng.choice(WORDS), rng.choice(WORDS))
            lines.append("  %s: \"%s-%d\"" % (key, rng.choice(WORDS), rng.randint(0, 100000)))
    else:
        lines += [
            "spec:",
            "  replicas: %d" % rng.randint(1, 12),
            "  selector:",
            "    matchLabels:",
            "      app.kubernetes.io/name: %s" % n,
            "  template:",
            "    spec:",
            "      containers:",
        ]
        for _ in range(rng.randint(1, 3)):
            c = rng.choice(WORDS)
            lines += [
                "        - name: %s" % c,
                "          image: ghcr.io/acme/%s@sha256:%s" % (c, hexs(64)),
                "          ports:",
                "            - containerPort: %d" % rng.choice((80, 443, 8080, 9090, 3000)),
                "          resources:",
                "            requests: {cpu: %dm, memory: %dMi}" % (rng.randint(50, 2000), rng.randint(64, 4096)),
                "            limits: {cpu: %dm, memory: %dMi}" % (rng.randint(100, 4000), rng.randint(128, 8192)),
                "          env:",
            ]
            for var in rng.sample(ENV, rng.randint(2, len(ENV))):
                lines += ["            - name: %s" % var,
                          "              value: \"%s\"" % rng.choice((rng.choice(WORDS), str(rng.randint(0, 65535)), hexs(16)))]
    return "\n".join(lines) + "\n"


def text_file(size):
    parts, have = [], 0
    while have < size:
        doc = document(rng.choice(KINDS))
        parts.append(doc)
        have += len(doc)
    return "".join(parts).encode()[:size]


# Sizes: log-normal around a few KiB for text (median ~8 KiB), a few hundred KiB for blobs.
def sizes(target, mu, sigma, lo, hi):
    out, have = [], 0
    while have < target:
        s = max(lo, min(hi, int(rng.lognormvariate(mu, sigma))))
        s = min(s, target - have) if target - have >= lo else s
        out.append(s)
        have += s
    return out


text_sizes = sizes(text_target, 9.0, 1.3, 200, 4 * 1024 * 1024)
blob_sizes = sizes(blob_target, 11.5, 1.0, 4096, 8 * 1024 * 1024)

dirs = ["."]
for _ in range(300):
    parent = rng.choice(dirs)
    depth = parent.count("/")
    if depth < 4:
        dirs.append("%s/%s" % (parent, rng.choice(WORDS) + "-" + hexs(3)))
for d in dirs:
    os.makedirs(os.path.join(root, d), exist_ok=True)

resources = []
for i, size in enumerate(text_sizes):
    d = rng.choice(dirs)
    rel = os.path.normpath("%s/%s-%05d.yaml" % (d, rng.choice(WORDS), i))
    with open(os.path.join(root, rel), "wb") as f:
        f.write(text_file(size))
    if d == ".":
        resources.append(rel)
for i, size in enumerate(blob_sizes):
    rel = os.path.normpath("%s/%s-%04d.bin" % (rng.choice(dirs), rng.choice(WORDS), i))
    with open(os.path.join(root, rel), "wb") as f:
        f.write(rng.randbytes(size))

with open(os.path.join(root, "kustomization.yaml"), "w") as f:
    f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
    for r in sorted(resources):
        f.write("  - %s\n" % r)
print("%d text files, %d blobs, %d dirs" % (len(text_sizes), len(blob_sizes), len(dirs)), file=sys.stderr)
PY

WORK="$BENCH_DIR/tree-${SIZE_MIB}mib-seed${SEED}"
SRC="$WORK/src"
STAMP="$WORK/.stamp"
want_stamp="$(sha256sum "$GEN" | cut -c1-16) size=$SIZE_MIB seed=$SEED"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ]; then
    log "reusing source tree $SRC"
else
    log "generating ${SIZE_MIB} MiB source tree in $SRC (seed $SEED)"
    rm -rf "$WORK"
    mkdir -p "$SRC"
    python3 "$GEN" "$SRC" "$SIZE_MIB" "$SEED"
    echo "$want_stamp" >"$STAMP"
fi
cat >"$WORK/forge.yaml" <<EOF
app: bench
source:
  kind: kustomize
  path: src
envRepo:
  url: file:///tmp/none.git
environments:
  - name: dev
EOF

tree_files=$(find "$SRC" -type f | wc -l)
tree_bytes=$(find "$SRC" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
bin_bytes=$(find "$SRC" -type f -name '*.bin' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
tree_digest=$(cd "$SRC" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
log "tree: $tree_files files, $tree_bytes bytes ($bin_bytes in binary blobs), digest $tree_digest"

OUT="$BENCH_DIR/out"
rm -rf "$OUT"
mkdir -p "$OUT/forge" "$OUT/forge2"
FORGE_OUT="$OUT/forge/bench-$VERSION.forge.tar.zst"
TAR_OUT="$OUT/plain.tar.zst"
REPRO_OUT="$OUT/repro.tar.zst"

CMD_FORGE="'$FORGE' -C '$WORK/forge.yaml' bundle build --version $VERSION --out '$OUT/forge' >/dev/null 2>&1"
CMD_TAR="tar -cf - -C '$SRC' . | zstd -3 -T0 -q -f -o '$TAR_OUT'"
CMD_REPRO="tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - -C '$SRC' . | zstd -3 -T0 -q -f -o '$REPRO_OUT'"
NAMES=("forge bundle build" "tar | zstd -3 -T0" "tar --sort=name ... | zstd -3 -T0 (reproducible)")
CMDS=("$CMD_FORGE" "$CMD_TAR" "$CMD_REPRO")

# Fail early, with output, if forge cannot build this tree at all.
"$FORGE" -C "$WORK/forge.yaml" bundle build --version "$VERSION" --out "$OUT/forge" >/dev/null

# ---------------------------------------------------------------------------------------
# Timing: hyperfine when present, else a bash loop. `time_all PREFIX WARMUP PREPARE` sets
# PREFIX_0..2 to "mean median stddev min max" (seconds) for the three commands.
# ---------------------------------------------------------------------------------------
if HAVE_HYPERFINE; then
    TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
else
    TIMER="bash loop (date +%s.%N)"
fi

time_all() {
    local prefix=$1 warmup=$2 prepare=$3 i
    if HAVE_HYPERFINE; then
        log "timing with hyperfine ($prefix): $warmup warm-up + $RUNS runs each"
        local args=(--warmup "$warmup" --runs "$RUNS" --shell=bash --style basic
            --export-json "$OUT/hyperfine-$prefix.json")
        [ -n "$prepare" ] && args+=(--prepare "$prepare")
        for i in 0 1 2; do args+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
        hyperfine "${args[@]}" >&2
        i=0
        while read -r line; do
            printf -v "${prefix}_$i" '%s' "$line"
            i=$((i + 1))
        done < <(python3 - "$OUT/hyperfine-$prefix.json" <<'PY2'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%.3f %.3f %.3f %.3f %.3f" % (r["mean"], r["median"], r["stddev"] or 0, r["min"], r["max"]))
PY2
        )
    else
        log "hyperfine not used; timing with a bash loop ($prefix): $warmup warm-up + $RUNS runs each"
        local times t0 t1 w
        for i in 0 1 2; do
            for ((w = 0; w < warmup; w++)); do bash -c "${CMDS[$i]}"; done
            times=()
            for _ in $(seq "$RUNS"); do
                [ -n "$prepare" ] && bash -c "$prepare"
                t0=$(date +%s.%N)
                bash -c "${CMDS[$i]}"
                t1=$(date +%s.%N)
                times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')")
            done
            printf -v "${prefix}_$i" '%s' "$(printf '%s\n' "${times[@]}" | sort -g | awk '
                {v[NR]=$1; s+=$1} END {
                    m=s/NR; for (i=1;i<=NR;i++) d+=(v[i]-m)^2
                    med = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2
                    printf "%.3f %.3f %.3f %.3f %.3f", m, med, (NR>1 ? sqrt(d/(NR-1)) : 0), v[1], v[NR]}')"
        done
    fi
}

# Anything else on the CPUs skews every figure. Note how busy the machine was just before,
# and, for each pass, how much CPU time processes other than ours used while it ran:
# all non-idle CPU time (/proc/stat) minus the CPU time of this script's children (`times`).
busy_jiffies() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }  # user nice system irq softirq
# `times` must run in this shell (a subshell has no children of its own yet), so it goes
# through a file.
children_secs() { awk 'NR == 2 {for (i = 1; i <= 2; i++) {split($i, t, /[ms]/); s += t[1] * 60 + t[2]}} END {printf "%.2f", s}' "$OUT/.times"; }
busy_pct() {
    local a b c d e f g h t1 i1 t2 i2
    read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
    sleep 2
    read -r _ a b c d e f g h _ </proc/stat; t2=$((a + b + c + d + e + f + g + h)); i2=$((d + e))
    echo $((100 - 100 * (i2 - i1) / (t2 - t1)))
}
HZ=$(getconf CLK_TCK)
measured() { # prefix warmup prepare: time_all, then record how much CPU others used meanwhile
    local j0 c0 w0 j1 c1 w1
    times >"$OUT/.times"; j0=$(busy_jiffies); c0=$(children_secs); w0=$(date +%s.%N)
    time_all "$@"
    j1=$(busy_jiffies); times >"$OUT/.times"; c1=$(children_secs); w1=$(date +%s.%N)
    printf -v "OTHERS_$1" '%s' "$(awk -v j="$((j1 - j0))" -v hz="$HZ" -v c="$(awk -v a="$c0" -v b="$c1" 'BEGIN {print b - a}')" \
        -v w="$(awk -v a="$w0" -v b="$w1" 'BEGIN {print b - a}')" -v n="$(nproc)" \
        'BEGIN {o = j / hz - c; if (o < 0) o = 0; printf "%.1f s of CPU (%.0f%% of %.0f s × %d cores)", o, 100 * o / (w * n), w, n}')"
    local var="OTHERS_$1"
    log "other processes used ${!var} during the $1 pass"
}
BUSY=$(busy_pct)
[ "$BUSY" -le 5 ] || log "warning: the CPUs were ${BUSY}% busy before timing; figures will be skewed"

measured warm 1 ""

# Opt-in (COLD=1, root only): the same commands with the page cache dropped before every
# run. It evicts the cache machine-wide, so it is never the default.
COLD_DONE=no
if [ "${COLD:-0}" = 1 ]; then
    if [ -w /proc/sys/vm/drop_caches ]; then
        measured cold 0 "sync; echo 3 > /proc/sys/vm/drop_caches"
        COLD_DONE=yes
    else
        log "COLD=1 but /proc/sys/vm/drop_caches is not writable; skipping the cold-cache pass"
    fi
fi

# ---------------------------------------------------------------------------------------
# Determinism: two forge builds into different dirs must be byte-identical.
# ---------------------------------------------------------------------------------------
"$FORGE" -C "$WORK/forge.yaml" bundle build --version "$VERSION" --out "$OUT/forge2" >/dev/null 2>&1
sha_a=$(sha256sum "$FORGE_OUT" | cut -d' ' -f1)
sha_b=$(sha256sum "$OUT/forge2/bench-$VERSION.forge.tar.zst" | cut -d' ' -f1)
if [ "$sha_a" = "$sha_b" ]; then identical="yes"; else identical="NO"; fi
log "forge determinism: $sha_a vs $sha_b -> identical: $identical"

# ---------------------------------------------------------------------------------------
# Peak RSS (GNU time -v), one run each.
# ---------------------------------------------------------------------------------------
rss() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v bash -c "$1" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}'
    else
        echo "n/a"
    fi
}
RSS=("$(rss "${CMDS[0]}")" "$(rss "${CMDS[1]}")" "$(rss "${CMDS[2]}")")
SIZES=("$(stat -c %s "$FORGE_OUT")" "$(stat -c %s "$TAR_OUT")" "$(stat -c %s "$REPRO_OUT")")

# ---------------------------------------------------------------------------------------
# Report.
# ---------------------------------------------------------------------------------------
field() { echo "$1" | cut -d' ' -f"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

echo "Source tree: $tree_files files, $(mib "$tree_bytes") MiB ($(mib "$bin_bytes") MiB incompressible blobs), seed $SEED, tree digest $tree_digest"
echo "Timer: $TIMER, $RUNS runs per command; $(nproc) cores; CPUs ${BUSY}% busy just before timing; forge $FORGE_REV"
echo
# Table labels: a literal | would split a Markdown cell.
LABELS=("\`forge bundle build\`" "\`tar -cf - \\| zstd -3 -T0\`" "\`tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - \\| zstd -3 -T0\`")
echo "| command | cache | mean (s) | median (s) | stddev (s) | min–max (s) | output (MiB) | output / input | peak RSS (MiB) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
row() { # index prefix cache-label
    local var="$2_$1"
    local s="${!var}"
    printf '| %s | %s | %s | %s | %s | %s–%s | %s | %s | %s |\n' "${LABELS[$1]}" "$3" \
        "$(field "$s" 1)" "$(field "$s" 2)" "$(field "$s" 3)" "$(field "$s" 4)" "$(field "$s" 5)" \
        "$(mib "${SIZES[$1]}")" "$(ratio "${SIZES[$1]}" "$tree_bytes")" "${RSS[$1]}"
}
for i in 0 1 2; do row "$i" warm "warm (1 warm-up)"; done
if [ "$COLD_DONE" = yes ]; then
    for i in 0 1 2; do row "$i" cold "cold (dropped before each run)"; done
fi
echo
ratios() { # prefix label
    local fv="$1_0" tv="$1_1" rv="$1_2"
    local f="${!fv}" t="${!tv}" r="${!rv}"
    echo "- $2: forge / (tar | zstd) = **$(ratio "$(field "$f" 1)" "$(field "$t" 1)")×** by mean, $(ratio "$(field "$f" 2)" "$(field "$t" 2)")× by median; forge / (reproducible tar | zstd) = $(ratio "$(field "$f" 1)" "$(field "$r" 1)")× by mean, $(ratio "$(field "$f" 2)" "$(field "$r" 2)")× by median"
}
ratios warm "Warm cache"
if [ "$COLD_DONE" = yes ]; then ratios cold "Cold cache"; fi
line="- CPU used by other processes while timing (should be near 0): warm pass $OTHERS_warm"
if [ "$COLD_DONE" = yes ]; then line+="; cold pass $OTHERS_cold"; fi
echo "$line"
echo "- Two forge builds byte-identical: **$identical** (sha256 \`$sha_a\`)"
