//! `bench <lecture>`: the lecture's training step timed per backend (images/s, or what its bench
//! counts), with peak memory, as a table or JSON lines; recorded for the report.
//!
//! Each backend is measured in a fresh process (this binary re-invoked with one `--backend`), so
//! the peak resident memory of one backend does not include another's.

use std::process::Command;

use atelier_backend::Backend;
use atelier_cli::BenchArgs;
use atelier_core::params::Typed;
use atelier_lecture::bench::peak_rss_mb;
use atelier_lecture::{AnyLecture, BenchRequest};
use serde_json::{Map, Value, json};

pub fn run(lecture: &'static dyn AnyLecture, args: &BenchArgs, typed: &Typed) -> Result<(), String> {
    let info = lecture.bench_info().ok_or_else(|| format!("{} has no bench", lecture.id()))?;
    let backends: Vec<Backend> = match (args.backend.is_empty(), info.default_backends.is_empty()) {
        (false, _) => args.backend.clone(),
        (true, false) => info.default_backends.clone(),
        (true, true) => vec![Backend::Flex, Backend::Ndarray],
    };
    if args.batch_size == 0 || args.steps == 0 {
        return Err("--batch-size and --steps must be at least 1".into());
    }
    let request = BenchRequest { batch_size: args.batch_size, warmup: args.warmup, steps: args.steps };
    let lines: Vec<Value> = if backends.len() == 1 {
        measure(lecture, &request, typed, backends[0])?
    } else {
        let mut lines = Vec::new();
        for &backend in &backends {
            match measure_in_child(lecture.id(), args, typed, backend) {
                Ok(measured) => lines.extend(measured),
                // A backend missing on this machine (no GPU adapter) leaves the others' rows.
                Err(e) if info.default_backends.contains(&backend) && args.backend.is_empty() => {
                    eprintln!("warning: {e}")
                }
                Err(e) => return Err(e),
            }
        }
        lines
    };
    if !args.no_record {
        let text: Vec<String> = lines.iter().map(Value::to_string).collect();
        record_lines(&args.out, lecture.id(), &text)?;
    }
    if args.json {
        for line in &lines {
            println!("{line}");
        }
        return Ok(());
    }
    print_table(&lines);
    println!(
        "× PyTorch on this machine, measured in the same sitting: cargo xtask bench all --model {} --reference pytorch",
        lecture.id()
    );
    Ok(())
}

/// Measures every row of the lecture's bench on `backend`, in this process.
fn measure(
    lecture: &dyn AnyLecture,
    request: &BenchRequest,
    typed: &Typed,
    backend: Backend,
) -> Result<Vec<Value>, String> {
    let device = backend.device().map_err(|e| e.to_string())?;
    let rows = lecture.bench(request, typed, &device)?;
    let device_name = backend.describe().device_name.unwrap_or_else(|e| e);
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut line = Map::new();
            line.insert("model".into(), json!(row.label));
            line.insert("backend".into(), json!(backend.name()));
            line.insert("device".into(), json!(device_name));
            line.insert("batch_size".into(), json!(row.batch_size));
            line.insert("steps".into(), json!(request.steps));
            for (key, value) in row.numbers {
                line.insert(key.into(), json!(value));
            }
            line.insert("peak_memory_mb".into(), json!(peak_rss_mb()));
            line.insert("threads".into(), json!(atelier_core::threads::cpu_threads()));
            Value::Object(line)
        })
        .collect())
}

/// Runs this binary's `bench <lecture> --json --no-record --backend B` in a fresh process.
fn measure_in_child(id: &str, args: &BenchArgs, typed: &Typed, backend: Backend) -> Result<Vec<Value>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    eprintln!("measuring {backend} …");
    let mut command = Command::new(exe);
    command.env("BURN_DEVICE", backend.name()).args([
        "bench",
        id,
        "--json",
        "--no-record",
        "--backend",
        backend.name(),
    ]);
    for (flag, values) in &typed.0 {
        for value in values {
            command.arg(format!("--{flag}")).arg(value);
        }
    }
    command.args(["--batch-size", &args.batch_size.to_string()]);
    command.args(["--warmup", &args.warmup.to_string(), "--steps", &args.steps.to_string()]);
    let output = command.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("bench on {backend} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("bench on {backend}: unreadable result {l:?}: {e}")))
        .collect()
}

/// One row per line: the label and backend, then every number the bench measured.
fn print_table(lines: &[Value]) {
    const FIXED: [&str; 7] = ["model", "backend", "device", "batch_size", "steps", "peak_memory_mb", "threads"];
    let numbers: Vec<String> = lines
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys().filter(|k| !FIXED.contains(&k.as_str())).cloned())
        .fold(Vec::new(), |mut keys, key| {
            if !keys.contains(&key) {
                keys.push(key);
            }
            keys
        });
    let mut header = format!("{:<34} {:<8} {:>6}", "model", "backend", "batch");
    for key in &numbers {
        header.push_str(&format!(" {:>16}", key.replace("_per_s", "/s").replace('_', " ")));
    }
    println!("{header} {:>14} {:>8}  device", "peak MB (RSS)", "threads");
    for line in lines {
        let text = |key: &str| line.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        let number = |key: &str| line.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN);
        let mut row = format!("{:<34} {:<8} {:>6}", text("model"), text("backend"), number("batch_size"));
        for key in &numbers {
            let value = number(key);
            let shown = if key == "data_share" { format!("{:.2} %", 100.0 * value) } else { format!("{value:.0}") };
            row.push_str(&format!(" {shown:>16}"));
        }
        println!("{row} {:>14.0} {:>8}  {}", number("peak_memory_mb"), number("threads"), text("device"));
    }
    if numbers.iter().any(|k| k == "data_share") {
        println!("data share = the timed steps' time spent assembling batches and copying them to the device");
    }
}

/// Writes `lines` (one JSON result each) to `<runs>/bench/<time>-<name>.jsonl` atomically, where the
/// report's backends table reads them; nothing when there are none. `bench all` records through it too.
pub fn record_lines(runs: &std::path::Path, name: &str, lines: &[String]) -> Result<(), String> {
    if lines.is_empty() {
        return Ok(());
    }
    let dir = runs.join(atelier_report::records::BENCH_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let stamp = atelier_core::clock::compact(atelier_core::clock::unix_now());
    let path = dir.join(format!("{stamp}-{name}.jsonl"));
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    atelier_core::atomic::write_atomic(&path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("bench results recorded in {} (for cargo xtask report)", path.display());
    Ok(())
}
