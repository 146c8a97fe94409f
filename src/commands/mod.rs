//! One module per command. Each parses its arguments into typed settings, calls one operation
//! (most of them in [`crate::ship`]) and prints its report; `cli` dispatches to them. No
//! command imports another; what several share lives in [`args`] or below `commands/`.

pub mod args;
pub mod bootstrap;
pub mod bundle;
pub mod canary;
pub mod complete;
pub mod completions;
pub mod config;
pub mod demo;
pub mod deploy;
pub mod diff;
pub mod examples;
pub mod history;
pub mod init;
pub mod keygen;
pub mod promote;
pub mod render;
pub mod rollback;
pub mod sandbox;
pub mod status;
pub mod wait;

pub use crate::context::{Context, ProcessEnv};
