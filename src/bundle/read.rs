//! Opening a bundle safely. Every command that reads a bundle comes through here.
//!
//! Accepted: the manifest first, then only regular files (and directories) at relative, clean
//! paths, each listed in the manifest once with a matching size and SHA-256. Everything else
//! (absolute paths, `..`, control characters, links, devices, fifos, duplicates, unlisted or
//! missing entries, PAX sizes that disagree with the header, directories carrying data) is
//! refused, as are archives past the entry, size, tar-metadata and zstd-window limits.

use super::manifest::{API_VERSION, KIND, MANIFEST_NAME, Manifest, SOURCE_DIR};
use super::{BundleError, check_version};
use crate::digest::{HashingReader, prefixed};
use crate::fs::scratch::{ScratchDir, scratch_dir};
use crate::fs::{InputFileError, human_size};
use crate::model::image::ImageRef;
use crate::model::names::{invisible, path_problem};
use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What tar may read on its own before handing over the next entry: its header, GNU long
/// names, PAX records and padding. tar buffers long names and PAX records whole, so without a
/// cap one small compressed member could claim gigabytes of memory.
const MAX_METADATA: u64 = 1 << 20;
/// Entry names quoted in error messages keep about this many characters (head and tail).
const MAX_SHOWN: usize = 256;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: usize,
    pub max_file_size: u64,
    pub max_total_size: u64,
    pub max_manifest_size: u64,
    /// zstd window as a power of two: a frame asking for more is refused before decoding.
    pub max_window_log: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_file_size: 512 << 20,
            max_total_size: 2 << 30,
            max_manifest_size: 32 << 20,
            max_window_log: 27,
        }
    }
}

/// A bundle whose every entry matched its manifest.
#[derive(Debug)]
pub struct Verified {
    pub manifest: Manifest,
    /// SHA-256 of the bundle file itself (what signatures cover).
    pub sha256: [u8; 32],
    pub size: u64,
}

impl Verified {
    /// The bundle's digest as `sha256:<hex>`.
    pub fn digest(&self) -> String {
        prefixed(&self.sha256)
    }

    /// Refuses when the bytes just verified are not the ones a signature was checked over
    /// (`signed`, from [`file_digest`]): the file changed in between.
    pub fn check_same_as(&self, path: &Path, signed: &[u8; 32]) -> Result<(), BundleError> {
        if self.sha256 == *signed {
            return Ok(());
        }
        Err(BundleError::Changed {
            path: path.to_path_buf(),
            signed: prefixed(signed),
            read: self.digest(),
        })
    }
}

/// A verified bundle unpacked into a private temp dir, removed on drop.
pub struct Extracted {
    pub verified: Verified,
    pub dir: ScratchDir,
}

impl Extracted {
    /// The directory holding the kustomize base or Helm chart.
    pub fn source_dir(&self) -> PathBuf {
        self.dir.path().join(&self.verified.manifest.source.path)
    }
}

/// Opens the bundle file when it is a regular file: a FIFO or a device is refused before it
/// is opened, never waited on or read without end.
fn open_bundle(path: &Path) -> Result<File, BundleError> {
    crate::fs::open_regular(path).map_err(|problem| match problem {
        InputFileError::NotFound => BundleError::NotFound(path.to_path_buf()),
        problem => BundleError::Input {
            path: path.to_path_buf(),
            problem,
        },
    })
}

/// SHA-256 of the bundle file as it is on disk, read before a byte of it is decompressed or
/// parsed: what a signature covers, so a signature is checked before untrusted bytes are
/// unpacked.
pub fn file_digest(path: &Path) -> Result<[u8; 32], BundleError> {
    let mut reader = HashingReader::new(open_bundle(path)?);
    io::copy(&mut reader, &mut io::sink()).map_err(|source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(reader.finish().0)
}

/// Checks every entry against the manifest without writing anything.
pub fn verify(path: &Path, limits: &Limits) -> Result<Verified, BundleError> {
    walk(path, limits, &mut |_, reader| {
        io::copy(reader, &mut io::sink()).map(drop)
    })
}

/// Verifies and unpacks into a fresh temp dir; on any refusal the dir is removed.
pub fn extract(path: &Path, limits: &Limits) -> Result<Extracted, BundleError> {
    let dir = scratch_dir("bundle").map_err(|e| BundleError::Io {
        path: std::env::temp_dir(),
        source: e,
    })?;
    let root = dir.path().to_path_buf();
    let verified = walk(path, limits, &mut |entry, reader| {
        // Paths were checked to be relative and clean, and the dir holds only what we made.
        let target = root.join(entry);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = File::options().write(true).create_new(true).open(&target)?;
        io::copy(reader, &mut file).map(drop)
    })?;
    Ok(Extracted { verified, dir })
}

type Sink<'a> = dyn FnMut(&str, &mut dyn Read) -> io::Result<()> + 'a;

fn walk(path: &Path, limits: &Limits, sink: &mut Sink) -> Result<Verified, BundleError> {
    let corrupt = |reason: String| BundleError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let refused = |entry: &str, reason: &str| BundleError::Refused {
        path: path.to_path_buf(),
        entry: printable(entry),
        reason: reason.to_string(),
    };
    let limit = |what: String, limit: String| BundleError::Limit {
        path: path.to_path_buf(),
        what,
        limit,
    };

    let file = open_bundle(path)?;
    let mut decoder = zstd::stream::Decoder::with_buffer(BufReader::new(HashingReader::new(file)))
        .map_err(|e| corrupt(e.to_string()))?;
    decoder
        .window_log_max(limits.max_window_log)
        .map_err(|e| corrupt(e.to_string()))?;
    let meter = Rc::new(Meter::default());
    let mut archive = tar::Archive::new(Metered {
        inner: decoder,
        meter: Rc::clone(&meter),
    });
    let mut entries = archive
        .entries()
        .map_err(|e| corrupt(zstd_reason(&e, limits)))?;

    let mut manifest: Option<Manifest> = None;
    let mut expected: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut count = 0usize;
    let mut total = 0u64;

    loop {
        meter.allow(MAX_METADATA);
        let next = entries.next();
        meter.allow(u64::MAX);
        let Some(entry) = next else { break };
        let mut entry = entry.map_err(|e| {
            if meter.tripped.get() {
                limit(
                    format!("tar metadata before entry {}", count + 1),
                    human_size(MAX_METADATA),
                )
            } else {
                corrupt(zstd_reason(&e, limits))
            }
        })?;
        count += 1;
        if count > limits.max_entries {
            return Err(limit(
                "number of entries".into(),
                limits.max_entries.to_string(),
            ));
        }
        let raw = entry.path_bytes().into_owned();
        let shown = printable(&String::from_utf8_lossy(&raw));
        let name = std::str::from_utf8(&raw).map_err(|_| refused(&shown, "path is not UTF-8"))?;
        let kind = entry.header().entry_type();
        let is_dir = kind.is_dir();
        if let Some(reason) = refused_kind(kind) {
            return Err(refused(&shown, reason));
        }
        let name = if is_dir {
            name.trim_end_matches('/')
        } else {
            name
        };
        check_entry_path(name).map_err(|reason| refused(&shown, &reason))?;
        if !seen.insert(name.to_string()) {
            return Err(refused(&shown, "duplicate path"));
        }
        let size = entry.header().size().map_err(|e| corrupt(e.to_string()))?;
        // tar honours a PAX size record over the header: readers that do not would see other data.
        if entry.size() != size {
            return Err(refused(
                &shown,
                "PAX size record differs from the tar header size",
            ));
        }

        if manifest.is_none() {
            if name != MANIFEST_NAME || is_dir {
                return Err(refused(&shown, "the first entry must be forge-bundle.json"));
            }
            if size > limits.max_manifest_size {
                return Err(limit(
                    "forge-bundle.json".into(),
                    human_size(limits.max_manifest_size),
                ));
            }
            let mut text = Vec::with_capacity(size as usize);
            (&mut entry)
                .take(size)
                .read_to_end(&mut text)
                .map_err(|e| corrupt(zstd_reason(&e, limits)))?;
            let parsed: Manifest = serde_json::from_slice(&text)
                .map_err(|e| corrupt(format!("forge-bundle.json: {e}")))?;
            expected = check_manifest(&parsed, limits).map_err(|(entry, reason)| match entry {
                Some(entry) => refused(&entry, &reason),
                None => corrupt(format!("forge-bundle.json: {reason}")),
            })?;
            manifest = Some(parsed);
            continue;
        }

        if is_dir {
            if size != 0 {
                return Err(refused(&shown, "directory entry carries data"));
            }
            let prefix = format!("{name}/");
            if !expected.keys().any(|p| p.starts_with(&prefix)) {
                return Err(refused(&shown, "directory is not listed in the manifest"));
            }
            continue;
        }
        let Some((want_size, want_sha)) = expected.remove(name) else {
            return Err(refused(&shown, "not listed in the manifest"));
        };
        if size > limits.max_file_size {
            return Err(limit(
                format!("entry '{shown}' ({})", human_size(size)),
                human_size(limits.max_file_size),
            ));
        }
        total += size;
        if total > limits.max_total_size {
            return Err(limit(
                "total unpacked size".into(),
                human_size(limits.max_total_size),
            ));
        }
        if size != want_size {
            return Err(BundleError::DigestMismatch {
                path: path.to_path_buf(),
                entry: shown,
                reason: format!("size {size} bytes, manifest says {want_size}"),
            });
        }
        let mut hashing = HashingReader::new((&mut entry).take(size));
        sink(name, &mut hashing).map_err(|e| match e.kind() {
            io::ErrorKind::Other | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
                corrupt(zstd_reason(&e, limits))
            }
            _ => BundleError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        let (digest, read) = hashing.finish();
        if read != size {
            return Err(corrupt(format!("entry '{shown}' is truncated")));
        }
        if hex::encode(digest) != want_sha {
            return Err(BundleError::DigestMismatch {
                path: path.to_path_buf(),
                entry: shown,
                reason: "sha256 differs".into(),
            });
        }
    }

    let Some(manifest) = manifest else {
        return Err(corrupt("empty archive: no forge-bundle.json".into()));
    };
    if let Some(missing) = expected.keys().next() {
        return Err(refused(
            missing,
            "listed in the manifest but missing from the archive",
        ));
    }
    if let Some(problem) = source_kind_problem(&manifest) {
        return Err(corrupt(format!("forge-bundle.json: {problem}")));
    }
    // Whatever follows the tar end must still be valid zstd, and small: no hidden payload.
    let mut rest = archive.into_inner().inner;
    let trailing = io::copy(&mut (&mut rest).take(1 << 20), &mut io::sink())
        .map_err(|e| corrupt(zstd_reason(&e, limits)))?;
    if trailing >= 1 << 20 {
        return Err(corrupt("data after the end of the archive".into()));
    }
    let mut raw = rest.finish();
    io::copy(&mut raw, &mut io::sink()).map_err(|e| BundleError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let (digest, size) = raw.into_inner().finish();
    tracing::info!(bundle = %path.display(), entries = count, bytes = total, "every entry matches the manifest");
    Ok(Verified {
        manifest,
        sha256: digest,
        size,
    })
}

fn refused_kind(kind: tar::EntryType) -> Option<&'static str> {
    use tar::EntryType::*;
    match kind {
        Regular | Continuous | Directory => None,
        Symlink => Some("symbolic link"),
        Link => Some("hard link"),
        Char | Block => Some("device file"),
        Fifo => Some("fifo"),
        _ => Some("unsupported entry type"),
    }
}

/// A path is acceptable when it is relative, has no empty, `.` or `..` components, no
/// characters that mean something else on another OS, and nothing else a git tree or a
/// filesystem refuses or shows differently ([`path_problem`]). The first checks name what the
/// path would do inside a bundle (escape it, mean another path on Windows); `path_problem`
/// covers the rest in the words `config validate` uses for envRepo.path.
pub fn check_entry_path(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty path".into());
    }
    if name.starts_with('/') {
        return Err("absolute path".into());
    }
    if name.contains('\\') || name.contains(':') || name.contains('\0') {
        return Err("path contains \\, : or NUL".into());
    }
    if name.chars().any(char::is_control) {
        return Err("path contains a control character".into());
    }
    for part in name.split('/') {
        match part {
            ".." => return Err("path escapes the bundle (..)".into()),
            "" | "." => return Err("path is not clean (empty or . component)".into()),
            _ => {}
        }
    }
    match path_problem(name) {
        Some(problem) => Err(format!("path {problem}")),
        None => Ok(()),
    }
}

/// Why the source the bundle holds (every listed file, each found and matching) is not the
/// kind its manifest says, if it is not: render and deploy act on the kind.
fn source_kind_problem(manifest: &Manifest) -> Option<String> {
    let kind = manifest.source.kind;
    let markers = kind.marker_files();
    let holds = |marker: &&str| {
        manifest.files.iter().any(|file| {
            file.path
                .strip_prefix(SOURCE_DIR)
                .and_then(|p| p.strip_prefix('/'))
                == Some(*marker)
        })
    };
    (!markers.iter().any(holds)).then(|| {
        format!(
            "source.kind is {kind}, but {SOURCE_DIR}/ holds no {}",
            markers.join(" or ")
        )
    })
}

type ManifestProblem = (Option<String>, String);

/// The manifest's own promises: known schema, safe version, every path clean, unique and
/// inside the source dir, sizes within the limits. Returns path → (size, sha256).
fn check_manifest(
    manifest: &Manifest,
    limits: &Limits,
) -> Result<BTreeMap<String, (u64, String)>, ManifestProblem> {
    if manifest.api_version != API_VERSION || manifest.kind != KIND {
        return Err((
            None,
            format!(
                "unknown schema {}/{} (expected {API_VERSION}/{KIND})",
                manifest.api_version, manifest.kind
            ),
        ));
    }
    check_version(&manifest.version).map_err(|e| (None, e.to_string()))?;
    if manifest.source.path != SOURCE_DIR {
        return Err((None, format!("source.path must be '{SOURCE_DIR}'")));
    }
    if !crate::model::names::is_dns_label(&manifest.app) {
        return Err((
            None,
            format!("app '{}' is not a valid name", printable(&manifest.app)),
        ));
    }
    // Everything here is printed by `inspect` and written into commits later: no terminal
    // escapes or line breaks smuggled in.
    let source = &manifest.source;
    let texts = [&manifest.created_at]
        .into_iter()
        .chain(source.repo.iter())
        .chain(source.commit.iter())
        .chain(manifest.images.iter().flat_map(|i| [&i.name, &i.reference]))
        .chain(manifest.images.iter().filter_map(|i| i.digest.as_ref()));
    for text in texts {
        if text.chars().any(char::is_control) {
            return Err((
                None,
                format!("'{}' contains a control character", printable(text)),
            ));
        }
    }
    if manifest.files.len() >= limits.max_entries {
        return Err((
            None,
            format!("lists more than {} files", limits.max_entries),
        ));
    }
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    let source_prefix = format!("{SOURCE_DIR}/");
    for file in &manifest.files {
        check_entry_path(&file.path)
            .map_err(|r| (Some(file.path.clone()), format!("manifest: {r}")))?;
        if !file.path.starts_with(&source_prefix) {
            return Err((
                Some(file.path.clone()),
                format!("manifest: outside {SOURCE_DIR}/"),
            ));
        }
        if file.sha256.len() != 64
            || !file
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err((
                Some(file.path.clone()),
                "manifest: sha256 is not 64 lowercase hex digits".into(),
            ));
        }
        total = total.saturating_add(file.size);
        if file.size > limits.max_file_size || total > limits.max_total_size {
            return Err((
                Some(file.path.clone()),
                "manifest: declared size exceeds the limits".into(),
            ));
        }
        if files
            .insert(file.path.clone(), (file.size, file.sha256.clone()))
            .is_some()
        {
            return Err((
                Some(file.path.clone()),
                "manifest lists the path twice".into(),
            ));
        }
    }
    // Image references are what deploy pins: each must parse as forge parses them at build,
    // with the digest its reference pins and no other.
    for image in &manifest.images {
        let parsed =
            ImageRef::parse(&image.name, &image.reference).map_err(|e| (None, e.to_string()))?;
        if parsed != *image {
            return Err((
                None,
                format!(
                    "image '{}': digest {} is not the one its reference '{}' pins",
                    printable(&image.name),
                    printable(image.digest.as_deref().unwrap_or("(none)")),
                    printable(&image.reference)
                ),
            ));
        }
    }
    // A path that is also another path's directory cannot be unpacked.
    for path in files.keys() {
        let dir = format!("{path}/");
        if files
            .range(dir.clone()..)
            .next()
            .is_some_and(|(other, _)| other.starts_with(&dir))
        {
            return Err((
                Some(path.clone()),
                "manifest lists the path as both a file and a directory".into(),
            ));
        }
    }
    Ok(files)
}

/// An entry name fit for one line of a terminal: control and invisible characters escaped (a
/// right-to-left override would otherwise reorder the message around it), and a long name cut
/// to its first and last `MAX_SHOWN / 2` characters.
fn printable(name: &str) -> String {
    let mut escaped = Vec::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() || invisible(c.encode_utf8(&mut [0; 4])).is_some() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    if escaped.len() <= MAX_SHOWN {
        return escaped.into_iter().collect();
    }
    let half = MAX_SHOWN / 2;
    let mut shown: String = escaped[..half].iter().collect();
    shown.push('…');
    shown.extend(&escaped[escaped.len() - half..]);
    shown
}

/// Counts what tar reads while it looks for the next entry and fails past the allowance.
#[derive(Default)]
struct Meter {
    left: Cell<u64>,
    tripped: Cell<bool>,
}

impl Meter {
    fn allow(&self, bytes: u64) {
        self.left.set(bytes);
    }
}

struct Metered<R> {
    inner: R,
    meter: Rc<Meter>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.meter.left.get();
        if left == 0 && !buf.is_empty() {
            self.meter.tripped.set(true);
            return Err(io::Error::other("tar metadata exceeds its limit"));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.meter.left.set(left - n as u64);
        Ok(n)
    }
}

/// zstd reports a too-large window as a generic I/O error; say what it means.
fn zstd_reason(err: &io::Error, limits: &Limits) -> String {
    let text = err.to_string();
    if text.contains("Frame requires too much memory") || text.contains("window") {
        format!(
            "zstd window larger than the limit of {}",
            human_size(1u64 << limits.max_window_log)
        )
    } else {
        text
    }
}
