//! forge: a GitOps-first deployment CLI. The binary (`src/main.rs`) only parses arguments,
//! runs a command from [`commands`] and maps its error to an exit code.

pub mod bundle;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod context;
pub mod decide;
pub mod digest;
pub mod duration;
pub mod engine;
pub mod envrepo;
pub mod error;
pub mod fs;
pub mod gate;
pub mod git;
pub mod model;
pub mod render;
pub mod ship;
pub mod signing;
// The calendar helpers live in the sandbox crate: it needs them too and cannot depend on forge.
pub use forge_base::time;
pub mod ui;
