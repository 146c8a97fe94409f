//! `forge bundle inspect BUNDLE`: what a bundle holds, after every entry is checked.

use crate::bundle::read::{Limits, verify};
use crate::commands::Context;
use crate::error::CliError;
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Path to a .forge.tar.zst bundle.
    pub bundle: PathBuf,
}

pub fn run(ctx: &Context, args: InspectArgs) -> Result<(), CliError> {
    let verified = verify(&args.bundle, &Limits::default())?;
    let signature = crate::signing::signature_path(&args.bundle);
    let signature = signature.is_file().then_some(signature);
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(
            data,
            &serde_json::json!({
                "path": args.bundle,
                "digest": verified.digest(),
                "size": verified.size,
                "signature": signature,
                "manifest": verified.manifest,
            }),
        );
    }
    let m = &verified.manifest;
    let mut text = String::new();
    let _ = writeln!(text, "app:       {}", m.app);
    let _ = writeln!(text, "version:   {}", m.version);
    let _ = writeln!(text, "digest:    {}", verified.digest());
    let _ = writeln!(text, "size:      {}", crate::fs::human_size(verified.size));
    let _ = writeln!(text, "created:   {}", m.created_at);
    let _ = writeln!(text, "source:    {} in {}/", m.source.kind, m.source.path);
    if let Some(commit) = &m.source.commit {
        let dirty = if m.source.dirty == Some(true) {
            " (with uncommitted changes)"
        } else {
            ""
        };
        let repo = m.source.repo.as_deref().unwrap_or("local repository");
        let _ = writeln!(text, "commit:    {commit} of {repo}{dirty}");
    }
    let signed = match &signature {
        Some(path) => format!(
            "{} (check it with `forge bundle verify --key`)",
            path.display()
        ),
        None => "none".into(),
    };
    let _ = writeln!(text, "signature: {signed}");
    let _ = writeln!(
        text,
        "images:{}",
        if m.images.is_empty() { " none" } else { "" }
    );
    for image in &m.images {
        let _ = writeln!(text, "  {}  {}", image.name, image.reference);
    }
    let _ = writeln!(text, "files:     {}", m.files.len());
    let width = m.files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    for file in &m.files {
        let _ = writeln!(
            text,
            "  {:width$}  {:>9}  {}",
            file.path,
            file.size,
            &file.sha256[..16]
        );
    }
    crate::ui::emit(&text)
}
