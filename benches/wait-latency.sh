#!/usr/bin/env bash
# How fast forge notices that Flux applied a commit (watch, the real engine::wait path) against
# a flux-CLI-style 2 s poll loop, both against the in-process sandbox on loopback. Builds the
# `wait_latency` bench in release mode and prints a Markdown table for BENCHMARKS.md.
# Usage: bash benches/wait-latency.sh [--runs N] [--period-ms MS] [--concurrency N] [--seed S]
# (defaults: 100 runs each, 2000 ms, 20 poll loops at a time, seed 42). Takes about a minute.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
echo "forge $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benches || echo ' (modified)'), $(rustc --version), nproc $(nproc)" >&2
cargo bench --quiet --bench wait_latency -- "$@"
