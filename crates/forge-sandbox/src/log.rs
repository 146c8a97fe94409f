//! The sandbox's log: one plain line per API request and per reconcile.

use std::io::Write;
use std::sync::Mutex;

/// Each line is written with a single unbuffered write so `tail -f` and tests see it at once.
#[derive(Default)]
pub(crate) struct Log(Option<Mutex<std::fs::File>>);

impl Log {
    pub(crate) fn create(path: &std::path::Path) -> std::io::Result<Log> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Log(Some(Mutex::new(file))))
    }

    pub(crate) fn line(&self, text: impl std::fmt::Display) {
        if let Some(file) = &self.0 {
            let stamp = crate::time::rfc3339(crate::time::now_epoch());
            let line = format!("{stamp} {text}\n");
            // A full disk must not take the API down: the log is a convenience.
            if let Ok(mut file) = file.lock() {
                let _ = file.write_all(line.as_bytes());
            }
        }
    }
}
