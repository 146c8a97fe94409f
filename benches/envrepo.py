#!/usr/bin/env python3
"""Writes a git fast-import stream for a large environment repo: FILES files spread over
apps/app-NNN/{dev,staging,prod}/, then COMMITS-1 more commits that each change one file.
Deterministic (fixed dates and contents). Usage: envrepo.py FILES COMMITS | git fast-import"""
import sys

files, commits = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
paths = []
for i in range(files):
    app, rest = divmod(i, 150)
    env = ("dev", "staging", "prod")[rest % 3]
    paths.append(f"apps/app-{app:03d}/{env}/manifest-{rest:03d}.yaml")


def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")


def commit(n, changes):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1_600_000_000 + n))
    data(f"change {n}\n")
    # Later commits continue the branch: fast-import keeps its tip.
    for path, text in changes:
        out.write(f"M 100644 inline {path}\n".encode())
        data(text)


def manifest(path, revision):
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {path.replace('/', '-')[:60]}\ndata:\n  revision: \"{revision}\"\n"


commit(0, [(p, manifest(p, 0)) for p in paths])
for n in range(1, commits):
    path = paths[(n * 7919) % files]
    commit(n, [(path, manifest(path, n))])
