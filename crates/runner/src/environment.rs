//! The environment the runtimes read, set before any device opens.
//!
//! - `BURN_DEVICE`: Burn's `Device::default()` (used internally, e.g. when loading optimizer
//!   state) follows it, so it must name the backend the command asks for.
//! - `XDG_RUNTIME_DIR`: without it, the Vulkan driver under `wgpu` (looking for a Wayland display)
//!   prints `error: XDG_RUNTIME_DIR is invalid or not set in the environment.` for every device
//!   it opens, which reads as a failure. When it is missing and the command may open a GPU device,
//!   a private empty folder stands in.
//!
//! A process cannot safely change its own environment once threads may run, so when either
//! variable needs setting the runner runs itself again as a child with them set, waits for it and
//! passes its exit code on (the private folder is removed afterwards).

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use atelier_backend::Backend;

/// Runs this command again in a child process when the environment is not right for `backend`
/// (the one typed with `--backend`, if any) or, when the command `opens_gpu`, for the Vulkan
/// driver; returns the child's exit code, or `None` when this process may go on.
pub fn rerun_if_needed(backend: Option<Backend>, opens_gpu: bool) -> Result<Option<ExitCode>, String> {
    let burn_device =
        backend.map(Backend::name).filter(|name| std::env::var("BURN_DEVICE").ok().as_deref() != Some(*name));
    let runtime_dir_missing = opens_gpu && std::env::var_os("XDG_RUNTIME_DIR").is_none_or(|dir| !is_absolute(&dir));
    if burn_device.is_none() && !runtime_dir_missing {
        return Ok(None);
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program to run it again: {e}"))?;
    let mut child = Command::new(exe);
    child.args(std::env::args_os().skip(1));
    if let Some(name) = burn_device {
        child.env("BURN_DEVICE", name);
    }
    let runtime_dir = if runtime_dir_missing {
        // Owner-only (0700), as the XDG specification asks; removed when dropped.
        let mut builder = tempfile::Builder::new();
        builder.prefix("atelier-runtime-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder
            .tempdir()
            .map_err(|e| format!("cannot create a private XDG_RUNTIME_DIR in the temp folder: {e}"))?;
        child.env("XDG_RUNTIME_DIR", dir.path());
        Some(dir)
    } else {
        None
    };
    // The child runs in its own process group, so a terminal's Ctrl-C reaches only this process,
    // which passes each SIGINT on (the child checkpoints and stops; a second one quits), as it
    // does a `kill -INT` sent to this process.
    let child_pid = Arc::new(AtomicU32::new(0));
    let pid = child_pid.clone();
    let _ = ctrlc::set_handler(move || {
        let pid = pid.load(Ordering::SeqCst);
        if pid != 0 {
            let _ = Command::new("kill").args(["-INT", &pid.to_string()]).status();
        }
    });
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut child, 0);
    let mut running = child.spawn().map_err(|e| format!("cannot run this program again: {e}"))?;
    child_pid.store(running.id(), Ordering::SeqCst);
    let status = running.wait().map_err(|e| format!("waiting for the rerun of this program: {e}"))?;
    drop(runtime_dir);
    Ok(Some(ExitCode::from(status.code().map_or(1, |code| code.clamp(0, 255) as u8))))
}

fn is_absolute(dir: &OsStr) -> bool {
    Path::new(dir).is_absolute()
}
