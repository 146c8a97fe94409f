//! The environment repository: a cache per URL, commits built from git objects (read the tip's
//! tree, replace one env directory's subtree, write tree and commit) without a checkout, and a
//! compare-and-swap push.
//!
//! The network goes through the system `git` so ssh-agent, `~/.ssh/config` and credential
//! helpers work as they do for the user; a token in `FORGE_GIT_TOKEN` becomes an HTTP header,
//! never part of a URL or an argument.

mod git;
pub mod publish;
pub mod trailers;

use crate::error::{Diagnose, ExitCode};
use crate::fs::scratch::ScratchDir;
use crate::model::{Content, Files};
use base64::Engine as _;
use git::Git;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The local ref that holds the last fetched tip of the env branch.
const TIP_REF: &str = "refs/forge/tip";

#[derive(Debug, thiserror::Error)]
pub enum EnvRepoError {
    #[error("cannot run git: {0}")]
    GitMissing(String),
    #[error("git {args} failed: {stderr}")]
    Git { args: String, stderr: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("branch '{branch}' does not exist in {url}")]
    NoBranch { url: String, branch: String },
    #[error("{url}: authentication failed")]
    Auth { url: String },
    #[error("cannot reach {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("no git identity for the commit: {0}")]
    NoIdentity(String),
    #[error("{url} refused the push to {branch}: {reason}")]
    Refused {
        url: String,
        branch: String,
        /// The remote's own words (its `remote:` lines, else git's reason).
        reason: String,
    },
}

impl Diagnose for EnvRepoError {
    fn exit_code(&self) -> ExitCode {
        match self {
            EnvRepoError::NoBranch { .. } => ExitCode::Usage,
            EnvRepoError::NoIdentity(_) => ExitCode::Usage,
            _ => ExitCode::Operational,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            EnvRepoError::NoBranch { .. } => Some("pass --create-branch to start it with this commit".into()),
            EnvRepoError::Auth { .. } => Some(
                "check the credentials git uses for this URL (credential helper, ssh-agent) or set FORGE_GIT_TOKEN".into(),
            ),
            EnvRepoError::NoIdentity(_) => {
                Some("set FORGE_GIT_AUTHOR='Name <email>' or git config user.name and user.email".into())
            }
            EnvRepoError::Refused { .. } => Some(
                "forge pushes straight to the env branch: allow this identity to push there (hooks, branch protection, permissions)".into(),
            ),
            _ => None,
        }
    }
}

/// How to reach the env repo and who commits.
#[derive(Clone, Debug)]
pub struct RepoSettings {
    pub url: String,
    pub branch: String,
    /// Root of forge's caches (`$XDG_CACHE_HOME/forge` or `~/.cache/forge`).
    pub cache_root: PathBuf,
    /// `FORGE_GIT_TOKEN`, sent as HTTP basic auth (`FORGE_GIT_USERNAME`, default x-access-token).
    pub token: Option<(String, String)>,
    /// `FORGE_GIT_AUTHOR` as `Name <email>`.
    pub author: Option<String>,
    /// Whether git may prompt for credentials (only on an attended terminal).
    pub may_prompt: bool,
}

/// A commit's place in history: its id and its root tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tip {
    pub commit: String,
    pub tree: String,
}

pub enum PushOutcome {
    Pushed,
    /// The branch moved since we fetched: someone else pushed first.
    Rejected,
}

pub struct EnvRepo {
    git: Git,
    settings: RepoSettings,
    lock_path: PathBuf,
    /// The cache lock, held from open unless released for a long wait.
    lock: std::sync::Mutex<Option<std::fs::File>>,
    /// Where [`EnvRepo::read_dir`] puts big files, made on first need: the files it returns
    /// point into it, so it lives as long as the repo.
    big_files: std::sync::OnceLock<ScratchDir>,
}

impl EnvRepo {
    /// Opens (creating on first use) the cache for this URL and locks it for this process.
    pub fn open(settings: RepoSettings) -> Result<Self, EnvRepoError> {
        let public_url = crate::git::strip_credentials(&settings.url);
        let key = hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(public_url.as_bytes())[..8]);
        let name: String = public_url
            .rsplit('/')
            .next()
            .unwrap_or("repo")
            .trim_end_matches(".git")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let dir = settings
            .cache_root
            .join("repos")
            .join(format!("{name}-{key}.git"));
        let io = |path: &Path, source| EnvRepoError::Io {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        // One forge at a time per cache: fetches and ref updates would race otherwise.
        let lock_path = dir.join("forge.lock");
        let lock = take_lock(&lock_path).map_err(|e| io(&lock_path, e))?;
        remove_stale_git_locks(&dir);

        let mut env = vec![(
            "GIT_TERMINAL_PROMPT".to_string(),
            if settings.may_prompt { "1" } else { "0" }.to_string(),
        )];
        // Credentials in the URL travel as a header too, so they are never written into the
        // cache's config or shown in git's messages.
        let (bare_url, url_credentials) = crate::git::split_credentials(&settings.url);
        if let Some((user, token)) = settings.token.as_ref().or(url_credentials.as_ref()) {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"));
            env.extend([
                ("GIT_CONFIG_COUNT".into(), "1".into()),
                ("GIT_CONFIG_KEY_0".into(), "http.extraHeader".into()),
                (
                    "GIT_CONFIG_VALUE_0".into(),
                    format!("Authorization: Basic {basic}"),
                ),
            ]);
        }
        let git = Git {
            git_dir: dir.clone(),
            env,
        };
        if !dir.join("HEAD").exists() {
            git.run(&["init", "--quiet", "--bare"])?;
        }
        // The remote is (re)configured on every open: the URL may carry fresh credentials.
        let _ = git.run(&["remote", "remove", "origin"]);
        git.run(&["remote", "add", "origin", &bare_url])?;
        git.run(&["config", "remote.origin.promisor", "true"])?;
        git.run(&["config", "remote.origin.partialclonefilter", "blob:none"])?;
        Ok(EnvRepo {
            git,
            settings,
            lock_path,
            lock: std::sync::Mutex::new(Some(lock)),
            big_files: std::sync::OnceLock::new(),
        })
    }

    /// Lets other forge processes use the cache while this one waits on a cluster (minutes,
    /// perhaps); git work done meanwhile takes the lock for its own duration.
    pub fn release_lock(&self) {
        *self.lock.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Takes the cache lock back after a wait, before changing anything again.
    pub fn reacquire_lock(&self) -> Result<(), EnvRepoError> {
        let mut held = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            *held = Some(
                take_lock(&self.lock_path).map_err(|source| EnvRepoError::Io {
                    path: self.lock_path.clone(),
                    source,
                })?,
            );
        }
        Ok(())
    }

    /// Runs `work` holding the cache lock (taking it for the duration if released).
    fn locked<T>(&self, work: impl FnOnce() -> T) -> T {
        let held = self
            .lock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        if held {
            return work();
        }
        let lock = take_lock(&self.lock_path);
        let result = work();
        drop(lock);
        result
    }

    pub fn settings(&self) -> &RepoSettings {
        &self.settings
    }

    /// Fetches the branch tip (commits and trees only; blobs on demand). None: no such branch.
    pub fn fetch(&self) -> Result<Option<Tip>, EnvRepoError> {
        let refspec = format!("+refs/heads/{}:{TIP_REF}", self.settings.branch);
        let fetched = self.git.run(&[
            "fetch",
            "--quiet",
            "--no-tags",
            "--depth=1",
            "--filter=blob:none",
            "origin",
            &refspec,
        ]);
        match fetched {
            Ok(_) => {}
            Err(EnvRepoError::Git { stderr, .. })
                if stderr.contains("couldn't find remote ref") =>
            {
                return Ok(None);
            }
            Err(err) => return Err(self.classify(err)),
        }
        let commit = self
            .git
            .text(&["rev-parse", "--verify", &format!("{TIP_REF}^{{commit}}")])?;
        Ok(Some(self.tip(&commit)?))
    }

    fn tip(&self, commit: &str) -> Result<Tip, EnvRepoError> {
        let tree = self
            .git
            .text(&["rev-parse", "--verify", &format!("{commit}^{{tree}}")])?;
        Ok(Tip {
            commit: commit.to_string(),
            tree,
        })
    }

    /// Turns git's network errors into what they mean for the user.
    fn classify(&self, err: EnvRepoError) -> EnvRepoError {
        let url = crate::git::redact_url(&self.settings.url);
        match err {
            EnvRepoError::Git { ref stderr, .. } => {
                let lower = stderr.to_lowercase();
                if lower.contains("authentication failed")
                    || lower.contains("401")
                    || lower.contains("403")
                    || lower.contains("permission denied")
                    || lower.contains("could not read username")
                {
                    EnvRepoError::Auth { url }
                } else if lower.contains("could not resolve")
                    || lower.contains("connection refused")
                    || lower.contains("failed to connect")
                    || lower.contains("does not appear to be a git repository")
                    || lower.contains("not found")
                    || lower.contains("unable to access")
                    || lower.contains("could not read from remote")
                {
                    EnvRepoError::Unreachable {
                        url,
                        detail: stderr.lines().last().unwrap_or_default().to_string(),
                    }
                } else {
                    err
                }
            }
            other => other,
        }
    }

    /// A file's bytes at `commit`, or None when it does not exist there.
    pub fn read_file(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>, EnvRepoError> {
        let spec = format!("{commit}:{path}");
        if !self.git.succeeds(&["cat-file", "-e", &spec]) {
            // A missing blob in a partial clone is fetched by cat-file itself; a missing path
            // is an answer, not an error.
            if !self
                .git
                .succeeds(&["rev-parse", "--verify", "--quiet", &spec])
            {
                return Ok(None);
            }
        }
        self.git
            .run(&["cat-file", "blob", &spec])
            .map(Some)
            .map_err(|e| self.classify(e))
    }

    /// Every file under `dir` at `commit`, by path relative to `dir` (blobs are fetched on
    /// demand). A file over [`git::BIG_FILE`] is streamed into a file of forge's scratch dir,
    /// never held in memory.
    pub fn read_dir(&self, commit: &str, dir: &str) -> Result<Files, EnvRepoError> {
        let Some(tree) = self.subtree(commit, dir) else {
            return Ok(BTreeMap::new());
        };
        let listing =
            String::from_utf8_lossy(&self.git.run(&["ls-tree", "-r", "-z", &tree])?).into_owned();
        let mut entries = Vec::new();
        for line in listing.split('\0').filter(|l| !l.is_empty()) {
            let Some((meta, path)) = line.split_once('\t') else {
                continue;
            };
            let id = meta.rsplit(' ').next().unwrap_or_default();
            entries.push((path.to_string(), id.to_string()));
        }
        let ids: Vec<&str> = entries.iter().map(|(_, id)| id.as_str()).collect();
        let contents = self.read_blobs(&ids).map_err(|e| self.classify(e))?;
        Ok(entries
            .into_iter()
            .map(|(path, _)| path)
            .zip(contents)
            .collect())
    }

    /// The blobs `ids`, in order, read by one `git cat-file --batch`.
    fn read_blobs(&self, ids: &[&str]) -> Result<Vec<Content>, EnvRepoError> {
        let big = git::BIG_FILE;
        let failed = |e: std::io::Error| EnvRepoError::GitMissing(e.to_string());
        let mut child = self
            .git
            .command()
            .args(["cat-file", "--batch"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(failed)?;
        let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(EnvRepoError::GitMissing("git's pipes are missing".into()));
        };
        let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
        // Fed and drained from threads, so neither pipe fills while the other is read.
        let read = std::thread::scope(|scope| {
            scope.spawn(move || std::io::Write::write_all(&mut stdin, request.as_bytes()));
            let said = scope.spawn(move || {
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
                text
            });
            let mut reader = std::io::BufReader::new(stdout);
            let contents = ids
                .iter()
                .map(|id| self.read_batch_entry(&mut reader, id, big))
                .collect::<Result<Vec<_>, _>>();
            drop(reader);
            let status = child.wait().map_err(failed);
            (contents, status, said.join().unwrap_or_default())
        });
        let (contents, status, said) = read;
        let problem = match contents {
            Ok(contents) if status?.success() => return Ok(contents),
            Ok(_) => said,
            Err(err) => format!("{said}\n{err}"),
        };
        Err(EnvRepoError::Git {
            args: "cat-file --batch".into(),
            stderr: git::redact_text(problem.trim()),
        })
    }

    /// One object of `cat-file --batch` output: bytes, or a scratch file when over `big`.
    fn read_batch_entry(
        &self,
        reader: &mut impl std::io::BufRead,
        id: &str,
        big: u64,
    ) -> std::io::Result<Content> {
        use std::io::{Error, Read};
        let mut header = Vec::new();
        reader.read_until(b'\n', &mut header)?;
        let header = String::from_utf8_lossy(&header);
        let size = match header.trim_end().split(' ').collect::<Vec<_>>()[..] {
            [_, "blob", size] => size.parse::<u64>().map_err(Error::other)?,
            _ => return Err(Error::other(format!("{id}: {}", header.trim_end()))),
        };
        let mut body = reader.take(size);
        let content = if size > big {
            let dir = match self.big_files.get() {
                Some(dir) => dir,
                None => {
                    let made = crate::fs::scratch::scratch_dir("envrepo")?;
                    self.big_files.get_or_init(|| made)
                }
            };
            let path = dir.path().join(id);
            let mut file = std::fs::File::create(&path)?;
            std::io::copy(&mut body, &mut file)?;
            Content::File(path)
        } else {
            let mut bytes = Vec::with_capacity(size as usize);
            body.read_to_end(&mut bytes)?;
            Content::Bytes(bytes)
        };
        if body.limit() != 0 {
            return Err(Error::other(format!("{id}: cut short")));
        }
        // Each object ends with a line break.
        reader.read_exact(&mut [0u8; 1])?;
        Ok(content)
    }

    /// The tree id of `dir` at `commit`, if it exists.
    pub fn subtree(&self, commit: &str, dir: &str) -> Option<String> {
        self.git
            .text(&[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{commit}:{dir}"),
            ])
            .ok()
    }

    /// Writes `files` (paths relative to the dir) as a tree and returns its id.
    pub fn write_dir(&self, files: &Files) -> Result<String, EnvRepoError> {
        let mut root = DirNode::default();
        let mut on_disk = Vec::new();
        for (path, content) in files {
            match content {
                Content::Bytes(bytes) => root.insert(path, self.write_blob(bytes)?),
                Content::File(disk) => on_disk.push((path, disk)),
            }
        }
        let disk_paths: Vec<&Path> = on_disk.iter().map(|(_, disk)| disk.as_path()).collect();
        for ((path, _), id) in on_disk.iter().zip(self.write_files(&disk_paths)?) {
            root.insert(path, id);
        }
        root.write(&self.git)
    }

    fn write_blob(&self, bytes: &[u8]) -> Result<String, EnvRepoError> {
        Ok(String::from_utf8_lossy(
            &self
                .git
                .run_with_input(&["hash-object", "-w", "--stdin"], Some(bytes))?,
        )
        .trim()
        .to_string())
    }

    /// Writes files on disk as blobs with one git, which reads each itself: one above
    /// [`git::BIG_FILE`] is streamed into a pack, never held in memory (by forge or git). Returns
    /// their ids in order.
    fn write_files(&self, paths: &[&Path]) -> Result<Vec<String>, EnvRepoError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut listing = Vec::new();
        for path in paths {
            // Bundle entry paths hold no control characters, so no line breaks.
            listing.extend_from_slice(path.as_os_str().as_encoded_bytes());
            listing.push(b'\n');
        }
        let output = self.git.run_with_input(
            &["hash-object", "-w", "--no-filters", "--stdin-paths"],
            Some(&listing),
        )?;
        let ids: Vec<String> = String::from_utf8_lossy(&output)
            .lines()
            .map(str::to_string)
            .collect();
        if ids.len() != paths.len() {
            return Err(EnvRepoError::Git {
                args: "hash-object --stdin-paths".into(),
                stderr: format!("{} ids for {} files", ids.len(), paths.len()),
            });
        }
        Ok(ids)
    }

    /// The root tree of `base` with `dir` replaced by `subtree` (created when missing).
    pub fn splice(
        &self,
        base: Option<&str>,
        dir: &str,
        subtree: &str,
    ) -> Result<String, EnvRepoError> {
        let parts: Vec<&str> = dir.split('/').collect();
        splice(&self.git, base, &parts, subtree)
    }

    /// Commits `tree` on `parent` with `message`, as the configured identity.
    pub fn commit(
        &self,
        tree: &str,
        parent: Option<&str>,
        message: &str,
    ) -> Result<String, EnvRepoError> {
        let mut args = vec!["commit-tree", tree];
        if let Some(parent) = parent {
            args.extend(["-p", parent]);
        }
        let mut git = self.git.clone();
        match &self.settings.author {
            Some(author) => {
                let (name, email) = parse_identity(author).ok_or_else(|| {
                    EnvRepoError::NoIdentity(format!(
                        "FORGE_GIT_AUTHOR '{author}' is not 'Name <email>'"
                    ))
                })?;
                for role in ["AUTHOR", "COMMITTER"] {
                    git.env.push((format!("GIT_{role}_NAME"), name.clone()));
                    git.env.push((format!("GIT_{role}_EMAIL"), email.clone()));
                }
            }
            None => {
                if !git.succeeds(&["config", "user.email"])
                    && std::env::var_os("GIT_AUTHOR_EMAIL").is_none()
                {
                    return Err(EnvRepoError::NoIdentity("git has no user.email".into()));
                }
            }
        }
        Ok(
            String::from_utf8_lossy(&git.run_with_input(&args, Some(message.as_bytes()))?)
                .trim()
                .to_string(),
        )
    }

    /// Pushes `commit` to the branch only if the branch is still at `expected` (None: the
    /// branch must not exist yet): a compare-and-swap on the remote.
    pub fn push(&self, commit: &str, expected: Option<&str>) -> Result<PushOutcome, EnvRepoError> {
        let branch = &self.settings.branch;
        let lease = format!(
            "--force-with-lease=refs/heads/{branch}:{}",
            expected.unwrap_or("")
        );
        let refspec = format!("{commit}:refs/heads/{branch}");
        match self
            .git
            .run(&["push", "--quiet", "--porcelain", &lease, "origin", &refspec])
        {
            Ok(_) => {
                let _ = self.git.run(&["update-ref", TIP_REF, commit]);
                Ok(PushOutcome::Pushed)
            }
            Err(EnvRepoError::Git { stderr, .. }) if lost_race(&stderr) => {
                Ok(PushOutcome::Rejected)
            }
            Err(EnvRepoError::Git { stderr, .. }) if stderr.contains("[remote rejected]") => {
                Err(EnvRepoError::Refused {
                    url: crate::git::redact_url(&self.settings.url),
                    branch: branch.clone(),
                    reason: refusal_reason(&stderr),
                })
            }
            Err(err) => Err(self.classify(err)),
        }
    }

    /// Names the newest commit after `from` up to `to` that changed `dir` (for conflict
    /// reports): history is deepened a little to find it; the tip stands in otherwise.
    pub fn last_change(&self, from: &str, to: &str, dir: &str) -> String {
        let _ = self.deepen();
        let range = format!("{from}..{to}");
        let newest = self
            .git
            .text(&["log", "-1", "--format=%H", &range, "--", dir])
            .ok()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| to.to_string());
        self.git
            .text(&["log", "-1", "--format=%h %s (%an, %cr)", &newest])
            .unwrap_or(newest)
    }

    /// Fetches 50 more commits of the branch's history (the cache is shallow).
    fn deepen(&self) -> Result<Vec<u8>, EnvRepoError> {
        let refspec = format!("+refs/heads/{}:{TIP_REF}", self.settings.branch);
        self.git.run(&[
            "fetch",
            "--quiet",
            "--no-tags",
            "--filter=blob:none",
            "--deepen=50",
            "origin",
            &refspec,
        ])
    }

    /// Whether `descendant` contains `ancestor` (history is deepened a little to tell).
    pub fn contains(&self, descendant: &str, ancestor: &str) -> bool {
        let _ = self.locked(|| self.deepen());
        self.git
            .succeeds(&["merge-base", "--is-ancestor", ancestor, descendant])
    }

    /// Whether the remote has no branch at all (a repository just created, with no commits).
    pub fn has_no_branches(&self) -> Result<bool, EnvRepoError> {
        let heads = self
            .git
            .run(&["ls-remote", "--heads", "origin"])
            .map_err(|err| self.classify(err))?;
        Ok(heads.iter().all(u8::is_ascii_whitespace))
    }

    /// `git log` of the branch in [`trailers::LOG_FORMAT`], commits only (trees and blobs are
    /// not fetched).
    pub fn log(&self) -> Result<String, EnvRepoError> {
        let refspec = format!("+refs/heads/{}:{TIP_REF}", self.settings.branch);
        let shallow = self.git.path().join("shallow").exists();
        let mut args = vec!["fetch", "--quiet", "--no-tags", "--filter=tree:0"];
        if shallow {
            args.push("--unshallow");
        }
        args.extend(["origin", refspec.as_str()]);
        match self.git.run(&args) {
            Ok(_) => {}
            Err(EnvRepoError::Git { stderr, .. })
                if stderr.contains("couldn't find remote ref") =>
            {
                return Err(EnvRepoError::NoBranch {
                    url: crate::git::redact_url(&self.settings.url),
                    branch: self.settings.branch.clone(),
                });
            }
            Err(err) => return Err(self.classify(err)),
        }
        let format = format!("--format={}", trailers::LOG_FORMAT);
        Ok(String::from_utf8_lossy(&self.git.run(&["log", &format, TIP_REF])?).into_owned())
    }
}

/// Whether a failed push means the branch moved under us (the lease or the server's ref lock
/// saw another commit), as opposed to a refusal or a real failure. `push --porcelain` marks a
/// lost lease or a non-fast-forward `[rejected]`; a server that lost the race for its ref lock
/// says `[remote rejected]` with why.
fn lost_race(stderr: &str) -> bool {
    stderr.lines().any(|line| {
        line.contains("[rejected]")
            || (line.contains("[remote rejected]")
                && ["cannot lock ref", "failed to update ref", "but expected"]
                    .iter()
                    .any(|sign| line.contains(sign)))
    })
}

/// What the remote said when it refused a push: its `remote:` lines (a hook's message),
/// else the reason `push --porcelain` gives.
fn refusal_reason(stderr: &str) -> String {
    let said: Vec<&str> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("remote:"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    if !said.is_empty() {
        return said.join(" ");
    }
    stderr
        .lines()
        .find_map(|line| line.split_once("[remote rejected]"))
        .map(|(_, reason)| {
            reason
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .to_string()
        })
        .unwrap_or_else(|| stderr.trim().to_string())
}

fn parse_identity(text: &str) -> Option<(String, String)> {
    let (name, rest) = text.split_once('<')?;
    let email = rest.strip_suffix('>')?;
    let name = name.trim();
    (!name.is_empty() && email.contains('@')).then(|| (name.to_string(), email.trim().to_string()))
}

/// A directory being assembled from blobs, written bottom-up with `git mktree`.
#[derive(Default)]
struct DirNode {
    files: BTreeMap<String, String>,
    dirs: BTreeMap<String, DirNode>,
}

impl DirNode {
    fn insert(&mut self, path: &str, blob: String) {
        match path.split_once('/') {
            Some((dir, rest)) => self
                .dirs
                .entry(dir.to_string())
                .or_default()
                .insert(rest, blob),
            None => {
                self.files.insert(path.to_string(), blob);
            }
        }
    }

    fn write(&self, git: &Git) -> Result<String, EnvRepoError> {
        let mut listing = String::new();
        for (name, blob) in &self.files {
            listing.push_str(&format!("100644 blob {blob}\t{name}\0"));
        }
        for (name, dir) in &self.dirs {
            listing.push_str(&format!("040000 tree {}\t{name}\0", dir.write(git)?));
        }
        mktree(git, &listing)
    }
}

fn mktree(git: &Git, listing: &str) -> Result<String, EnvRepoError> {
    Ok(String::from_utf8_lossy(
        &git.run_with_input(&["mktree", "-z", "--missing"], Some(listing.as_bytes()))?,
    )
    .trim()
    .to_string())
}

/// Rewrites the trees along `parts` so that it ends at `subtree`; siblings are untouched.
fn splice(
    git: &Git,
    tree: Option<&str>,
    parts: &[&str],
    subtree: &str,
) -> Result<String, EnvRepoError> {
    let listing = match tree {
        Some(tree) => String::from_utf8_lossy(&git.run(&["ls-tree", "-z", tree])?).into_owned(),
        None => String::new(),
    };
    // At the end of the path the subtree is the tree.
    let Some((name, rest)) = parts.split_first() else {
        return Ok(subtree.to_string());
    };
    let mut child: Option<String> = None;
    let mut kept = String::new();
    for line in listing.split('\0').filter(|l| !l.is_empty()) {
        let Some((meta, entry)) = line.split_once('\t') else {
            continue;
        };
        if entry == *name {
            let mut fields = meta.split(' ');
            if fields.nth(1) == Some("tree") {
                child = fields.next().map(str::to_string);
            }
        } else {
            kept.push_str(line);
            kept.push('\0');
        }
    }
    let new_child = if rest.is_empty() {
        subtree.to_string()
    } else {
        splice(git, child.as_deref(), rest, subtree)?
    };
    kept.push_str(&format!("040000 tree {new_child}\t{name}\0"));
    mktree(git, &kept)
}

/// One forge at a time per cache (an exclusive file lock, released when the file closes).
/// Takes forge's lock on a cache, saying so when another forge holds it.
fn take_lock(path: &Path) -> std::io::Result<std::fs::File> {
    let file = std::fs::File::create(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            tracing::warn!(
                "waiting for another forge to finish with the env repo cache ({})",
                path.display()
            );
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(err)) => return Err(err),
    }
    Ok(file)
}

/// Removes the lock files a killed git left in the cache (`shallow.lock`, `index.lock`,
/// `packed-refs.lock`, `refs/…/x.lock`): with forge's own lock held, no git of ours runs
/// there, so any such file is stale and would fail every later fetch or push.
fn remove_stale_git_locks(dir: &Path) {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            // Only the refs hold nested locks; objects/ is large and takes none that last.
            if kind.is_dir() && (folder != dir || entry.file_name() == "refs") {
                pending.push(path);
            } else if kind.is_file()
                && path.extension().is_some_and(|ext| ext == "lock")
                && entry.file_name() != "forge.lock"
                && std::fs::remove_file(&path).is_ok()
            {
                tracing::warn!("removed a stale git lock: {}", path.display());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file on disk goes in as a blob of its bytes; read back, a big one comes out as a
    /// file (streamed, not held), a small one as bytes.
    #[test]
    fn files_round_trip_through_trees_big_ones_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let remote = dir.path().join("envs.git");
        let made = crate::git::command()
            .args(["init", "--quiet", "--bare"])
            .arg(&remote)
            .status()
            .unwrap();
        assert!(made.success());
        let repo = EnvRepo::open(RepoSettings {
            url: format!("file://{}", remote.display()),
            branch: "main".into(),
            cache_root: dir.path().join("cache"),
            token: None,
            author: Some("Test <test@example.com>".into()),
            may_prompt: false,
        })
        .unwrap();
        let big: Vec<u8> = (0..git::BIG_FILE * 3).map(|i| (i % 251) as u8).collect();
        let source = dir.path().join("big.bin");
        std::fs::write(&source, &big).unwrap();
        let files: Files = [
            ("base/big.bin".to_string(), Content::File(source)),
            (
                "kustomization.yaml".to_string(),
                "resources: [base]\n".into(),
            ),
        ]
        .into();
        let subtree = repo.write_dir(&files).unwrap();
        let root = repo.splice(None, "apps/hello/dev", &subtree).unwrap();
        let commit = repo.commit(&root, None, "test").unwrap();

        let read = repo.read_dir(&commit, "apps/hello/dev").unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read["kustomization.yaml"], "resources: [base]\n".into());
        let Content::File(path) = &read["base/big.bin"] else {
            panic!("a big file is read into memory: {:?}", read.keys());
        };
        assert_eq!(std::fs::read(path).unwrap(), big);
        // Written again as read, it is the same tree.
        assert_eq!(repo.write_dir(&read).unwrap(), subtree);
    }

    #[test]
    fn identities_are_name_and_email() {
        assert_eq!(
            super::parse_identity("Ann Lee <ann@x.io>"),
            Some(("Ann Lee".into(), "ann@x.io".into()))
        );
        assert_eq!(super::parse_identity("ann@x.io"), None);
        assert_eq!(super::parse_identity(" <ann@x.io>"), None);
    }

    /// What git 2.39's `push --porcelain` printed (stderr, then stdout) in each case.
    #[test]
    fn a_lost_race_is_told_from_a_refusal() {
        let stale = "To ../r.git\n!\tHEAD:refs/heads/main\t[rejected] (stale info)\nDone";
        let behind = "To ../r.git\n!\tHEAD:refs/heads/main\t[rejected] (fetch first)\nDone";
        let locked = "!\tHEAD:refs/heads/main\t[remote rejected] (cannot lock ref 'refs/heads/main': is at 1a2b but expected 3c4d)";
        let hook = "remote: GL-HOOK-ERR: protected branch: pushes to main need a merge request        \nerror: failed to push some refs to '../r.git'\nTo ../r.git\n!\tHEAD:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nDone";
        let silent = "To ../r.git\n!\tHEAD:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nDone";
        for race in [stale, behind, locked] {
            assert!(super::lost_race(race), "{race}");
        }
        for refusal in [hook, silent] {
            assert!(!super::lost_race(refusal), "{refusal}");
        }
        assert_eq!(
            super::refusal_reason(hook),
            "GL-HOOK-ERR: protected branch: pushes to main need a merge request"
        );
        assert_eq!(super::refusal_reason(silent), "pre-receive hook declined");
    }
}
