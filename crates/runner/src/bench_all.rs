//! `bench all`: every lecture's bench in one table, each (model, backend) in a fresh process of
//! this binary (`bench <model> --json`), and with `--reference pytorch` the same models in PyTorch
//! (`crates/runner/reference/pytorch_reference.py`) run right after ours, model by model, with the
//! same batch size and thread count, so both are measured in the same sitting. `--rounds N`
//! alternates N times and keeps the median of each.

use std::path::Path;
use std::process::Command;

use atelier_backend::Backend;
use atelier_cli::{BenchAllArgs, Reference};
use atelier_lecture::{InAll, Registry};
use serde_json::Value;

/// The batch size and timed steps of a lecture in `bench all`: the flags', except where the
/// lecture's bench fixes its own (a slow step measured at the PyTorch reference's batch and a few
/// steps). A bench with several rows keeps its last line.
fn batch_and_steps(in_all: &InAll, args: &BenchAllArgs) -> (usize, usize) {
    let batch = in_all.batch_size.unwrap_or(args.bench.batch_size);
    let steps = in_all.max_steps.map_or(args.bench.steps, |most| args.bench.steps.min(most));
    (batch, steps)
}
/// The reference script, relative to the repository root.
pub const PYTORCH_SCRIPT: &str = "crates/runner/reference/pytorch_reference.py";

/// One measurement: ours on a backend, or the reference.
#[derive(Debug, Clone)]
struct Measured {
    model: &'static str,
    backend: String,
    device: String,
    speed: f64,
    unit: &'static str,
    peak_memory_mb: f64,
    threads: u64,
    /// Share of the step spent assembling batches (ours, image models).
    data_share: Option<f64>,
}

pub fn run(args: &BenchAllArgs, registry: &Registry) -> Result<(), String> {
    let backends = if args.bench.backend.is_empty() { vec![Backend::Flex] } else { args.bench.backend.clone() };
    if args.rounds == 0 || args.bench.steps == 0 || args.bench.batch_size == 0 {
        return Err("--rounds, --steps and --batch-size must be at least 1".into());
    }
    let python = args.reference.interpreter();
    let reference = args.reference.reference;
    if reference == Some(Reference::Pytorch) {
        check_pytorch(&python)?;
    }
    let threads = atelier_core::threads::cpu_threads();
    // `--model` keeps the course's order.
    let models: Vec<(&'static str, InAll)> = registry
        .all()
        .iter()
        .filter_map(|l| l.bench_info().map(|info| (l.id(), info.in_all)))
        .filter(|(m, _)| args.models.is_empty() || args.models.iter().any(|a| a == m))
        .collect();
    eprintln!(
        "bench all: {} model(s) × {} backend(s), {} round(s), {threads} CPU threads",
        models.len(),
        backends.len(),
        args.rounds
    );
    let mut rows: Vec<Measured> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for (model, in_all) in models {
        let mut samples: Vec<Vec<Measured>> = vec![Vec::new(); backends.len() + 1];
        for round in 0..args.rounds {
            for (i, &backend) in backends.iter().enumerate() {
                eprintln!("  {model} on {backend} (round {}) …", round + 1);
                match ours(model, &in_all, backend, args) {
                    Ok(m) => samples[i].push(m),
                    Err(e) => failures.push(format!("{model} on {backend}: {e}")),
                }
            }
            if reference == Some(Reference::Pytorch) {
                eprintln!("  {model} in PyTorch (round {}) …", round + 1);
                match pytorch(model, &in_all, &python, threads, args) {
                    Ok(m) => samples[backends.len()].push(m),
                    Err(e) => failures.push(format!("{model} in PyTorch: {e}")),
                }
            }
        }
        rows.extend(samples.into_iter().filter_map(median));
    }
    record(&rows, &args.bench.out, args.bench.no_record)?;
    if args.bench.json {
        for r in &rows {
            println!("{}", to_json(r));
        }
    } else {
        print_table(&rows);
    }
    for f in &failures {
        eprintln!("warning: {f}");
    }
    if rows.is_empty() { Err("no bench succeeded".into()) } else { Ok(()) }
}

/// `bench <model> --json` for one backend in a fresh process.
fn ours(model: &'static str, in_all: &InAll, backend: Backend, args: &BenchAllArgs) -> Result<Measured, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    command.env("BURN_DEVICE", backend.name()).args([
        "bench",
        model,
        "--json",
        "--no-record",
        "--backend",
        backend.name(),
    ]);
    command.args(in_all.flags);
    let (batch, steps) = batch_and_steps(in_all, args);
    command.args(["--batch-size", &batch.to_string()]);
    command.args(["--warmup", &args.bench.warmup.to_string(), "--steps", &steps.to_string()]);
    parse(model, &run_for_line(command)?)
}

/// The reference script for one model, with our batch size and thread count.
fn pytorch(
    model: &'static str,
    in_all: &InAll,
    python: &Path,
    threads: usize,
    args: &BenchAllArgs,
) -> Result<Measured, String> {
    let mut command = Command::new(python);
    command.arg(atelier_lecture::repo::root().join(PYTORCH_SCRIPT)).arg(model);
    let (batch, steps) = batch_and_steps(in_all, args);
    command.args(["--batch", &batch.to_string(), "--threads", &threads.to_string()]);
    command.args(["--warmup", &args.bench.warmup.to_string(), "--steps", &steps.to_string()]);
    parse(model, &run_for_line(command)?)
}

fn check_pytorch(python: &Path) -> Result<(), String> {
    let output = Command::new(python).args(["-c", "import torch; print(torch.__version__)"]).output();
    match output {
        Ok(o) if o.status.success() => {
            eprintln!("PyTorch {} ({})", String::from_utf8_lossy(&o.stdout).trim(), python.display());
            Ok(())
        }
        _ => Err(format!(
            "--reference pytorch needs a Python with PyTorch: {} cannot import torch. Install it (CPU is enough): \
             python3 -m venv .venv && .venv/bin/pip install torch, then pass --python .venv/bin/python or set ATELIER_PYTHON",
            python.display()
        )),
    }
}

/// Runs `command` and returns the last non-empty line of its stdout.
fn run_for_line(mut command: Command) -> Result<Value, String> {
    let output = command.output().map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(format!(
            "exited with {}: {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().rev().find(|l| !l.trim().is_empty()).ok_or("printed nothing")?;
    serde_json::from_str(line).map_err(|e| format!("unreadable result {line:?}: {e}"))
}

fn parse(model: &'static str, value: &Value) -> Result<Measured, String> {
    let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    let (speed, unit) = match (value.get("images_per_s"), value.get("updates_per_s")) {
        (Some(v), _) => (v.as_f64(), "images/s"),
        (None, Some(v)) => (v.as_f64(), "updates/s"),
        (None, None) => (None, ""),
    };
    Ok(Measured {
        model,
        backend: text("backend"),
        device: text("device"),
        speed: speed.ok_or_else(|| format!("no speed in {value}"))?,
        unit,
        peak_memory_mb: value.get("peak_memory_mb").and_then(Value::as_f64).unwrap_or(f64::NAN),
        threads: value.get("threads").and_then(Value::as_u64).unwrap_or(0),
        data_share: value.get("data_share").and_then(Value::as_f64),
    })
}

/// The measurement with the median speed (the lower middle for an even count).
fn median(mut samples: Vec<Measured>) -> Option<Measured> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(|a, b| a.speed.total_cmp(&b.speed));
    let middle = (samples.len() - 1) / 2;
    Some(samples.swap_remove(middle))
}

fn to_json(r: &Measured) -> Value {
    let speed_key = if r.unit == "updates/s" { "updates_per_s" } else { "images_per_s" };
    let mut value = serde_json::json!({
        "model": r.model, "backend": r.backend, "device": r.device,
        "peak_memory_mb": r.peak_memory_mb, "threads": r.threads,
    });
    value[speed_key] = serde_json::json!(r.speed);
    if let Some(share) = r.data_share {
        value["data_share"] = serde_json::json!(share);
    }
    value
}

fn record(rows: &[Measured], runs: &std::path::Path, no_record: bool) -> Result<(), String> {
    if no_record {
        return Ok(());
    }
    let lines: Vec<String> = rows.iter().map(|r| to_json(r).to_string()).collect();
    crate::bench::record_lines(runs, "all", &lines)
}

fn print_table(rows: &[Measured]) {
    println!(
        "{:<12} {:<9} {:>11} {:<10} {:>9} {:>8} {:>7} {:>10}  device",
        "model", "backend", "speed", "unit", "peak MB", "threads", "data %", "× PyTorch"
    );
    for r in rows {
        let reference = rows.iter().find(|p| p.model == r.model && p.backend == "pytorch");
        let ratio = match reference {
            Some(p) if r.backend != "pytorch" && p.speed > 0.0 => format!("{:.2}×", r.speed / p.speed),
            _ => String::new(),
        };
        let data = r.data_share.map_or_else(String::new, |d| format!("{:.2}", 100.0 * d));
        println!(
            "{:<12} {:<9} {:>11.0} {:<10} {:>9.0} {:>8} {:>7} {:>10}  {}",
            r.model, r.backend, r.speed, r.unit, r.peak_memory_mb, r.threads, data, ratio, r.device
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(speed: f64) -> Measured {
        Measured {
            model: "gamma",
            backend: "flex".into(),
            device: String::new(),
            speed,
            unit: "images/s",
            peak_memory_mb: 1.0,
            threads: 2,
            data_share: None,
        }
    }

    #[test]
    fn the_median_of_the_rounds_is_kept() {
        assert_eq!(median(vec![measured(3.0), measured(1.0), measured(2.0)]).map(|m| m.speed), Some(2.0));
        assert_eq!(median(vec![measured(3.0), measured(1.0)]).map(|m| m.speed), Some(1.0));
        assert!(median(Vec::new()).is_none());
    }

    #[test]
    fn results_of_either_kind_parse() {
        let ours = serde_json::json!({"model": "gamma", "backend": "flex", "device": "cpu", "images_per_s": 1200.5, "peak_memory_mb": 150.0, "threads": 2});
        let m = parse("gamma", &ours).unwrap();
        assert_eq!((m.speed, m.unit, m.threads), (1200.5, "images/s", 2));
        let zeta = serde_json::json!({"model": "zeta", "backend": "pytorch", "updates_per_s": 700.0});
        assert_eq!(parse("zeta", &zeta).unwrap().unit, "updates/s");
        assert!(parse("gamma", &serde_json::json!({"model": "gamma"})).is_err());
        assert_eq!(to_json(&m)["images_per_s"], 1200.5);
    }
}
