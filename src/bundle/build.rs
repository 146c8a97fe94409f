//! Writing a bundle. Same inputs give the same bytes: sorted entries, uid/gid 0, fixed modes,
//! mtime from the source commit, and zstd with a fixed level and worker count >= 1 (its
//! multithreaded output does not depend on how many workers there are).

use super::manifest::{
    API_VERSION, FileEntry, KIND, MANIFEST_NAME, Manifest, SOURCE_DIR, SourceInfo,
};
use super::{BundleError, check_version, file_name};
use crate::digest::{HashingWriter, file_sha256, prefixed};
use crate::model::SourceKind;
use crate::model::image::ImageRef;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub const ZSTD_LEVEL: i32 = 3;

/// Where the source came from, when it is in git.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    pub repo: Option<String>,
    pub commit: Option<String>,
    pub dirty: Option<bool>,
}

pub struct BuildRequest<'a> {
    pub app: &'a str,
    pub version: &'a str,
    pub source_kind: SourceKind,
    pub source_dir: &'a Path,
    pub images: Vec<ImageRef>,
    pub created_at: i64,
    pub provenance: Provenance,
    pub out_dir: &'a Path,
    /// zstd worker threads; any value >= 1 gives the same bytes.
    pub workers: u32,
}

#[derive(Debug)]
pub struct Built {
    pub path: PathBuf,
    pub digest: String,
    pub size: u64,
    pub manifest: Manifest,
}

/// A source file to pack: where it is on disk and its path inside the bundle.
struct SourceFile {
    disk: PathBuf,
    entry: String,
}

/// Told how much there is to pack, then how much has been packed.
pub trait BuildProgress: Sync {
    fn total(&self, bytes: u64);
    fn packed(&self, bytes: u64);
}

/// No progress reporting (library callers and tests).
impl BuildProgress for () {
    fn total(&self, _: u64) {}
    fn packed(&self, _: u64) {}
}

/// Builds `<out_dir>/<app>-<version>.forge.tar.zst`.
pub fn build(req: &BuildRequest, progress: &dyn BuildProgress) -> Result<Built, BundleError> {
    check_version(req.version)?;
    let files = collect_source(req.source_dir)?;
    let entries = hash_files(&files, req.workers.max(1) as usize)?;
    let total: u64 = entries.iter().map(|e| e.size).sum();
    tracing::info!(
        files = entries.len(),
        bytes = total,
        workers = req.workers,
        "hashed source"
    );
    progress.total(total);
    let manifest = Manifest {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        app: req.app.into(),
        version: req.version.into(),
        created_at: crate::time::rfc3339(req.created_at),
        source: SourceInfo {
            kind: req.source_kind,
            path: SOURCE_DIR.into(),
            repo: req.provenance.repo.clone(),
            commit: req.provenance.commit.clone(),
            dirty: req.provenance.dirty,
        },
        images: req.images.clone(),
        files: entries,
    };
    let mut manifest_json = forge_base::json::to_vec_pretty(&manifest);
    manifest_json.push(b'\n');

    std::fs::create_dir_all(req.out_dir).map_err(|e| io_err(req.out_dir, e))?;
    let path = req.out_dir.join(file_name(req.app, req.version));
    // Written beside the target and renamed into place: a crash never leaves half a bundle,
    // and what a killed build left is swept here a day later.
    crate::fs::scratch::sweep_partials(req.out_dir);
    let temp = crate::fs::scratch::partial_file(req.out_dir, "bundle")
        .map_err(|e| io_err(req.out_dir, e))?;
    // World-readable like what `tar` and `cargo package` write: a bundle is published, not
    // secret (the temp file starts 0600).
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))
        .map_err(|e| io_err(&path, e))?;
    let writer = HashingWriter::new(BufWriter::new(
        temp.as_file().try_clone().map_err(|e| io_err(&path, e))?,
    ));
    let mut encoder =
        zstd::stream::Encoder::new(writer, ZSTD_LEVEL).map_err(|e| io_err(&path, e))?;
    encoder
        .include_checksum(true)
        .map_err(|e| io_err(&path, e))?;
    encoder
        .multithread(req.workers.max(1))
        .map_err(|e| io_err(&path, e))?;
    let mut tar = tar::Builder::new(encoder);

    append(
        &mut tar,
        MANIFEST_NAME,
        manifest_json.len() as u64,
        req.created_at,
        &manifest_json[..],
    )
    .map_err(|e| io_err(&path, e))?;
    for (file, entry) in files.iter().zip(&manifest.files) {
        let reader = File::open(&file.disk).map_err(|e| io_err(&file.disk, e))?;
        let mut counted = CountingReader {
            inner: reader.take(entry.size),
            progress,
            count: 0,
        };
        append(
            &mut tar,
            &file.entry,
            entry.size,
            req.created_at,
            &mut counted,
        )
        .map_err(|e| io_err(&file.disk, e))?;
        if counted.count != entry.size {
            return Err(BundleError::Source {
                path: file.disk.clone(),
                reason: "file changed while the bundle was being built".into(),
            });
        }
    }
    let encoder = tar.into_inner().map_err(|e| io_err(&path, e))?;
    let writer = encoder.finish().map_err(|e| io_err(&path, e))?;
    let (mut buffered, digest, size) = writer.finish();
    buffered.flush().map_err(|e| io_err(&path, e))?;
    drop(buffered);
    temp.as_file().sync_all().map_err(|e| io_err(&path, e))?;
    temp.persist(&path).map_err(|e| io_err(&path, e))?;
    Ok(Built {
        path,
        digest: prefixed(&digest),
        size,
        manifest,
    })
}

fn append(
    tar: &mut tar::Builder<impl Write>,
    entry: &str,
    size: u64,
    mtime: i64,
    data: impl Read,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime.max(0) as u64);
    tar.append_data(&mut header, entry, data)
}

struct CountingReader<'a, R> {
    inner: R,
    progress: &'a dyn BuildProgress,
    count: u64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        self.progress.packed(n as u64);
        Ok(n)
    }
}

fn io_err(path: &Path, source: std::io::Error) -> BundleError {
    BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Every regular file under `root`, sorted by bundle path. `.git` is skipped; symlinks,
/// special files and names a reader would refuse are refused, because a bundle holds regular
/// files at safe paths only.
fn collect_source(root: &Path) -> Result<Vec<SourceFile>, BundleError> {
    let meta = std::fs::metadata(root).map_err(|_| BundleError::Source {
        path: root.to_path_buf(),
        reason: "directory does not exist".into(),
    })?;
    if !meta.is_dir() {
        return Err(BundleError::Source {
            path: root.to_path_buf(),
            reason: "not a directory".into(),
        });
    }
    let mut files = Vec::new();
    let mut pending = vec![(root.to_path_buf(), SOURCE_DIR.to_string())];
    while let Some((dir, prefix)) = pending.pop() {
        let listing = std::fs::read_dir(&dir).map_err(|e| io_err(&dir, e))?;
        for item in listing {
            let item = item.map_err(|e| io_err(&dir, e))?;
            let disk = item.path();
            let name = item
                .file_name()
                .into_string()
                .map_err(|_| BundleError::Source {
                    path: disk.clone(),
                    reason: "file name is not UTF-8".into(),
                })?;
            // A source that is a repository's root holds the repository itself in `.git`
            // (a directory, or a file pointing to one in a worktree): git's data, not source.
            // Every other git name (`.gitmodules`, `.GIT/`…) is refused below, never packed.
            if name == ".git" {
                continue;
            }
            let kind = item.file_type().map_err(|e| io_err(&disk, e))?;
            let entry = format!("{prefix}/{name}");
            // Refuse here what every reader would refuse later.
            super::read::check_entry_path(&entry).map_err(|reason| BundleError::Source {
                path: disk.clone(),
                reason: format!("this name cannot go in a bundle: {reason}"),
            })?;
            if kind.is_dir() {
                pending.push((disk, entry));
            } else if kind.is_file() {
                files.push(SourceFile { disk, entry });
            } else {
                let what = if kind.is_symlink() {
                    "a symlink"
                } else {
                    "not a regular file"
                };
                return Err(BundleError::Source {
                    path: disk,
                    reason: format!(
                        "{what}; bundles hold regular files only (copy the target in instead)"
                    ),
                });
            }
        }
    }
    files.sort_by(|a, b| a.entry.cmp(&b.entry));
    Ok(files)
}

/// Hashes files on `workers` threads, keeping the sorted order.
fn hash_files(files: &[SourceFile], workers: usize) -> Result<Vec<FileEntry>, BundleError> {
    let chunk = files.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|file| {
                            let (digest, size) =
                                file_sha256(&file.disk).map_err(|e| io_err(&file.disk, e))?;
                            Ok(FileEntry {
                                path: file.entry.clone(),
                                size,
                                sha256: hex::encode(digest),
                            })
                        })
                        .collect::<Result<Vec<_>, BundleError>>()
                })
            })
            .collect();
        let mut entries = Vec::with_capacity(files.len());
        for handle in handles {
            entries.extend(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
            );
        }
        Ok(entries)
    })
}
