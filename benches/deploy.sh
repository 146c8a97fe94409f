#!/usr/bin/env bash
# forge deploy --no-wait against the git CLI doing the same change, on an env repo of 50k files
# and 20k commits served by `git daemon` on loopback. Prints a Markdown table; numbers for
# BENCHMARKS.md. Usage: bash benches/deploy.sh [RUNS]
set -euo pipefail
runs=${1:-5}
repo_root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/forge-bench-envrepo}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/forge-bench-target}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

cargo build --release --quiet --manifest-path "$repo_root/Cargo.toml"
forge="$CARGO_TARGET_DIR/release/forge"
mkdir -p "$work"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
export FORGE_GIT_AUTHOR="Bench <bench@example.com>" SOURCE_DATE_EPOCH=1700000000

if [ ! -f "$work/envs.git/stamp" ]; then
  rm -rf "$work/envs.git"
  git init -q --bare -b main "$work/envs.git"
  python3 "$repo_root/benches/envrepo.py" 50000 20000 | git -C "$work/envs.git" fast-import --quiet
  git -C "$work/envs.git" config uploadpack.allowFilter true
  git -C "$work/envs.git" repack -adq
  touch "$work/envs.git/stamp"
fi
echo "env repo: $(git -C "$work/envs.git" ls-tree -r main | wc -l) files, $(git -C "$work/envs.git" rev-list --count main) commits, $(du -sh "$work/envs.git" | cut -f1)" >&2

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
git daemon --listen=127.0.0.1 --port="$port" --base-path="$work" --export-all --enable=receive-pack --reuseaddr "$work" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/envs.git" >/dev/null 2>&1 && break; sleep 0.1; done
url="git://127.0.0.1:$port/envs.git"

# The app being deployed: the sample app, pointed at this repo.
rm -rf "$work/app" && cp -r "$repo_root/fixtures/sample" "$work/app"
sed -i "s#file:///tmp/forge-sample-envs.git#$url#; /publicKey/d; /requireSignature/d" "$work/app/forge.yaml"
sed -i '/^signing:/d' "$work/app/forge.yaml"
rm -rf "$work/rendered" && "$forge" -q -C "$work/app/forge.yaml" render dev --version 0.0.1 --out "$work/rendered" >/dev/null

seconds() { python3 -c 'import sys,time; print(f"{time.time():.6f}")'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
version=0
measure() { # name, command...; prints median seconds and peak RSS (KiB)
  local name=$1; shift
  local times=() rss=0
  for i in $(seq "$runs"); do
    version=$((version + 1))
    export V="1.0.$version"
    local start end peak
    start=$(seconds)
    /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1
    peak=$(tail -1 "$work/rss")
    end=$(seconds)
    times+=("$(python3 -c "print($end-$start)")")
    [ "${peak:-0}" -gt "$rss" ] 2>/dev/null && rss=$peak
  done
  printf '%s\t%s\t%s\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" "$rss"
}

forge_cold() { rm -rf "$work/cache"; XDG_CACHE_HOME="$work/cache" "$forge" -q -C "$work/app/forge.yaml" deploy dev --version "$V" --no-wait; }
forge_warm() { XDG_CACHE_HOME="$work/cache-warm" "$forge" -q -C "$work/app/forge.yaml" deploy dev --version "$V" --no-wait; }
git_change() { # in a checkout: replace the env dir, commit, push
  rm -rf apps/hello/dev && mkdir -p apps/hello/dev && cp -r "$work/rendered/." apps/hello/dev/
  sed -i "s/0.0.1/$V/" apps/hello/dev/kustomization.yaml apps/hello/dev/release.json
  git add -A apps/hello/dev && git commit -qm "deploy hello $V to dev" && git push -q origin HEAD:main
}
git_shallow() {
  rm -rf "$work/clone" && git clone -q --depth 1 "$url" "$work/clone" && cd "$work/clone" && git_change
}
git_sparse() {
  rm -rf "$work/clone" && git clone -q --depth 1 --filter=blob:none --sparse "$url" "$work/clone" && cd "$work/clone" \
    && git sparse-checkout set apps/hello/dev && git_change
}
export -f forge_cold forge_warm git_change git_shallow git_sparse
export forge work url

XDG_CACHE_HOME="$work/cache-warm" "$forge" -q -C "$work/app/forge.yaml" deploy dev --version 0.9.0 --no-wait >/dev/null  # fill the warm cache
results=$(
  measure "forge deploy --no-wait, cold cache" bash -c forge_cold
  measure "forge deploy --no-wait, warm cache" bash -c forge_warm
  measure "git clone --depth 1 + commit + push" bash -c git_shallow
  measure "git clone --depth 1 --sparse --filter=blob:none + sparse-checkout + commit + push" bash -c git_sparse
)
echo
echo "| what | median seconds ($runs runs) | peak RSS (MiB) | vs forge cold | vs forge warm |"
echo "|---|---|---|---|---|"
cold=$(echo "$results" | sed -n 1p | cut -f2); warm=$(echo "$results" | sed -n 2p | cut -f2)
echo "$results" | while IFS=$'\t' read -r name secs rss; do
  printf '| %s | %.3f | %.1f | %.2fx | %.2fx |\n' "$name" "$secs" "$(python3 -c "print($rss/1024)")" \
    "$(python3 -c "print($secs/$cold)")" "$(python3 -c "print($secs/$warm)")"
done
