//! Samples a namespace while a release runs: which Deployments are ready, how many pods serve,
//! and which images each Service sends traffic to. Shared by the sandbox's tests and the real
//! stack's, so both judge the same way.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

/// What one look at the namespace saw.
pub struct Sample {
    /// Each Deployment's name and ready replicas.
    pub deployments: Vec<(String, i64)>,
    /// Ready pods not being deleted (a deleted pod leaves its Service's endpoints at once).
    pub serving: usize,
    /// Per Service, the image of each serving pod its selector picks.
    pub behind: BTreeMap<String, Vec<String>>,
    /// Every pod's name and image, whatever its state.
    pub pods: Vec<(String, String)>,
}

/// The image of a pod's first container.
fn image(pod: &Value) -> String {
    let image = &pod["spec"]["containers"][0]["image"];
    image.as_str().unwrap_or("?").to_string()
}

/// A ready pod not being deleted: one its Service sends traffic to.
pub fn is_serving(pod: &Value) -> bool {
    pod["metadata"]["deletionTimestamp"].is_null()
        && pod["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn sample(kubectl: &Path, kubeconfig: &Path, namespace: &str) -> Option<Sample> {
    let output = Command::new(kubectl)
        .args([
            "get",
            "deployments,pods,services",
            "-n",
            namespace,
            "-o",
            "json",
        ])
        .env("KUBECONFIG", kubeconfig)
        .output()
        .ok()?;
    let list: Value = serde_json::from_slice(&output.stdout).ok()?;
    let items = list["items"].as_array()?;
    let deployments = items
        .iter()
        .filter(|item| item["kind"] == "Deployment")
        .map(|d| {
            let name = d["metadata"]["name"].as_str().unwrap_or("?").to_string();
            (name, d["status"]["readyReplicas"].as_i64().unwrap_or(0))
        })
        .collect();
    let pods: Vec<&Value> = items.iter().filter(|item| item["kind"] == "Pod").collect();
    let serving: Vec<&Value> = pods.iter().copied().filter(|pod| is_serving(pod)).collect();
    let behind = items
        .iter()
        .filter(|item| item["kind"] == "Service")
        .filter_map(|service| {
            let selector = service["spec"]["selector"].as_object()?;
            let images = serving
                .iter()
                .filter(|pod| {
                    selector
                        .iter()
                        .all(|(key, value)| pod["metadata"]["labels"][key] == *value)
                })
                .map(|pod| image(pod))
                .collect();
            Some((service["metadata"]["name"].as_str()?.to_string(), images))
        })
        .collect();
    let serving = serving.len();
    let pods = pods
        .iter()
        .map(|pod| {
            let name = pod["metadata"]["name"].as_str().unwrap_or("?").to_string();
            (name, image(pod))
        })
        .collect();
    Some(Sample {
        deployments,
        serving,
        behind,
        pods,
    })
}

/// Runs `release` while sampling `namespace` every 50 ms; returns its result and the samples,
/// the last one taken after the release returned.
pub fn sampled<R>(
    kubectl: &Path,
    kubeconfig: &Path,
    namespace: &str,
    release: impl FnOnce() -> R,
) -> (R, Vec<Sample>) {
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut samples = Vec::new();
            while !done.load(Ordering::SeqCst) {
                samples.extend(sample(kubectl, kubeconfig, namespace));
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            samples
        });
        let result = release();
        done.store(true, Ordering::SeqCst);
        let mut samples = watcher.join().unwrap();
        // One more look once the release has returned: a look still in flight when it
        // returned may have been taken before the release's own last observation.
        samples.extend(sample(kubectl, kubeconfig, namespace));
        (result, samples)
    })
}

/// The fewest pods serving through a canary's final switch: from the first sample where the
/// canary Deployment runs `replicas` ready pods alone at 100%, to the end.
pub fn fewest_serving_through_the_final_switch(
    samples: &[Sample],
    canary: &str,
    replicas: i64,
) -> (usize, usize) {
    let start = samples
        .iter()
        .position(|s| {
            s.deployments
                .iter()
                .any(|(name, ready)| name == canary && *ready == replicas)
        })
        .unwrap_or_else(|| panic!("{canary} never had {replicas} ready pods"));
    let switch = &samples[start..];
    let fewest = switch.iter().map(|s| s.serving).min().unwrap_or(0);
    (fewest, switch.len())
}

/// Through a blue-green release: once `service` first sends traffic to `new_image`, it never
/// again sends any to another image, and always to at least `replicas` pods. Returns how many
/// samples that covered.
pub fn assert_no_way_back(
    samples: &[Sample],
    service: &str,
    new_image: &str,
    replicas: usize,
) -> usize {
    let images = |s: &Sample| s.behind.get(service).cloned().unwrap_or_default();
    let start = samples
        .iter()
        .position(|s| images(s).iter().any(|image| image == new_image))
        .unwrap_or_else(|| panic!("{service} never sent traffic to {new_image}"));
    for (index, sample) in samples[start..].iter().enumerate() {
        let behind = images(sample);
        assert!(
            behind.len() >= replicas && behind.iter().all(|image| image == new_image),
            "sample {index} after the switch: {service} sends traffic to {behind:?}"
        );
    }
    samples.len() - start
}

/// How many pods running `image` the samples saw, each counted once by its name: a release
/// that starts its new version's pods once shows the env's replicas.
pub fn pods_started(samples: &[Sample], image: &str) -> usize {
    let names: std::collections::BTreeSet<&str> = samples
        .iter()
        .flat_map(|sample| &sample.pods)
        .filter(|(_, running)| running == image)
        .map(|(name, _)| name.as_str())
        .collect();
    names.len()
}

/// The fewest ready pods `service` sends traffic to in any sample, and how many samples there
/// were: a release or rollback that never leaves it short keeps this at the env's replicas.
pub fn fewest_behind(samples: &[Sample], service: &str) -> (usize, usize) {
    let fewest = samples
        .iter()
        .map(|s| s.behind.get(service).map_or(0, Vec::len))
        .min()
        .unwrap_or(0);
    (fewest, samples.len())
}
