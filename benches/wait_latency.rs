//! How fast forge notices that Flux applied a commit, against a 2-second poll loop.
//!
//! An in-process sandbox serves the Kubernetes API on loopback (no reconciler). Per run, a
//! Flux Kustomization is put "in progress" for a fresh commit X; a waiter follows it; then,
//! at a recorded instant, another thread flips its status to Ready for X through the store,
//! as the sandbox's Flux reconciler writes it (`lastAppliedRevision: main@sha1:X`,
//! `observedGeneration` = `generation`, `lastHandledReconcileAt` echoing the request). The
//! latency is from just before that write to the instant the waiter reports the commit
//! applied.
//!
//! - `forge`: the real `forge::engine::wait` (Flux engine): it reads and annotates the
//!   GitRepository and the Kustomization over HTTP, watches the Kustomization and judges
//!   it with `decide::flux::kustomization`; the instant is its `Applied` progress step.
//!   Runs are serial; the flip comes a random 100–600 ms after forge first reports
//!   `Waiting` (its watch has listed), so it lands on a steady watch.
//! - `watch`: the floor under that: `Cluster::watch` plus the same `decide` call on each
//!   event, without the engine's `follow` loop, reconcile requests or progress reporting.
//! - `poll`: what `flux reconcile` does: annotate, then GET at once and every 2 s
//!   (`wait.PollImmediate`), judging each GET with the same `decide` function. The flip lands
//!   at a uniformly random phase of the poll period. Loops run concurrently, each on its own
//!   Kustomization, staggered so their GETs do not overlap, to save wall time.
//!
//! `cargo bench --bench wait_latency -- [--runs N] [--period-ms MS] [--concurrency N] [--seed S]`

// A benchmark harness: a panic is its failure report, and it prints its figures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use forge::cluster::{Change, Cluster, KUSTOMIZATION, ObjectRef};
use forge::config::{ArgocdSettings, Engine, FluxSettings, SourceKind};
use forge::decide::{self, Verdict};
use forge::engine::{self, Lineage, Outcome, Pending, Relation, Reporter, Target};
use forge_sandbox::{Key, Part, Sandbox, Settings};
use futures::StreamExt;
use serde_json::{Value, json};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NAMESPACE: &str = "flux-system";
const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";
/// How long after the first poll's start a flip may come at the earliest (the first GET has
/// long answered by then); the flip's phase still spans one whole period.
const POLL_MARGIN: Duration = Duration::from_millis(50);

struct Args {
    runs: usize,
    period: Duration,
    concurrency: usize,
    seed: u64,
}

impl Args {
    fn parse() -> Args {
        let mut args = Args {
            runs: 100,
            period: Duration::from_secs(2),
            concurrency: 20,
            seed: 42,
        };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            let mut number = |name: &str| -> u64 {
                it.next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("{name} takes a number"))
            };
            match arg.as_str() {
                "--runs" => args.runs = number("--runs") as usize,
                "--period-ms" => args.period = Duration::from_millis(number("--period-ms")),
                "--concurrency" => args.concurrency = (number("--concurrency") as usize).max(1),
                "--seed" => args.seed = number("--seed"),
                // cargo bench passes --bench; libtest filters make no sense here.
                _ => {}
            }
        }
        args
    }
}

/// SplitMix64: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn commit(&mut self) -> String {
        format!(
            "{:016x}{:016x}{:08x}",
            self.next(),
            self.next(),
            self.next() as u32
        )
    }
}

fn key(name: &str) -> Key {
    Key {
        resource: "kustomizations.kustomize.toolkit.fluxcd.io".into(),
        namespace: NAMESPACE.into(),
        name: name.into(),
    }
}

fn condition(kind: &str, status: &str, reason: &str, message: &str) -> Value {
    let now = forge::time::rfc3339(forge::time::now_epoch());
    json!({"type": kind, "status": status, "reason": reason, "message": message, "lastTransitionTime": now})
}

/// Creates the GitRepository and a Kustomization as the sandbox's Flux would.
fn seed_objects(store: &Sandbox, names: &[String]) {
    let now = forge::time::rfc3339(forge::time::now_epoch());
    store.write(|store| {
        let source = Key {
            resource: "gitrepositories.source.toolkit.fluxcd.io".into(),
            namespace: NAMESPACE.into(),
            name: "flux-system".into(),
        };
        store.put(
            source,
            json!({
                "apiVersion": "source.toolkit.fluxcd.io/v1",
                "kind": "GitRepository",
                "spec": {"interval": "1m", "url": "https://example.invalid/env.git", "ref": {"branch": "main"}},
            }),
            &now,
        );
        for name in names {
            store.put(
                key(name),
                json!({
                    "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
                    "kind": "Kustomization",
                    "spec": {
                        "interval": "10m",
                        "path": format!("./apps/{name}"),
                        "prune": true,
                        "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
                    },
                }),
                &now,
            );
        }
    });
}

/// Writes `name`'s status as the sandbox's reconciler would: `status` builds it from the
/// object as it stands and the revision of `commit`.
fn write_status(
    store: &Sandbox,
    name: &str,
    commit: &str,
    status: impl FnOnce(&Value, &str) -> Value,
) {
    store.write(|store| {
        let key = key(name);
        let current = store.get(&key).expect("seeded").clone();
        let status = status(&current, &format!("main@sha1:{commit}"));
        store
            .patch(&key, &json!({"status": status}), Part::Status)
            .expect("patch status");
    });
}

/// Flux has fetched commit X and is applying it (Ready=Unknown, Reconciling=True).
fn in_progress(store: &Sandbox, name: &str, commit: &str, previous: &str) {
    write_status(store, name, commit, |current, revision| {
        json!({
            "observedGeneration": current["metadata"]["generation"],
            "lastAttemptedRevision": revision,
            "lastAppliedRevision": format!("main@sha1:{previous}"),
            "lastHandledReconcileAt": current.pointer("/status/lastHandledReconcileAt").cloned().unwrap_or(Value::Null),
            "conditions": [
                condition("Ready", "Unknown", "Progressing", "Reconciliation in progress"),
                condition("Reconciling", "True", "Progressing", &format!("Reconciliation in progress for revision {revision}")),
            ],
        })
    });
}

/// Flux applied commit X: the write the sandbox's reconciler makes. Returns the instant just
/// before the write.
fn flip(store: &Sandbox, name: &str, commit: &str) -> Instant {
    let started = Instant::now();
    write_status(store, name, commit, |current, revision| {
        json!({
            "observedGeneration": current["metadata"]["generation"],
            "lastAttemptedRevision": revision,
            "lastAppliedRevision": revision,
            "lastHandledReconcileAt": current["metadata"]["annotations"][REQUESTED_AT].clone(),
            "inventory": {"entries": []},
            "conditions": [condition("Ready", "True", "ReconciliationSucceeded", &format!("Applied revision: {revision}"))],
        })
    });
    started
}

/// No later revision shows up in this benchmark.
struct NoLineage;

impl Lineage for NoLineage {
    fn relation(&self, _revision: &str) -> Relation {
        Relation::Unrelated
    }
}

/// Stamps forge's progress steps: `Waiting` goes to the flipper, `Applied` is the result.
struct Stamps {
    waiting: Mutex<Option<mpsc::Sender<()>>>,
    applied: Mutex<Option<Instant>>,
}

impl Reporter for Stamps {
    fn step(&self, verb: &str, _what: &str) {
        let now = Instant::now();
        match verb {
            "Applied" => *self.applied.lock().unwrap() = Some(now),
            "Waiting" => {
                if let Some(tx) = self.waiting.lock().unwrap().take() {
                    let _ = tx.send(());
                }
            }
            _ => {}
        }
    }
}

async fn forge_runs(
    store: &Arc<Sandbox>,
    cluster: &Cluster,
    args: &Args,
    rng: &mut Rng,
) -> Vec<f64> {
    let name = "web-bench";
    let mut previous = rng.commit();
    let mut latencies = Vec::with_capacity(args.runs);
    for _ in 0..args.runs {
        let commit = rng.commit();
        in_progress(store, name, &commit, &previous);
        let delay = Duration::from_millis(100) + Duration::from_secs_f64(0.5 * rng.unit());
        let (tx, rx) = mpsc::channel();
        let stamps = Stamps {
            waiting: Mutex::new(Some(tx)),
            applied: Mutex::new(None),
        };
        let flipper = {
            let store = Arc::clone(store);
            let commit = commit.clone();
            std::thread::spawn(move || {
                rx.recv_timeout(Duration::from_secs(30))
                    .expect("forge reports Waiting");
                std::thread::sleep(delay);
                flip(&store, name, &commit)
            })
        };
        let target = Target {
            app: "web".into(),
            env: "bench".into(),
            commit: commit.clone(),
            engine: Engine::Flux,
            source: SourceKind::Kustomize,
            flux: FluxSettings::default(),
            argocd: ArgocdSettings::default(),
            argocd_api: None,
            crash: Default::default(),
            // The path seed_objects gives the Kustomization.
            dir: format!("apps/{name}"),
            repo_url: "https://example.invalid/env.git".into(),
            branch: "main".into(),
            namespace: name.into(),
        };
        let pending = Pending::default();
        let outcome = tokio::time::timeout(
            Duration::from_secs(30),
            engine::wait(cluster, &target, &NoLineage, &stamps, &pending),
        )
        .await
        .unwrap_or_else(|_| panic!("forge did not finish: {}", pending.get()))
        .expect("forge wait");
        let flipped = flipper.join().expect("flipper");
        let applied = stamps
            .applied
            .lock()
            .unwrap()
            .expect("forge reported Applied");
        assert!(
            matches!(outcome, Outcome::Healthy { .. }),
            "unexpected outcome {outcome:?}"
        );
        assert!(applied > flipped, "forge reported Applied before the flip");
        latencies.push(ms(applied - flipped));
        previous = commit;
    }
    latencies
}

/// The floor under the engine: `Cluster::watch` and `decide::flux::kustomization` alone,
/// judging every event as it arrives (what `follow` does, without the engine around it).
async fn watch_runs(
    store: &Arc<Sandbox>,
    cluster: &Cluster,
    args: &Args,
    rng: &mut Rng,
) -> Vec<f64> {
    let name = "web-watch";
    seed_objects(store, &[name.to_string()]);
    let object = ObjectRef {
        kind: KUSTOMIZATION,
        namespace: NAMESPACE.into(),
        name: name.into(),
    };
    let mut previous = rng.commit();
    let mut latencies = Vec::with_capacity(args.runs);
    for _ in 0..args.runs {
        let commit = rng.commit();
        in_progress(store, name, &commit, &previous);
        let token = forge::time::rfc3339_nanos(forge::time::now_precise());
        cluster
            .annotate(&object, &[(REQUESTED_AT, &token)])
            .await
            .expect("annotate");
        let mut changes = std::pin::pin!(cluster.watch(KUSTOMIZATION, NAMESPACE, Some(name)));
        let mut flipper = None;
        let seen = loop {
            match changes.next().await.expect("the watch goes on") {
                Change::Listed => {
                    let delay =
                        Duration::from_millis(100) + Duration::from_secs_f64(0.5 * rng.unit());
                    let store = Arc::clone(store);
                    let commit = commit.clone();
                    flipper = Some(std::thread::spawn(move || {
                        std::thread::sleep(delay);
                        flip(&store, name, &commit)
                    }));
                }
                Change::Applied(object) => {
                    if let Verdict::Done =
                        decide::flux::kustomization(&object, &commit, Some(&token))
                    {
                        break Instant::now();
                    }
                }
                _ => {}
            }
        };
        let flipped = flipper.expect("listed").join().expect("flipper");
        assert!(seen > flipped, "the watch saw Ready before the flip");
        latencies.push(ms(seen - flipped));
        previous = commit;
    }
    latencies
}

/// One `flux reconcile`-style wait: annotate, then GET at once and every period.
async fn poll_loop(
    cluster: &Cluster,
    object: &ObjectRef,
    commit: &str,
    token: &str,
    start: Instant,
    period: Duration,
) -> Instant {
    cluster
        .annotate(object, &[(REQUESTED_AT, token)])
        .await
        .expect("annotate");
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::from_std(start), period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let object = cluster.get(object).await.expect("get").expect("exists");
        if let Verdict::Done = decide::flux::kustomization(&object, commit, Some(token)) {
            return Instant::now();
        }
    }
}

async fn poll_runs(
    store: &Arc<Sandbox>,
    cluster: &Cluster,
    args: &Args,
    rng: &mut Rng,
) -> Vec<f64> {
    let width = args.concurrency.min(args.runs);
    let names: Vec<String> = (0..width).map(|j| format!("web-poll-{j}")).collect();
    seed_objects(store, &names);
    let mut previous: Vec<String> = names.iter().map(|_| rng.commit()).collect();
    let mut latencies = Vec::with_capacity(args.runs);
    let stagger = args.period / width as u32;
    while latencies.len() < args.runs {
        let batch = width.min(args.runs - latencies.len());
        let begin = Instant::now() + Duration::from_millis(100);
        let mut plan = Vec::new();
        for (j, name) in names.iter().enumerate().take(batch) {
            let commit = rng.commit();
            in_progress(store, name, &commit, &previous[j]);
            let start = begin + stagger * j as u32;
            let flip_at = start + POLL_MARGIN + args.period.mul_f64(rng.unit());
            plan.push((j, name.clone(), commit, start, flip_at));
        }
        let flipper = {
            let store = Arc::clone(store);
            let mut schedule: Vec<(usize, String, String, Instant)> = plan
                .iter()
                .map(|(j, name, commit, _, at)| (*j, name.clone(), commit.clone(), *at))
                .collect();
            schedule.sort_by_key(|s| s.3);
            std::thread::spawn(move || {
                let mut flipped = vec![None; schedule.len()];
                for (j, name, commit, at) in schedule {
                    std::thread::sleep(at.saturating_duration_since(Instant::now()));
                    flipped[j] = Some(flip(&store, &name, &commit));
                }
                flipped
            })
        };
        let token = forge::time::rfc3339_nanos(forge::time::now_precise());
        let loops = plan.iter().map(|(_, name, commit, start, _)| {
            let object = ObjectRef {
                kind: KUSTOMIZATION,
                namespace: NAMESPACE.into(),
                name: name.clone(),
            };
            let token = token.clone();
            async move { poll_loop(cluster, &object, commit, &token, *start, args.period).await }
        });
        let seen = futures::future::join_all(loops).await;
        let flipped = flipper.join().expect("flipper");
        for ((j, _, commit, _, _), seen) in plan.iter().zip(seen) {
            let flipped = flipped[*j].expect("flipped");
            assert!(seen > flipped, "the poll loop saw Ready before the flip");
            latencies.push(ms(seen - flipped));
            previous[*j] = commit.clone();
        }
    }
    latencies
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

struct Summary {
    min: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

fn summarize(mut samples: Vec<f64>) -> Summary {
    samples.sort_by(f64::total_cmp);
    Summary {
        min: samples[0],
        p50: percentile(&samples, 50.0),
        p90: percentile(&samples, 90.0),
        p99: percentile(&samples, 99.0),
        max: samples[samples.len() - 1],
        mean: samples.iter().sum::<f64>() / samples.len() as f64,
    }
}

fn main() {
    let args = Args::parse();
    // KUBECONFIG is set before any thread starts; the file is written once the port is known.
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    // SAFETY: no other thread exists yet.
    unsafe { std::env::set_var("KUBECONFIG", &kubeconfig) };
    let sandbox = Sandbox::start(0, Settings::default()).expect("sandbox");
    std::fs::write(&kubeconfig, sandbox.kubeconfig()).expect("write kubeconfig");
    let store = Arc::new(sandbox);
    seed_objects(&store, &["web-bench".to_string()]);
    let mut rng = Rng(args.seed);

    // forge's own runtime shape: one thread (`ship::wait::block_on`).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (forge, watch, poll) = runtime.block_on(async {
        let cluster = Cluster::connect(None).await.expect("connect");
        let forge = forge_runs(&store, &cluster, &args, &mut rng).await;
        let watch = watch_runs(&store, &cluster, &args, &mut rng).await;
        let poll = poll_runs(&store, &cluster, &args, &mut rng).await;
        (forge, watch, poll)
    });
    let (forge, watch, poll) = (summarize(forge), summarize(watch), summarize(poll));

    println!(
        "wait latency: flip to Ready -> waiter reports it ({} runs each, seed {}, {} CPUs)",
        args.runs,
        args.seed,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!("| waiter | min | p50 | p90 | p99 | max | mean |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let row = |label: &str, s: &Summary| {
        println!(
            "| {label} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            s.min, s.p50, s.p90, s.p99, s.max, s.mean
        );
    };
    row("forge (engine::wait, watch)", &forge);
    row("Cluster::watch + decide, no engine", &watch);
    row(
        &format!("poll every {} ms (GET + decide)", args.period.as_millis()),
        &poll,
    );
    println!();
    println!(
        "poll / forge: p50 {:.0}x, p99 {:.0}x",
        poll.p50 / forge.p50,
        poll.p99 / forge.p99
    );
}
