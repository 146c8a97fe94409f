//! forge's scratch directories under the system temp dir (an unpacked bundle, a bundle built
//! for one command, manifests for a diff). Each holds a marker file that says it is forge's:
//! it is removed on drop (normal exit, error, an interrupt a command handles itself), by the
//! signal thread of a command that has no handler of its own, and otherwise — forge killed —
//! by a later forge's startup sweep once it is a day old. The sweep never touches a directory
//! without the marker.
//!
//! A file written beside its target and renamed onto it when complete (a bundle in `--out`)
//! is a [`PartialFile`]: named `.forge-<what>-XXXXXX.partial`, removed the same three ways;
//! the sweep of its directory ([`sweep_partials`]) takes only files of that name a day old.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

/// The file that marks a directory as forge's scratch space.
pub const MARKER: &str = ".forge-scratch";
/// Scratch dirs start with this, so the sweep looks at forge's names only.
const PREFIX: &str = "forge-";
/// Older than any forge run: a marked dir this old belongs to a forge that was killed.
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// In the temp dir: when a forge last swept it.
const SWEPT_STAMP: &str = ".forge-swept";
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// A partial file's name: `.forge-<what>-XXXXXX.partial`.
const PARTIAL_PREFIX: &str = ".forge-";
const PARTIAL_SUFFIX: &str = ".partial";

/// Every live scratch dir and partial file of this process, for the signal thread to remove.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    // The list stays valid whatever a panicking holder was doing: pushes and retains only.
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A marked directory under the system temp dir, removed when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let mut live = live();
        // Removed under the lock, so the signal thread never sees it half gone.
        let _ = std::fs::remove_dir_all(&self.path);
        live.retain(|path| *path != self.path);
    }
}

/// Creates `$TMPDIR/forge-<what>-XXXXXX` with its marker.
pub fn scratch_dir(what: &str) -> io::Result<ScratchDir> {
    let path = tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{what}-"))
        .tempdir()?
        .keep();
    // Owned from here: a failed marker write removes the dir on the way out.
    let dir = ScratchDir { path };
    let mut marker = std::fs::File::create_new(dir.path.join(MARKER))?;
    marker.write_all(b"forge scratch dir: removed by forge when a day old\n")?;
    live().push(dir.path.clone());
    Ok(dir)
}

/// A file being written in a directory of the user's (`--out`), renamed onto its target by
/// [`PartialFile::persist`] when complete; removed if it never gets there.
#[derive(Debug)]
pub struct PartialFile {
    // Dropped first: the file is gone before it leaves the list.
    file: tempfile::NamedTempFile,
    _listed: Listed,
}

impl PartialFile {
    pub fn as_file(&self) -> &std::fs::File {
        self.file.as_file()
    }

    /// Renames the complete file onto `target`.
    pub fn persist(self, target: &Path) -> io::Result<()> {
        let PartialFile { file, _listed } = self;
        file.persist(target).map(drop).map_err(|e| e.error)
    }
}

/// A path on the signal thread's list until dropped.
#[derive(Debug)]
struct Listed(PathBuf);

impl Drop for Listed {
    fn drop(&mut self) {
        live().retain(|path| *path != self.0);
    }
}

/// Creates `dir/.forge-<what>-XXXXXX.partial` (mode 0600), listed for the signal thread.
pub fn partial_file(dir: &Path, what: &str) -> io::Result<PartialFile> {
    let file = tempfile::Builder::new()
        .prefix(&format!("{PARTIAL_PREFIX}{what}-"))
        .suffix(PARTIAL_SUFFIX)
        .tempfile_in(dir)?;
    let path = file.path().to_path_buf();
    live().push(path.clone());
    Ok(PartialFile {
        file,
        _listed: Listed(path),
    })
}

/// Removes the partial files a killed forge left in `dir` a day ago or more: regular files
/// (not links) named `.forge-<what>-XXXXXX.partial`, nothing else. Returns how many went.
pub fn sweep_partials(dir: &Path) -> usize {
    let now = SystemTime::now();
    let Ok(listing) = std::fs::read_dir(dir) else {
        return 0;
    };
    listing
        .filter_map(Result::ok)
        .filter(|item| {
            let name = item.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PARTIAL_PREFIX) && name.ends_with(PARTIAL_SUFFIX)
        })
        .filter(|item| is_stale(&item.path(), now))
        .filter(|item| std::fs::remove_file(item.path()).is_ok())
        .inspect(|item| tracing::info!("removed a stale partial file: {}", item.path().display()))
        .count()
}

/// Removes the marked scratch dirs in the system temp dir that are a day old: what a killed
/// forge left behind. Returns how many went; a dir that cannot be removed stays for next time.
/// Runs at most once an hour per temp dir.
pub fn sweep_stale() -> usize {
    let root = std::env::temp_dir();
    let now = SystemTime::now();
    // A shared temp dir can hold thousands of entries: looked through at most once an hour
    // (a stamp file's age says when), not at every start.
    let stamp = root.join(SWEPT_STAMP);
    let swept_lately = std::fs::metadata(&stamp)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|swept| now.duration_since(swept).ok())
        .is_some_and(|since| since < SWEEP_EVERY);
    if swept_lately {
        return 0;
    }
    let _ = std::fs::File::create(&stamp).and_then(|file| file.set_modified(now));
    let removed = sweep(&root, now);
    tracing::debug!(removed, dir = %root.display(), "swept stale scratch dirs");
    removed
}

fn sweep(root: &Path, now: SystemTime) -> usize {
    let Ok(listing) = std::fs::read_dir(root) else {
        return 0;
    };
    listing
        .filter_map(Result::ok)
        .filter(|item| item.file_name().to_string_lossy().starts_with(PREFIX))
        // Not followed: a link to a directory is not a scratch dir.
        .filter(|item| item.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter(|item| is_stale(&item.path().join(MARKER), now))
        .filter(|item| std::fs::remove_dir_all(item.path()).is_ok())
        .count()
}

/// The marker (or partial file) is a regular file (not a link) last written at least
/// [`STALE_AFTER`] ago.
fn is_stale(marker: &Path, now: SystemTime) -> bool {
    std::fs::symlink_metadata(marker)
        .ok()
        .filter(|meta| meta.file_type().is_file())
        .and_then(|meta| meta.modified().ok())
        .and_then(|written| now.duration_since(written).ok())
        .is_some_and(|age| age >= STALE_AFTER)
}

/// The signal thread could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("cannot handle signals: {0}")]
pub struct SignalSetupError(#[from] io::Error);

impl crate::error::Diagnose for SignalSetupError {
    fn exit_code(&self) -> crate::error::ExitCode {
        crate::error::ExitCode::Operational
    }
}

/// For a command without a signal handler of its own: SIGINT, SIGTERM or SIGHUP removes this
/// process's scratch dirs and partial files, then exits 128 + the signal as the default
/// action would have.
/// Commands that handle Ctrl-C themselves (wait, canary, sandbox) must not call this: it would
/// exit before they reach their safe point; their dirs go on drop as they unwind.
pub fn remove_on_signal() -> Result<(), SignalSetupError> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("scratch-cleanup".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until exit, so no new dir is made after the removal.
                let live = live();
                for path in live.iter() {
                    if std::fs::remove_dir_all(path).is_err() {
                        let _ = std::fs::remove_file(path);
                    }
                }
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plant(root: &Path, name: &str, marker_age: Option<Duration>, now: SystemTime) -> PathBuf {
        let dir = root.join(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("kustomization.yaml"), "resources: []\n").unwrap();
        if let Some(age) = marker_age {
            let marker = std::fs::File::create(dir.join(MARKER)).unwrap();
            marker.set_modified(now - age).unwrap();
        }
        dir
    }

    #[test]
    fn the_sweep_removes_only_marked_dirs_a_day_old() {
        let root = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let day = STALE_AFTER;
        let old_marked = plant(root.path(), "forge-bundle-old", Some(day * 2), now);
        let fresh_marked = plant(root.path(), "forge-bundle-new", Some(day / 2), now);
        let old_unmarked = plant(root.path(), "forge-render-old", None, now);
        let someone_elses = plant(root.path(), "cargo-install-old", Some(day * 2), now);
        // A marker that is a directory, or a link, proves nothing.
        let odd_marker = plant(root.path(), "forge-odd", None, now);
        std::fs::create_dir(odd_marker.join(MARKER)).unwrap();
        let linked_marker = plant(root.path(), "forge-linked", None, now);
        std::os::unix::fs::symlink(old_marked.join(MARKER), linked_marker.join(MARKER)).unwrap();
        // A link named like a scratch dir, to a marked old dir elsewhere: not followed.
        let elsewhere = tempfile::tempdir().unwrap();
        let target = plant(elsewhere.path(), "forge-target", Some(day * 2), now);
        std::os::unix::fs::symlink(&target, root.path().join("forge-link")).unwrap();

        assert_eq!(sweep(root.path(), now), 1);
        assert!(!old_marked.exists());
        for kept in [
            &fresh_marked,
            &old_unmarked,
            &someone_elses,
            &odd_marker,
            &linked_marker,
            &target,
        ] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
    }

    #[test]
    fn the_partial_sweep_removes_only_forge_partial_files_a_day_old() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let plant = |name: &str, age: Duration| {
            let path = dir.path().join(name);
            std::fs::File::create(&path)
                .unwrap()
                .set_modified(now - age)
                .unwrap();
            path
        };
        let old = plant(".forge-bundle-Ab12Cd.partial", STALE_AFTER * 2);
        let fresh = plant(".forge-bundle-Ef34Gh.partial", STALE_AFTER / 2);
        let users = plant("bundle.partial", STALE_AFTER * 2);
        let unsuffixed = plant(".forge-bundle-notes", STALE_AFTER * 2);
        // A link or a directory by that name is not a partial file.
        let link = dir.path().join(".forge-link-XXXXXX.partial");
        std::os::unix::fs::symlink(&users, &link).unwrap();
        let folder = dir.path().join(".forge-dir-XXXXXX.partial");
        std::fs::create_dir(&folder).unwrap();

        assert_eq!(sweep_partials(dir.path()), 1);
        assert!(!old.exists());
        for kept in [&fresh, &users, &unsuffixed, &link, &folder] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
    }

    #[test]
    fn a_partial_file_is_listed_until_persisted_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let dropped = partial_file(dir.path(), "test").unwrap();
        let path = dir.path().join(dropped.file.path().file_name().unwrap());
        assert!(live().contains(&path));
        drop(dropped);
        assert!(!path.exists());
        assert!(!live().contains(&path));

        let kept = partial_file(dir.path(), "test").unwrap();
        let path = kept.file.path().to_path_buf();
        let target = dir.path().join("done");
        kept.persist(&target).unwrap();
        assert!(target.is_file() && !path.exists());
        assert!(!live().contains(&path));
    }

    #[test]
    fn a_scratch_dir_is_marked_listed_and_gone_on_drop() {
        let dir = scratch_dir("test").unwrap();
        let path = dir.path().to_path_buf();
        assert!(path.join(MARKER).is_file());
        assert!(live().contains(&path));
        // Fresh: the sweep leaves a running forge's dirs alone.
        assert!(!is_stale(&path.join(MARKER), SystemTime::now()));
        drop(dir);
        assert!(!path.exists());
        assert!(!live().contains(&path));
    }
}
