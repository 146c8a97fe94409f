//! Argo CD: ask for a refresh (and a sync to our commit when the Application does not sync
//! automatically), through the REST API when a server and token are configured, else through
//! the Application object; then follow the Application until it is synced to our commit and
//! healthy.

use super::{
    Failure, Judging, Lineage, Pending, Relations, Reporter, SAFETY_NET, Step, Synced, Target,
    Watch, follow,
};
use crate::cluster::{APPLICATION, Cluster, ClusterError, Kind, ObjectRef};
use crate::decide::{self, Verdict};
use futures::StreamExt;
use futures::stream::BoxStream;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const REFRESH: &str = "argocd.argoproj.io/refresh";

/// Argo CD's REST API: base URL and bearer token (`ARGOCD_SERVER`, `ARGOCD_AUTH_TOKEN`).
#[derive(Clone)]
pub struct ArgocdApi {
    pub server: String,
    pub token: String,
}

impl std::fmt::Debug for ArgocdApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token never reaches a log.
        f.debug_struct("ArgocdApi")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl ArgocdApi {
    /// Sends a request; an answer other than success (or 404 when `missing_ok`) is an error
    /// naming its status and Argo CD's message. None: 404.
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        missing_ok: bool,
    ) -> Result<Option<reqwest::Response>, ClusterError> {
        let url = format!("{}/api/v1/{path}", self.server.trim_end_matches('/'));
        let client = reqwest::Client::new();
        let mut request = client.request(method, &url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let failed = |message: String| ClusterError::Argocd {
            url: crate::git::redact_url(&url),
            message,
        };
        let response = request.send().await.map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if missing_ok && status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let message = body
                .get("error")
                .or_else(|| body.get("message"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(failed(format!("{status}: {message}")));
        }
        Ok(Some(response))
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ClusterError> {
        let response = self.send(method, path, body, false).await?;
        Ok(match response {
            Some(response) => response.json().await.unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    /// The Application, None when Argo CD does not know it.
    async fn application(&self, name: &str) -> Result<Option<Value>, ClusterError> {
        let path = format!("applications/{name}");
        match self.send(reqwest::Method::GET, &path, None, true).await? {
            Some(response) => Ok(Some(response.json().await.unwrap_or(Value::Null))),
            None => Ok(None),
        }
    }
}

pub(super) async fn sync(
    cluster: &Cluster,
    target: &Target,
    lineage: &dyn Lineage,
    reporter: &dyn Reporter,
    pending: &Pending,
) -> Result<Step<Synced>, ClusterError> {
    let application = ObjectRef {
        kind: APPLICATION,
        namespace: target.argocd.namespace.clone(),
        name: target.object_name(),
    };
    trigger(cluster, target, &application).await?;
    reporter.step("Syncing", &format!("asked Argo CD to sync {application}"));
    let mut relations = Relations::new(lineage, &target.commit);
    let place = match &target.argocd_api {
        Some(api) => format!("Argo CD at {}", crate::git::redact_url(&api.server)),
        None => super::unbound::in_cluster(cluster),
    };
    let first_release = lineage.first_release();
    let pushed = Instant::now();
    let grace = decide::binding::APPLICATION_SET_GRACE;
    let judge = |object: Option<&Value>| {
        // Judged after a watch's listing or a GET: absent means absent, not "not seen yet".
        let bound = decide::binding::application(object, &target.dir);
        let Some(object) = object else {
            // Argo CD keeps its source to itself: a first release's Application, which an
            // ApplicationSet (or `forge sandbox`) generates from the new env dir when it next
            // looks at the repo, is waited for, up to the ApplicationSet's poll; once the env
            // dir existed, it is missing.
            if decide::binding::absence_is_final(first_release, Some(pushed.elapsed()), grace) {
                return Step::Unbound(super::unbound::missing(target, &application, &place));
            }
            return Step::Pending(format!(
                "{application} does not exist yet (a first release's Application appears \
                 once Argo CD generates it for {}; forge waits {}s for it)",
                target.dir,
                grace.as_secs()
            ));
        };
        if let Some(unbound) = super::unbound::judge(target, &application, &place, bound) {
            return Step::Unbound(unbound);
        }
        if let Some(source) = decide::binding::application_source(object, &target.dir) {
            let fetched_ours = compared_revisions(object)
                .map(|revisions| revisions.into_iter().any(|r| relations.contains(Some(r))));
            let bound = source.judge(&target.repo_url, &target.branch, fetched_ours);
            if let Some(unbound) = super::unbound::judge(target, &application, &place, bound) {
                return Step::Unbound(unbound);
            }
        }
        let synced = object
            .pointer("/status/sync/revision")
            .and_then(Value::as_str);
        let commit = match relations.effective(synced) {
            Ok(commit) => commit,
            Err(by) => return Step::Superseded(by),
        };
        match decide::argocd::application(object, &commit) {
            Verdict::Done => Step::Done(Synced {
                revision: commit,
                workloads: resources(object),
            }),
            // Synced but not Healthy yet: the workloads are forge's to judge from here.
            Verdict::Pending(_) if decide::argocd::applied(object, &commit) => Step::Done(Synced {
                revision: commit,
                workloads: resources(object),
            }),
            Verdict::Pending(text) => Step::Pending(text),
            Verdict::Failed(cause) => Step::Failed(Failure::new(format!("{application}: {cause}"))),
        }
    };
    if let Some(api) = &target.argocd_api {
        // Argo CD's Applications may live in another cluster than the env's workloads: its
        // API is the one place to see them.
        return follow_api(api, &application.name, pending, reporter, judge).await;
    }
    let watches = [Watch {
        kind: APPLICATION,
        namespace: application.namespace.clone(),
        name: Some(application.name.clone()),
    }];
    let mut judge = judge;
    follow(cluster, &watches, pending, reporter, |seen| {
        judge(seen.get(&application))
    })
    .await
}

/// [`follow`] through Argo CD's API: its application stream, reopened when it ends, and a
/// GET now and then in case the stream missed an update.
async fn follow_api<T>(
    api: &ArgocdApi,
    name: &str,
    pending: &Pending,
    reporter: &dyn Reporter,
    mut judge: impl FnMut(Option<&Value>) -> Step<T>,
) -> Result<Step<T>, ClusterError> {
    let mut stream = ApplicationStream::new(api.clone(), name);
    let mut safety_net = tokio::time::interval(SAFETY_NET);
    let mut judging = Judging::new(pending, reporter);
    let mut current: Option<Value>;
    let mut broken = false;
    loop {
        tokio::select! {
            event = stream.next() => match event? {
                Event::Applied(object) => {
                    broken = false;
                    current = Some(object);
                }
                Event::Deleted => current = None,
                Event::Broken(error) => {
                    if !broken {
                        broken = true;
                        tracing::info!(%error, "Argo CD application stream broke; resuming");
                    }
                    continue;
                }
            },
            // The first tick is at once: it reads the Application as a watch's listing would.
            _ = safety_net.tick() => match api.application(name).await {
                Ok(object) => current = object,
                Err(err) if refused(&err) => return Err(err),
                Err(err) => {
                    tracing::info!(%err, "safety-net read failed");
                    continue;
                }
            },
        }
        if let Some(settled) = judging.settled(judge(current.as_ref())) {
            return Ok(settled);
        }
    }
}

/// The revisions Argo CD resolved the Application's sources to when it last compared them,
/// once it did so after forge's refresh request (the controller removes the refresh
/// annotation when done). None while that refresh is pending.
fn compared_revisions(object: &Value) -> Option<Vec<&str>> {
    let refresh_pending = object
        .pointer("/metadata/annotations")
        .and_then(|annotations| annotations.get(REFRESH))
        .is_some();
    if refresh_pending || object.pointer("/status/reconciledAt").is_none() {
        return None;
    }
    let sync = object.pointer("/status/sync");
    let single = sync.and_then(|s| s.get("revision")).and_then(Value::as_str);
    let several = sync
        .and_then(|s| s.get("revisions"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    Some(single.into_iter().chain(several).collect())
}

/// Argo CD turned the token down: retrying will not help.
fn refused(error: &ClusterError) -> bool {
    matches!(error, ClusterError::Argocd { message, .. }
        if message.starts_with("401") || message.starts_with("403"))
}

/// What the application stream delivers.
enum Event {
    Applied(Value),
    Deleted,
    /// The stream failed or ended; it is reopened after a pause.
    Broken(String),
}

/// How long to wait before reopening a stream that ended or failed.
const RECONNECT: Duration = Duration::from_secs(1);

/// `GET /api/v1/stream/applications?name=NAME`: server-sent events, each
/// `data: {"result":{"type":…,"application":{…}}}` closed by a blank line.
struct ApplicationStream {
    api: ArgocdApi,
    name: String,
    body: Option<BoxStream<'static, reqwest::Result<Vec<u8>>>>,
    buffer: Vec<u8>,
    /// Whether the last connection broke (the next one waits `RECONNECT` first).
    broke: bool,
}

impl ApplicationStream {
    fn new(api: ArgocdApi, name: &str) -> Self {
        ApplicationStream {
            api,
            name: name.to_string(),
            body: None,
            buffer: Vec::new(),
            broke: false,
        }
    }

    /// The next event; an error only when Argo CD refuses the token. Cancel-safe: bytes
    /// are buffered as they arrive, and an interrupted connect is simply redone.
    async fn next(&mut self) -> Result<Event, ClusterError> {
        loop {
            while let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_event(&String::from_utf8_lossy(&block)) {
                    return Ok(event);
                }
            }
            let Some(body) = &mut self.body else {
                if self.broke {
                    tokio::time::sleep(RECONNECT).await;
                }
                let path = format!("stream/applications?name={}", self.name);
                match self
                    .api
                    .send(reqwest::Method::GET, &path, None, false)
                    .await
                {
                    Ok(Some(response)) => {
                        self.broke = false;
                        self.buffer.clear();
                        self.body = Some(
                            response
                                .bytes_stream()
                                .map(|r| r.map(|b| b.to_vec()))
                                .boxed(),
                        );
                    }
                    Ok(None) => unreachable!("404 is an error here"),
                    Err(err) if refused(&err) => return Err(err),
                    Err(err) => {
                        self.broke = true;
                        return Ok(Event::Broken(err.to_string()));
                    }
                }
                continue;
            };
            let broken = match body.next().await {
                Some(Ok(bytes)) => {
                    // SSE lines may end in CRLF; events are split on blank lines.
                    self.buffer
                        .extend(bytes.into_iter().filter(|b| *b != b'\r'));
                    continue;
                }
                Some(Err(err)) => err.to_string(),
                None => "the stream ended".to_string(),
            };
            self.body = None;
            self.broke = true;
            return Ok(Event::Broken(broken));
        }
    }
}

/// One server-sent event: its `data:` lines joined, read as Argo CD's watch result. Comments
/// (keep-alives) and events without an application give None.
fn parse_event(block: &str) -> Option<Event> {
    let data: Vec<&str> = block
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| data.strip_prefix(' ').unwrap_or(data))
        .collect();
    if data.is_empty() {
        return None;
    }
    let event: Value = serde_json::from_str(&data.join("\n")).ok()?;
    let result = event.get("result")?;
    let application = result.get("application")?.clone();
    match result.get("type").and_then(Value::as_str) {
        Some("DELETED") => Some(Event::Deleted),
        _ => Some(Event::Applied(application)),
    }
}

/// Refresh, and for an Application without automated sync, start a sync to our commit.
async fn trigger(
    cluster: &Cluster,
    target: &Target,
    application: &ObjectRef,
) -> Result<(), ClusterError> {
    let name = &application.name;
    if let Some(api) = &target.argocd_api {
        let refreshed = api
            .send(
                reqwest::Method::GET,
                &format!("applications/{name}?refresh=normal"),
                None,
                true,
            )
            .await?;
        let Some(refreshed) = refreshed else {
            // A first deploy's Application appears on Argo CD's next look at the repo.
            return Ok(());
        };
        let current: Value = refreshed.json().await.unwrap_or(Value::Null);
        if current.pointer("/spec/syncPolicy/automated").is_none() {
            api.call(
                reqwest::Method::POST,
                &format!("applications/{name}/sync"),
                Some(json!({"revision": target.commit, "prune": true})),
            )
            .await?;
        }
        return Ok(());
    }
    let Some(current) = cluster.get(application).await? else {
        // A first deploy's Application appears on Argo CD's next look at the repo.
        return Ok(());
    };
    cluster
        .annotate(application, &[(REFRESH, "normal")])
        .await?;
    if current.pointer("/spec/syncPolicy/automated").is_none() {
        let operation = json!({"operation": {
            "sync": {"revision": target.commit, "prune": true},
            "initiatedBy": {"username": "forge"},
        }});
        cluster.merge_patch(application, &operation).await?;
    }
    Ok(())
}

/// The workloads an Application manages, from `status.resources`.
pub(super) fn resources(object: &Value) -> Vec<super::ObjectRef> {
    let entries = object
        .pointer("/status/resources")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    entries
        .iter()
        .filter_map(|resource| {
            let kind: Kind = Kind::workload(resource.get("kind")?.as_str()?)?;
            Some(ObjectRef {
                kind,
                namespace: resource.get("namespace")?.as_str()?.to_string(),
                name: resource.get("name")?.as_str()?.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_events_are_read_as_argo_cd_sends_them() {
        let modified = r#"data: {"result":{"type":"MODIFIED","application":{"metadata":{"name":"shop-prod"}}}}"#;
        let Some(Event::Applied(application)) = parse_event(&format!("{modified}\n\n")) else {
            panic!("an application");
        };
        assert_eq!(application["metadata"]["name"], "shop-prod");
        let deleted = r#"data: {"result":{"type":"DELETED","application":{}}}"#;
        assert!(matches!(parse_event(deleted), Some(Event::Deleted)));
        assert!(parse_event(": keep-alive\n\n").is_none());
        assert!(parse_event(r#"data: {"error":{"message":"gone"}}"#).is_none());
    }

    #[test]
    fn revisions_count_once_argo_cd_refreshed_after_forge_asked() {
        let mut application = json!({
            "metadata": {"annotations": {REFRESH: "normal"}},
            "status": {"reconciledAt": "2026-12-02T10:00:00Z", "sync": {"revision": "abc"}},
        });
        assert_eq!(compared_revisions(&application), None, "refresh pending");
        application["metadata"]["annotations"] = json!({});
        assert_eq!(compared_revisions(&application), Some(vec!["abc"]));
        application["status"]["sync"] = json!({"revisions": ["abc", "def"]});
        assert_eq!(compared_revisions(&application), Some(vec!["abc", "def"]));
        application["status"]
            .as_object_mut()
            .unwrap()
            .remove("reconciledAt");
        assert_eq!(compared_revisions(&application), None, "never compared");
    }

    #[test]
    fn only_a_refused_token_is_final() {
        let error = |message: &str| ClusterError::Argocd {
            url: "https://argocd.example.com/api/v1/applications/x".into(),
            message: message.into(),
        };
        assert!(refused(&error("401 Unauthorized: invalid session")));
        assert!(refused(&error("403 Forbidden: permission denied")));
        assert!(!refused(&error("503 Service Unavailable: ")));
        assert!(!refused(&error("error sending request")));
    }

    #[tokio::test]
    async fn a_stream_that_ends_is_reopened() {
        use forge_sandbox::http::{Body, Response, serve};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let opened = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&opened);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = format!("http://{}", listener.local_addr().unwrap());
        serve(
            listener,
            None,
            std::sync::Arc::new(move |request| {
                assert_eq!(request.path, "/api/v1/stream/applications");
                assert_eq!(request.query("name"), Some("shop-prod"));
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let mut events = vec![format!(
                    "data: {{\"result\":{{\"type\":\"ADDED\",\"application\":{{\"n\":{n}}}}}}}\r\n\r\n"
                )
                .into_bytes()];
                // Each connection sends one event, then ends.
                Response {
                    status: 200,
                    content_type: "text/event-stream".into(),
                    body: Body::Stream(Box::new(move || events.pop())),
                }
            }),
        );
        let api = ArgocdApi {
            server,
            token: "t".into(),
        };
        let mut stream = ApplicationStream::new(api, "shop-prod");
        let Event::Applied(first) = stream.next().await.unwrap() else {
            panic!("the first connection's event")
        };
        assert_eq!(first["n"], 0);
        assert!(matches!(stream.next().await.unwrap(), Event::Broken(_)));
        let Event::Applied(second) = stream.next().await.unwrap() else {
            panic!("the second connection's event")
        };
        assert_eq!(second["n"], 1);
        assert_eq!(opened.load(Ordering::SeqCst), 2);
    }
}
