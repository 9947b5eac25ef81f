//! `run.json`: enough about where a run came from to reproduce it.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::clock;

/// Provenance of one run, written as `run.json` at the start and completed at the end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Provenance {
    pub atelier_version: String,
    pub burn_version: String,
    /// `git rev-parse HEAD` of the checkout, or "unknown" outside a git checkout.
    pub git_revision: String,
    /// Whether the checkout had uncommitted changes (then the revision alone does not reproduce it).
    pub git_dirty: bool,
    pub backend: String,
    pub device: String,
    /// The command line as typed (the runner's arguments).
    pub command_line: Vec<String>,
    /// Which data the run used, e.g. "/usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist)".
    pub data_source: String,
    pub threads: usize,
    pub started: String,
    pub finished: Option<String>,
    /// `completed`, `interrupted`, `failed: <reason>`, or `running`.
    pub status: String,
    /// Runs this one resumed from (one entry per resume: the step it continued at).
    #[serde(default)]
    pub resumed_at_steps: Vec<u64>,
}

impl Provenance {
    pub fn new(burn_version: &str, backend: &str, device: &str, data_source: &str, repo_root: &Path) -> Self {
        let (git_revision, git_dirty) = git_state(repo_root);
        Self {
            atelier_version: env!("CARGO_PKG_VERSION").to_string(),
            burn_version: burn_version.to_string(),
            git_revision,
            git_dirty,
            backend: backend.to_string(),
            device: device.to_string(),
            command_line: std::env::args().collect(),
            data_source: data_source.to_string(),
            threads: crate::threads::cpu_threads(),
            started: clock::iso8601(clock::unix_now()),
            finished: None,
            status: "running".to_string(),
            resumed_at_steps: Vec::new(),
        }
    }

    pub fn finish(&mut self, status: &str) {
        self.finished = Some(clock::iso8601(clock::unix_now()));
        self.status = status.to_string();
    }
}

/// The checkout's revision and whether it has uncommitted changes.
fn git_state(repo_root: &Path) -> (String, bool) {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(repo_root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "HEAD"]) {
        Some(rev) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            (rev, dirty)
        }
        None => ("unknown".to_string(), false),
    }
}
