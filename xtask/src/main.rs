//! `cargo xtask …`: parses the command line (see `atelier-cli`), runs `data` commands itself and
//! hands every command that needs tensors to the `atelier` runner binary, built with the same
//! profile as the tests so a machine compiles Burn once.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use atelier_cli::{BackendArg, Cli, Command as Cmd, DataCommand};
use clap::Parser;

mod data;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Cmd::Data(DataCommand::Fetch { dataset, dir }) => data::fetch(*dataset, dir.clone(), &project_root()),
        Cmd::Data(DataCommand::Pngs { split, data_dir, limit, noise, blur, out }) => {
            data::pngs(*split, data_dir.as_deref(), *limit, *noise, *blur, out)
        }
        Cmd::Data(DataCommand::Subset { from, train_per_class, test_per_class, out }) => {
            data::subset(from.as_deref(), *train_per_class, *test_per_class, &project_root().join(out))
        }
        // The runner prints its own errors; pass its exit code through.
        command => return run_runner(chosen_backend(command)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives in `<root>/xtask`).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The backend a command asks for, so the runner's `Device::default()` (used by Burn internals
/// such as optimizer-state loading) is that backend and not whichever GPU backend is compiled.
fn chosen_backend(command: &Cmd) -> Option<BackendArg> {
    match command {
        Cmd::Train(t) => t.model.as_ref().and_then(|model| model.common().backend),
        Cmd::Eval(e) => e.backend,
        Cmd::Sweep(s) => s.backend,
        Cmd::Demo(d) => d.backend,
        Cmd::Sample(s) => s.backend,
        Cmd::Bench(b) if b.backend.len() == 1 => Some(b.backend[0]),
        _ => None,
    }
}

/// Runs `cargo run -p atelier-runner -- <the same arguments>` and returns its exit code.
fn run_runner(backend: Option<BackendArg>) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command.args(["run", "--manifest-path"]).arg(project_root().join("Cargo.toml"));
    command.args(["--package", "atelier-runner", "--bin", "atelier"]);
    // `ATELIER_FEATURES=cuda cargo xtask …` builds the runner with CUDA.
    if let Ok(features) = std::env::var("ATELIER_FEATURES")
        && !features.is_empty()
    {
        command.args(["--features", &format!("atelier-runner/{features}")]);
    }
    command.arg("--").args(std::env::args().skip(1));
    if let Some(b) = backend {
        command.env("BURN_DEVICE", b.name());
    }
    match command.status() {
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| c.clamp(0, 255) as u8)),
        Err(e) => {
            eprintln!("error: could not start cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
