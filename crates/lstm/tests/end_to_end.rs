//! End-to-end tests of `train lstm`, `eval lstm` and `bench lstm`, running the real `atelier`
//! binary on the embedded mini Fashion-MNIST set (and on generated progressions), in temporary folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use atelier_testkit::commands::{Scratch, assert_bench_line, assert_picture, embedded_dir, fails_with, ok};

fn scratch(name: &str) -> Scratch {
    atelier_testkit::commands::scratch(&format!("lstm-{name}"))
}

fn atelier(args: &[&str]) -> Output {
    atelier_testkit::commands::atelier("flex", args)
}

fn single_run(out: &Path) -> PathBuf {
    atelier_testkit::commands::single_run_of(out, "lstm")
}

fn eval_json(run: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(run.join("eval.json")).unwrap()).unwrap()
}

/// `train lstm --task T` on 256 embedded images (4 steps), then `eval lstm`: the output folder (the
/// run lives as long as it), the run directory and its `eval.json`, which has the task's `key`.
fn train_and_eval_images(task: &str, key: &str, extra: &[&str]) -> (Scratch, PathBuf, serde_json::Value) {
    let out = scratch(task);
    let data = embedded_dir();
    let mut args = vec!["train", "lstm", "--task", task, "--backend", "flex", "--out", out.to_str().unwrap()];
    args.extend(["--data-dir", data.to_str().unwrap(), "--train-limit", "256", "--valid-limit", "64"]);
    args.extend(["--batch-size", "64", "--epochs", "1", "--hidden", "16", "--log-every", "2"]);
    args.extend_from_slice(extra);
    ok(atelier(&args));
    let run = single_run(&out);
    for file in ["config.json", "run.json", "metrics.csv", "checkpoints/latest"] {
        assert!(run.join(file).exists(), "{task}: {file} missing");
    }
    ok(atelier(&["eval", "lstm", "--run", run.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]));
    let eval = eval_json(&run);
    assert!(eval[key].is_number(), "{task}: eval.json lacks {key}: {eval}");
    (out, run, eval)
}

#[test]
fn rows_trains_and_evaluates_test_accuracy() {
    let (_out, run, eval) = train_and_eval_images("rows", "test_accuracy", &["--cell", "burn"]);
    let accuracy = eval["test_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy), "{accuracy}");
    let metrics = fs::read_to_string(run.join("metrics.csv")).unwrap();
    assert!(metrics.contains(",test,accuracy,"), "{metrics}");
    let config = fs::read_to_string(run.join("config.json")).unwrap();
    assert!(config.contains("\"cell\": \"burn\""), "{config}");
}

#[test]
fn complete_evaluates_bottom_half_nll_and_draws_completions() {
    let (_out, run, eval) = train_and_eval_images("complete", "bottom_half_nll_nats", &[]);
    let nll = eval["bottom_half_nll_nats"].as_f64().unwrap();
    // Below a coin flip's 392·ln 2 = 271.7 nats after a few steps? Not yet; but finite and positive.
    assert!(nll.is_finite() && nll > 0.0, "{nll}");
    assert_picture(&run.join("samples/epoch-001-completions.png"), 2 * 28, 28);
    assert_picture(&run.join("samples/eval-completions.png"), 2 * 28, 28);
}

#[test]
fn sequence_trains_on_generated_progressions_and_prints_the_lecture_examples() {
    let out = scratch("sequence");
    let args = [
        "train",
        "lstm",
        "--task",
        "sequence",
        "--out",
        out.to_str().unwrap(),
        "--train-sequences",
        "512",
        "--test-sequences",
        "128",
        "--epochs",
        "2",
        "--batch-size",
        "64",
        "--hidden",
        "16",
    ];
    let output = ok(atelier(&args));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("example 6, 7, 8 → ? want 9"), "{stdout}");
    assert!(stdout.contains("example 2, 4, 8 → ? want 16"), "{stdout}");
    let run = single_run(&out);
    let provenance = fs::read_to_string(run.join("run.json")).unwrap();
    assert!(provenance.contains("generated progressions"), "{provenance}");
    ok(atelier(&["eval", "lstm", "--run", run.to_str().unwrap()]));
    let eval = eval_json(&run);
    for key in ["next_value_accuracy", "mse", "last_value_accuracy", "repeat_difference_accuracy"] {
        assert!(eval[key].is_number(), "eval.json lacks {key}: {eval}");
    }
    // The baselines are exact formulas: "repeat the last difference" solves every arithmetic
    // progression and "last value" none.
    assert_eq!(eval["arithmetic_repeat_difference_accuracy"].as_f64(), Some(1.0), "{eval}");
    assert_eq!(eval["arithmetic_last_value_accuracy"].as_f64(), Some(0.0), "{eval}");
    assert_eq!(eval["test_sequences"].as_f64(), Some(128.0));
}

#[test]
fn bad_lstm_settings_get_clear_errors() {
    let out = scratch("bad");
    let out_s = out.to_str().unwrap();
    let o = atelier(&["train", "lstm", "--task", "rows", "--terms", "4", "--out", out_s]);
    fails_with(&o, "--terms applies to --task sequence only");
    let o = atelier(&["train", "lstm", "--task", "sequence", "--terms", "1", "--out", out_s]);
    fails_with(&o, "terms must be between 2");
    fails_with(&atelier(&["train", "lstm", "--hidden", "0", "--out", out_s]), "hidden must be at least 1");
    assert!(!out.join("lstm").exists(), "refused commands leave no run directories behind");
}

#[test]
fn bench_lstm_reports_both_implementations_as_json() {
    let started = std::time::Instant::now();
    let runs = scratch("bench-lstm");
    let output = ok(atelier(&[
        "bench",
        "lstm",
        "--backend",
        "flex",
        "--json",
        "--steps",
        "1",
        "--warmup",
        "1",
        "--out",
        runs.to_str().unwrap(),
    ]));
    let elapsed = started.elapsed();
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_bench_line(&lines[0], "lstm rows (ours)", elapsed);
    assert_bench_line(&lines[1], "lstm rows (burn)", elapsed);
    // The same two rows are recorded for the report, in runs/bench/<time>-lstm.jsonl.
    let recorded: Vec<std::path::PathBuf> =
        std::fs::read_dir(runs.join("bench")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert!(recorded[0].to_string_lossy().ends_with("-lstm.jsonl"));
    let text = std::fs::read_to_string(&recorded[0]).unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.trim(), printed.trim(), "the record holds what was printed");
}
