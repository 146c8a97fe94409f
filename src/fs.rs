//! Filesystem helpers: atomic writes of user-visible files, bounded reads of input files,
//! reading a directory tree, forge's scratch dirs.

pub mod scratch;

use crate::model::{Content, Files};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Writes `bytes` to `path` through a temp file in the same directory and a rename, so readers
/// see the old file or the new one, never half of one. `mode` is set before any byte lands.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A directory that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}: {source}", path.display())]
pub struct ReadTreeError {
    pub path: std::path::PathBuf,
    pub source: std::io::Error,
}

impl crate::error::Diagnose for ReadTreeError {
    fn exit_code(&self) -> crate::error::ExitCode {
        crate::error::ExitCode::Operational
    }
}

/// Every file under `dir`, by path relative to it, as the file it is: nothing is read.
pub fn list_tree(dir: &Path) -> Result<Files, ReadTreeError> {
    let mut files = Files::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReadTreeError { path, source }
    };
    while let Some((current, prefix)) = pending.pop() {
        for item in std::fs::read_dir(&current).map_err(fail(&current))? {
            let item = item.map_err(fail(&current))?;
            let name = item.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if item.file_type().map_err(fail(&item.path()))?.is_dir() {
                pending.push((item.path(), rel));
            } else {
                files.insert(rel, Content::File(item.path()));
            }
        }
    }
    Ok(files)
}

/// Every file under `dir` with its bytes, by path relative to it.
pub fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, ReadTreeError> {
    list_tree(dir)?
        .into_iter()
        .map(|(rel, content)| match content {
            Content::File(path) => std::fs::read(&path)
                .map(|bytes| (rel, bytes))
                .map_err(|source| ReadTreeError { path, source }),
            Content::Bytes(bytes) => Ok((rel, bytes)),
        })
        .collect()
}

/// Writes `files` as the directory `dir`, which must be new or empty. A new dir appears
/// all at once: written as a temp dir beside it, then renamed. Into an existing empty dir
/// (perhaps a mount point, which cannot be replaced) each top-level entry is renamed in
/// whole. Either way no reader sees half a file, and a failed write leaves no temp behind.
/// Files on disk are copied by the kernel (`copy_file_range`), never through memory.
/// Nothing is synced: a rendered dir is made again at will.
pub fn write_dir_atomic(dir: &Path, files: &Files) -> std::io::Result<()> {
    let exists = dir.is_dir();
    let stage_in = if exists {
        dir
    } else {
        dir.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    std::fs::create_dir_all(stage_in)?;
    let temp = tempfile::Builder::new()
        .prefix(".forge-render-")
        .tempdir_in(stage_in)?;
    // The temp dir starts 0700; the result is a plain directory like any other.
    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755))?;
    for (rel, content) in files {
        let path = temp.path().join(rel);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let mut file = File::options()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&path)?;
        match content {
            Content::Bytes(bytes) => file.write_all(bytes)?,
            Content::File(source) => {
                std::io::copy(&mut File::open(source)?, &mut file)?;
            }
        }
    }
    if exists {
        for entry in std::fs::read_dir(temp.path())? {
            let entry = entry?;
            std::fs::rename(entry.path(), dir.join(entry.file_name()))?;
        }
        return Ok(());
    }
    std::fs::rename(temp.path(), dir)?;
    // Renamed into place: nothing left for the guard to remove.
    let _ = temp.keep();
    Ok(())
}

/// Why an input file (a bundle, a signature, a key) was refused before or instead of being
/// read. Its `Display` continues a sentence that names the file: "key k.pub is a FIFO…".
#[derive(Debug, thiserror::Error)]
pub enum InputFileError {
    #[error("does not exist")]
    NotFound,
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("is larger than the limit of {}", human_size(*.0))]
    TooLarge(u64),
    #[error("cannot be read: {0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for InputFileError {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::NotFound => InputFileError::NotFound,
            _ => InputFileError::Io(err),
        }
    }
}

impl crate::error::Diagnose for InputFileError {
    fn exit_code(&self) -> crate::error::ExitCode {
        match self {
            InputFileError::Io(_) => crate::error::ExitCode::Operational,
            _ => crate::error::ExitCode::Usage,
        }
    }
}

/// Opens `path` for reading when it is a regular file (or a link to one). A FIFO, a device, a
/// socket or a directory is refused before it is opened, so forge never waits on a FIFO's
/// writer or reads a device without end; the open itself is non-blocking and checked again,
/// so a path swapped for a FIFO after the first check is refused too, not waited on.
pub fn open_regular(path: &Path) -> Result<File, InputFileError> {
    check_regular(&std::fs::metadata(path)?)?;
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    check_regular(&file.metadata()?)?;
    Ok(file)
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), InputFileError> {
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    };
    Err(InputFileError::NotRegular(what))
}

/// The bytes of the regular file `path`, refused when it holds more than `limit`: at most
/// `limit + 1` bytes are ever read, however large the file is.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, InputFileError> {
    let mut bytes = Vec::new();
    open_regular(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(InputFileError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Byte counts for people: `923 B`, `12.4 KiB`, `200.0 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reads_take_regular_files_within_the_limit_only() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, b"12345").unwrap();
        assert_eq!(read_bounded(&small, 5).unwrap(), b"12345");
        assert!(matches!(
            read_bounded(&small, 4),
            Err(InputFileError::TooLarge(4))
        ));
        assert!(matches!(
            read_bounded(dir.path(), 4),
            Err(InputFileError::NotRegular("a directory"))
        ));
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 4),
            Err(InputFileError::NotRegular("a device"))
        ));
        assert!(matches!(
            read_bounded(&dir.path().join("missing"), 4),
            Err(InputFileError::NotFound)
        ));
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Returns at once: nothing ever opens the FIFO for writing.
        assert!(matches!(
            read_bounded(&fifo, 4),
            Err(InputFileError::NotRegular("a FIFO"))
        ));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(923), "923 B");
        assert_eq!(human_size(64 << 10), "64.0 KiB");
        assert_eq!(human_size(1 << 20), "1.0 MiB");
    }
}
