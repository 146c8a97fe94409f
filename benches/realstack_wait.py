#!/usr/bin/env python3
"""The deploy loop of benches/realstack-wait.sh (run that, not this; it sets up the stack).

For each round it deploys a fresh commit once per tool (the order rotates every round):

  flux   forge deploy --no-wait, then `flux reconcile kustomization K --with-source`
         and `kubectl rollout status deployment/web -n NS`
  kwait  forge deploy --no-wait, then `kubectl wait --for=condition=Ready
         kustomization/K -n flux-system` and `kubectl rollout status ...`
  forge  forge deploy (commits, pushes and waits)

A watcher (three `kubectl get -w -o json` processes: GitRepository, Kustomization,
Deployment, read by threads of this process, every event stamped with
time.monotonic() on receipt) records for every commit:

  t_fetched  GitRepository artifact revision == main@sha1:<commit>
  t_applied  Kustomization Ready=True with lastAppliedRevision == main@sha1:<commit>
             and observedGeneration == generation
  t_rolled   Deployment's pod template carries this deploy's tag, and it is rolled out
             the way `kubectl rollout status` judges it (observedGeneration >= generation,
             updated == spec.replicas == status.replicas == available)
  T0         the first event at which both hold (Ready-and-rolled-out)

P1 = tool exit - T0. wall = tool exit - start of the deploy command (forge deploy, or
forge deploy --no-wait for the baselines). A tool that exits before t_applied returned
on a stale Ready ("early"); the harness then annotates the GitRepository (what Flux's own
interval poll would do later) so the commit is applied and the next deploy starts clean.
"""

import csv
import json
import os
import subprocess
import sys
import threading
import time

APP = os.environ.get("BENCH_APP", "")
NS = os.environ.get("BENCH_NS", "")
KS = os.environ.get("BENCH_KS", "")
WORK = os.environ.get("BENCH_WORK", "")
FORGE = os.environ.get("BENCH_FORGE", "")
FLUX = os.environ.get("BENCH_FLUX", "")
KUBECTL = os.environ.get("BENCH_KUBECTL", "")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
CSV_PATH = os.environ.get("BENCH_CSV", "")
APPDIR = os.path.join(WORK, "app")
TOOLS = ["flux", "kwait", "forge"]
LABEL = {
    "flux": "(a) flux reconcile ks --with-source + kubectl rollout status",
    "kwait": "(b) kubectl wait --for=condition=Ready ks + kubectl rollout status",
    "forge": "(c) forge deploy (its own wait)",
}
TAG = "bench.forge.invalid/deploy"
now = time.monotonic


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- watcher -------------------------------------------------------------------------


class Watcher:
    def __init__(self):
        self.lock = threading.Condition()
        self.state = {}  # kind -> latest object
        self.first = {}  # (what, key) -> first monotonic time seen
        self.events = 0
        self.procs = []

    def start(self, kind, args):
        t = threading.Thread(target=self._run, args=(kind, args), daemon=True)
        t.start()

    def _run(self, kind, args):
        while True:
            p = subprocess.Popen([KUBECTL, "get", *args, "-w", "-o", "json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self.procs.append(p)
            buf, dec = "", json.JSONDecoder()
            fd = p.stdout.fileno()
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break
                t = now()
                buf += chunk.decode()
                while True:
                    s = buf.lstrip()
                    if not s:
                        buf = ""
                        break
                    try:
                        obj, end = dec.raw_decode(s)
                    except ValueError:
                        buf = s
                        break
                    buf = s[end:]
                    self._event(kind, obj, t)
            p.wait()
            time.sleep(0.2)  # watch ended (server timeout): start again

    def _event(self, kind, obj, t):
        with self.lock:
            self.events += 1
            self.state[kind] = obj
            marks = []
            gr = self.state.get("gitrepository")
            if gr:
                rev = (gr.get("status", {}).get("artifact") or {}).get("revision", "")
                if rev:
                    marks.append(("fetched", rev.rsplit(":", 1)[-1]))
            ks = self.state.get("kustomization")
            applied = None
            if ks:
                st = ks.get("status", {})
                if st.get("lastAttemptedRevision"):
                    marks.append(("attempted", st["lastAttemptedRevision"].rsplit(":", 1)[-1]))
                ready = [c for c in st.get("conditions", []) if c.get("type") == "Ready"]
                if (ready and ready[0].get("status") == "True"
                        and st.get("observedGeneration") == ks["metadata"].get("generation")
                        and st.get("lastAppliedRevision")):
                    applied = st["lastAppliedRevision"].rsplit(":", 1)[-1]
                    marks.append(("applied", applied))
            dep = self.state.get("deployment")
            rolled = None
            if dep:
                tag = (dep["spec"]["template"]["metadata"].get("annotations") or {}).get(TAG)
                st, want = dep.get("status", {}), dep["spec"].get("replicas", 1)
                if (tag and st.get("observedGeneration", 0) >= dep["metadata"]["generation"]
                        and st.get("updatedReplicas", 0) == want
                        and st.get("replicas", 0) == want
                        and st.get("availableReplicas", 0) == want):
                    rolled = tag
                    marks.append(("rolled", tag))
            if applied and rolled:
                marks.append(("both", f"{applied}/{rolled}"))
            for m in marks:
                self.first.setdefault(m, t)
            self.lock.notify_all()

    def when(self, what, key):
        with self.lock:
            return self.first.get((what, key))

    def wait_for(self, what, key, timeout):
        deadline = now() + timeout
        with self.lock:
            while (what, key) not in self.first:
                left = deadline - now()
                if left <= 0:
                    return None
                self.lock.wait(left)
            return self.first[(what, key)]

    def stop(self):
        for p in self.procs:
            p.kill()


# --- tools -----------------------------------------------------------------------------

ENV = dict(os.environ, FORGE_CONFIG=os.path.join(APPDIR, "forge.yaml"),
           XDG_CACHE_HOME=os.path.join(WORK, "cache"), HOME=os.path.join(WORK, "home"),
           FORGE_GIT_AUTHOR="forge bench <bench@forge.invalid>")
for v in ("FORGE_OUTPUT", "FORGE_LOG", "SOURCE_DATE_EPOCH"):
    ENV.pop(v, None)


def run(cmd, what):
    p = subprocess.run(cmd, cwd=APPDIR, env=ENV, capture_output=True, text=True)
    if p.returncode != 0:
        log(f"{what} exited {p.returncode}: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p


def write_base(tag):
    base = os.path.join(APPDIR, "base")
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, "deployment.yaml"), "w") as f:
        f.write(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
      annotations:
        {TAG}: "{tag}"
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: registry.k8s.io/pause:3.10
""")
    with open(os.path.join(base, "kustomization.yaml"), "w") as f:
        f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n  - deployment.yaml\n")


KUBECTL_WAIT = [KUBECTL, "wait", "--for=condition=Ready", f"kustomization/{KS}",
                "-n", "flux-system", "--timeout=5m"]
ROLLOUT = [KUBECTL, "rollout", "status", "deployment/web", "-n", NS, "--timeout=5m"]
FLUX_RECONCILE = [FLUX, "reconcile", "kustomization", KS, "-n", "flux-system",
                  "--with-source", "--timeout=5m"]


def commit_of(p):
    c = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    if len(c) != 40:
        raise SystemExit(f"forge printed no commit: {p.stdout!r} {p.stderr}")
    return c


def deploy(tool, version, tag):
    """One deploy with one tool; returns (commit, t_start, t_pushed, t_exit, codes)."""
    write_base(tag)
    t_start = now()
    if tool == "forge":
        p = run([FORGE, "deploy", "dev", "--version", version], "forge deploy")
        t_exit = now()
        return commit_of(p), t_start, None, t_exit, [p.returncode]
    p = run([FORGE, "deploy", "dev", "--no-wait", "--version", version], "forge deploy --no-wait")
    commit = commit_of(p)
    t_pushed = now()
    waiter = FLUX_RECONCILE if tool == "flux" else KUBECTL_WAIT
    w = run(waiter, tool)
    r = run(ROLLOUT, "kubectl rollout status")
    t_exit = now()
    return commit, t_start, t_pushed, t_exit, [p.returncode, w.returncode, r.returncode]


def nudge():
    ts = time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime())
    run([KUBECTL, "annotate", "--overwrite", "gitrepository", APP, "-n", "flux-system",
         f"reconcile.fluxcd.io/requestedAt=bench-{ts}-{time.time_ns()}"], "nudge")


def pct(xs, p):
    """Nearest-rank percentile."""
    xs = sorted(xs)
    k = max(1, -(-len(xs) * p // 100))
    return xs[int(k) - 1]


def main():
    os.makedirs(ENV["HOME"], exist_ok=True)
    # Warm-up (not measured): the Deployment must exist before its watch starts, and
    # every tool gets its caches (forge's env repo cache, kubectl/flux discovery) once.
    version = 0
    for tool in ["forge", "flux", "kwait"]:
        version += 1
        commit, *_ = deploy(tool, f"0.0.{version}", f"warmup-{tool}")
        nudge()
        deadline = now() + 120
        while now() < deadline:
            p = run([KUBECTL, "get", "kustomization", KS, "-n", "flux-system", "-o",
                     "jsonpath={.status.lastAppliedRevision}"], "get")
            if p.stdout.endswith(commit):
                break
            time.sleep(0.5)
        run(ROLLOUT, "warm-up rollout")
    w = Watcher()
    w.start("gitrepository", ["gitrepository", APP, "-n", "flux-system"])
    w.start("kustomization", ["kustomization", KS, "-n", "flux-system"])
    w.start("deployment", ["deployment", "web", "-n", NS])
    time.sleep(2)
    if not w.events:
        raise SystemExit("watcher saw nothing")
    rows = []
    fields = ["round", "tool", "version", "commit", "load1", "exit_codes", "p1_s", "wall_s",
              "push_s", "start", "pushed", "fetched", "applied", "rolled", "t0", "exit",
              "early_applied", "early_t0", "nudged"]
    out = open(CSV_PATH, "w", newline="")
    cw = csv.DictWriter(out, fieldnames=fields)
    cw.writeheader()
    base = now()
    for rnd in range(ROUNDS):
        order = TOOLS[rnd % 3:] + TOOLS[:rnd % 3]
        for tool in order:
            version += 1
            tag = f"{tool}-{rnd}"
            load1 = open("/proc/loadavg").read().split()[0]
            commit, t_start, t_pushed, t_exit, codes = deploy(tool, f"1.0.{version}", tag)
            applied_at = w.when("applied", commit)
            nudged = 0
            if applied_at is None:
                # Returned before Flux applied the commit: let Flux fetch it now (its own
                # interval poll would, up to spec.interval later) so the next deploy is clean.
                nudged = 1
                nudge()
            t0 = w.wait_for("both", f"{commit}/{tag}", 180)
            if t0 is None:
                raise SystemExit(f"{tool} round {rnd}: commit {commit} never Ready-and-rolled-out")
            row = {
                "round": rnd, "tool": tool, "version": f"1.0.{version}", "commit": commit,
                "load1": load1, "exit_codes": "/".join(map(str, codes)),
                "p1_s": f"{t_exit - t0:.4f}", "wall_s": f"{t_exit - t_start:.4f}",
                "push_s": f"{t_pushed - t_start:.4f}" if t_pushed else "",
                "nudged": nudged,
            }
            for k, v in [("start", t_start), ("pushed", t_pushed),
                         ("fetched", w.when("fetched", commit)), ("applied", w.when("applied", commit)),
                         ("rolled", w.when("rolled", tag)), ("t0", t0), ("exit", t_exit)]:
                row[k] = f"{v - base:.4f}" if v is not None else ""
            row["early_applied"] = int(t_exit < w.when("applied", commit))
            row["early_t0"] = int(t_exit < t0)
            rows.append(row)
            cw.writerow(row)
            out.flush()
            log(f"round {rnd:2} {tool:5} P1 {t_exit - t0:+8.3f} s  wall {t_exit - t_start:6.3f} s"
                f"  early={row['early_t0']} codes={row['exit_codes']} load {load1}")
            time.sleep(1)  # let the old pod finish terminating
    out.close()
    w.stop()
    report(rows)


def report(rows):
    print()
    print(f"| tool | n | P1 p50 (s) | P1 p99 (s) | P1 min–max (s) | wall p50 (s) | wall p99 (s) "
          f"| exit < applied | exit < T0 | exit < T0 − 0.1 s | nonzero exits |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    stats = {}
    for tool in TOOLS:
        rs = [r for r in rows if r["tool"] == tool]
        if not rs:
            continue
        p1 = [float(r["p1_s"]) for r in rs]
        wall = [float(r["wall_s"]) for r in rs]
        st = stats[tool] = dict(p50=pct(p1, 50), p99=pct(p1, 99), w50=pct(wall, 50), w99=pct(wall, 99))
        early_a = sum(r["early_applied"] for r in rs)
        early_t = sum(r["early_t0"] for r in rs)
        early_m = sum(1 for x in p1 if x < -0.1)
        bad = sum(1 for r in rs if set(r["exit_codes"].split("/")) != {"0"})
        print(f"| {LABEL[tool]} | {len(rs)} | {st['p50']:.3f} | {st['p99']:.3f} | {min(p1):.3f}–{max(p1):.3f} "
              f"| {st['w50']:.3f} | {st['w99']:.3f} | {early_a}/{len(rs)} | {early_t}/{len(rs)} "
              f"| {early_m}/{len(rs)} | {bad} |")
    if "forge" in stats:
        f = stats["forge"]
        print()
        for tool in ("flux", "kwait"):
            if tool not in stats:
                continue
            s = stats[tool]

            def ratio(a, b):
                return f"{a / b:.2f}×" if a > 0 and b > 0 else "n/a (≤ 0)"
            print(f"- {tool} / forge: P1 p50 {ratio(s['p50'], f['p50'])}, P1 p99 "
                  f"{ratio(s['p99'], f['p99'])}, wall p50 {ratio(s['w50'], f['w50'])}, "
                  f"wall p99 {ratio(s['w99'], f['w99'])}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--report":
        with open(sys.argv[2]) as f:
            rs = list(csv.DictReader(f))
        for r in rs:
            r["early_applied"], r["early_t0"] = int(r["early_applied"]), int(r["early_t0"])
        report(rs)
    else:
        main()
