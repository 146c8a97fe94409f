//! Filesystem helpers: atomic writes of user-visible files, reading a directory tree.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
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

/// Every file under `dir`, by path relative to it.
pub fn read_tree(dir: &Path) -> Result<std::collections::BTreeMap<String, Vec<u8>>, ReadTreeError> {
    let mut files = std::collections::BTreeMap::new();
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
                files.insert(rel, std::fs::read(item.path()).map_err(fail(&item.path()))?);
            }
        }
    }
    Ok(files)
}
