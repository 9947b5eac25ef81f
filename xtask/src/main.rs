//! `cargo xtask …`: runs `data` commands and `tidy` itself (neither needs tensors, so xtask
//! compiles without Burn) and hands every other command, `--help` included, unparsed to the `atelier`
//! runner binary, built with the same profile as the tests so a machine compiles Burn once. The
//! runner parses the command line (`atelier-cli`), whose `--help` states each model's defaults
//! from the model crates.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Parser;

mod cli;
mod data;
mod tidy;

use cli::{DataCommand, XtaskCli, XtaskCommand};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_none_or(|first| first != "data" && first != "tidy") {
        // The runner prints its own errors; pass its exit code through.
        return run_runner(&args);
    }
    let command = match XtaskCli::parse().command {
        XtaskCommand::Data(command) => command,
        XtaskCommand::Tidy => return exit(tidy::run(&project_root())),
    };
    let result = match command {
        DataCommand::Fetch { dataset, dir } => data::fetch(dataset, dir, &project_root()),
        DataCommand::Pngs { split, data_dir, limit, noise, blur, out } => {
            data::pngs(split, data_dir.as_deref(), limit, noise, blur, &out)
        }
        DataCommand::SubsetEmoji { from, out } => data::subset_emoji(from.as_deref(), &project_root().join(out)),
        DataCommand::Subset { from, train_per_class, test_per_class, out } => {
            data::subset(from.as_deref(), train_per_class, test_per_class, &project_root().join(out))
        }
    };
    exit(result)
}

fn exit(result: Result<(), String>) -> ExitCode {
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

/// Runs `cargo run -p atelier-runner -- <the same arguments>` and returns its exit code.
fn run_runner(args: &[OsString]) -> ExitCode {
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
    command.arg("--").args(args);
    match command.status() {
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| c.clamp(0, 255) as u8)),
        Err(e) => {
            eprintln!("error: could not start cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
