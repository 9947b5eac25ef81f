//! `atelier`: the binary `cargo xtask` hands tensor work to. The command line is built from the
//! registry of lectures ([`registry`]); `train`, `eval`, `bench`, `sample`, `translate` and the
//! lectures' own verbs go to the lecture the command (or the run's `config.json`) names, through
//! the `Lecture` trait. Lectures do no file IO in their model modules: the shared loop writes a
//! run's checkpoints, metrics and plots; their wiring and this binary read and write the rest (see
//! ARCHITECTURE.md, "Who reads and writes files").

mod backends;
mod bench;
mod bench_all;
mod bench_ops;
mod commands;
mod demo;
mod environment;
mod images;
mod registry;
mod report;

use std::process::ExitCode;

use atelier_cli::Parsed;

fn main() -> ExitCode {
    let registry = registry::lectures();
    let parsed = atelier_cli::parse(&registry);
    // Before any device opens: run again with the environment the runtimes read, if it is not set.
    // A resumed or repeated run without --backend uses the backend its config.json records.
    let backend = parsed.backend().or_else(|| commands::recorded_backend(&parsed));
    let opens_gpu = parsed.may_open_gpu() || backend.is_some_and(|b| !b.is_cpu());
    match environment::rerun_if_needed(backend, opens_gpu) {
        Ok(Some(exit_code)) => return exit_code,
        Ok(None) => {}
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    }
    let result = match parsed {
        Parsed::Backends => backends::run(),
        Parsed::Flags { lecture } => {
            print!("{}", atelier_lecture::flags::markdown_table(lecture));
            Ok(())
        }
        Parsed::Demo(args) => demo::run(&args, &registry),
        Parsed::Report(args) => report::run(&args, &registry),
        Parsed::Bench { lecture, args, typed } => bench::run(lecture, &args, &typed),
        Parsed::BenchAll(args) => bench_all::run(&args, &registry),
        Parsed::BenchOps(args) => bench_ops::run(&args, &registry),
        Parsed::Data => Err("`data` commands are run by `cargo xtask data …` (no tensors needed)".to_string()),
        command => commands::run(command, &registry),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
