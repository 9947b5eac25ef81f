//! `atelier`: the binary `cargo xtask` hands tensor work to. Each command maps to a model crate
//! and the shared training loop; this is the only place that does their file IO.

mod backends;
mod bench;
mod config;
mod data;
mod demo;
mod eval;
mod images;
mod models;
mod sample;
mod sweep;
mod train;

use std::process::ExitCode;

use atelier_cli::{Cli, Command};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(cmd) => train::run(*cmd).map(|_| ()),
        Command::Eval(cmd) => eval::run(&cmd).map(|_| ()),
        Command::Bench(cmd) => bench::run(&cmd),
        Command::Sweep(cmd) => sweep::run(&cmd),
        Command::Sample(cmd) => sample::run(&cmd),
        Command::Backends => backends::run(),
        Command::Demo(args) => demo::run(&args),
        Command::Data(_) => Err("`data` commands are run by `cargo xtask data …` (no tensors needed)".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
