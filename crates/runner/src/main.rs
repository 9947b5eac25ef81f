//! `atelier`: the binary `cargo xtask` hands tensor work to. Each command maps to a model crate
//! and the shared training loop. Model crates do no file IO: the loop (`atelier-train`) writes a
//! run's checkpoints, metrics and plots; this binary reads and writes its configs, PNG folders and
//! evaluation results (see ARCHITECTURE.md, "Who reads and writes files").

mod backends;
mod bench;
mod bench_all;
mod bench_ops;
mod config;
mod data;
mod demo;
mod environment;
mod eval;
mod evaluator;
mod images;
mod models;
mod paired;
mod png_folder;
mod recorded_data;
mod repo;
mod report;
mod sample;
mod scorer;
mod sweep;
mod train;
mod written;

use std::process::ExitCode;

use atelier_cli::Command;

fn main() -> ExitCode {
    let cli = atelier_cli::parse();
    // Before any device opens: run again with the environment the runtimes read, if it is not set.
    // A resumed or repeated run without --backend uses the backend its config.json records.
    let backend = cli.command.backend().or_else(|| train::recorded_backend(&cli.command));
    let opens_gpu = cli.command.may_open_gpu() || backend.is_some_and(|b| !b.is_cpu());
    match environment::rerun_if_needed(backend, opens_gpu) {
        Ok(Some(exit_code)) => return exit_code,
        Ok(None) => {}
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    }
    let result = match cli.command {
        Command::Train(cmd) => train::run(*cmd).map(|_| ()),
        Command::Eval(cmd) => eval::run(&cmd).map(|_| ()),
        Command::Bench(cmd) => bench::run(&cmd),
        Command::Sweep(cmd) => sweep::run(&cmd),
        Command::Sample(cmd) => sample::run(&cmd),
        Command::Translate(cmd) => models::pix2pix::translate::run(&cmd),
        Command::Segment(cmd) => models::segmentation::segment::run(&cmd),
        Command::Search(cmd) => models::facenet::search::search(&cmd),
        Command::Cluster(cmd) => models::facenet::search::cluster(&cmd),
        Command::Backends => backends::run(),
        Command::Demo(args) => demo::run(&args),
        Command::Report(args) => report::run(&args),
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
