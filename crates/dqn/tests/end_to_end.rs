//! End-to-end tests of the DQN commands (`train dqn`, `eval dqn`, `sweep dqn`, `bench dqn`), running
//! the real `atelier` binary (what `cargo xtask` calls) on short runs in temporary folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;

use atelier_testkit::commands::{Scratch, assert_picture, ok, read, stderr};

fn scratch(name: &str) -> Scratch {
    atelier_testkit::commands::scratch(&format!("dqn-{name}"))
}

fn atelier(args: &[&str]) -> Output {
    atelier_testkit::commands::atelier("flex", args)
}

fn single_run(out: &Path) -> PathBuf {
    atelier_testkit::commands::single_run_of(out, "dqn")
}

/// A short run: 1,500 steps, learning from step 1,000, evaluations every 750 steps over 10 episodes.
fn train_short(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["train", "dqn", "--backend", "flex", "--out", out.to_str().unwrap()];
    args.extend(["--total-steps", "1500", "--eval-every", "750", "--eval-episodes", "10", "--log-every", "250"]);
    args.extend(["--checkpoint-every", "500"]);
    args.extend(extra);
    atelier(&args)
}

#[test]
fn a_dqn_run_writes_its_directory_and_eval_writes_eval_json() {
    let out = scratch("run");
    let output = ok(train_short(&out, &["--seed", "3"]));
    let run = single_run(&out);
    for file in ["config.json", "run.json", "metrics.csv", "summary.json", "eval_returns.csv", "checkpoints/latest"] {
        assert!(run.join(file).is_file(), "{file} missing; stderr:\n{}", stderr(&output));
    }
    for plot in ["plots/episode_return.png", "plots/return_avg100.png", "plots/td_loss.png", "plots/greedy_return.png"]
    {
        assert_picture(&run.join(plot), 200, 100);
    }
    assert_picture(&run.join("samples/filmstrip.png"), 8 * 200, 100);
    let table = read(&run.join("eval_returns.csv"));
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows[0], "step,episodes,mean_return,std_return,min_return,max_return");
    assert!(rows[1].starts_with("750,10,") && rows[2].starts_with("1500,10,"), "{table}");
    let metrics = read(&run.join("metrics.csv"));
    assert!(metrics.contains(",train,episode_return,") && metrics.contains(",train,td_loss,"), "{metrics}");
    assert!(read(&run.join("run.json")).contains("CartPole-v1"));

    let eval = ok(atelier(&["eval", "dqn", "--run", run.to_str().unwrap(), "--episodes", "20"]));
    let json: serde_json::Value = serde_json::from_str(&read(&run.join("eval.json"))).unwrap();
    let mean = json["mean_return"].as_f64().unwrap();
    assert!((1.0..=500.0).contains(&mean) && json["std_return"].as_f64().unwrap() >= 0.0, "{json}");
    assert_eq!(json["episodes"].as_f64(), Some(20.0));
    let best_step = json["best_policy_step"].as_f64().unwrap();
    assert!(best_step == 750.0 || best_step == 1500.0, "{json}");
    assert!(json["best_policy_mean_return"].as_f64().unwrap() >= 1.0, "{json}");
    assert!(String::from_utf8_lossy(&eval.stdout).contains("mean_return"));
}

#[test]
fn same_seed_same_metrics_and_a_resumed_run_repeats_the_uninterrupted_one() {
    let straight = scratch("straight");
    let again = scratch("again");
    let stopped = scratch("stopped");
    ok(train_short(&straight, &["--seed", "5"]));
    ok(train_short(&again, &["--seed", "5"]));
    let metrics = |out: &Path| read(&single_run(out).join("metrics.csv"));
    assert_eq!(metrics(&straight), metrics(&again), "same seed, same metrics.csv");
    // Stop mid-episode after learning has started (first update at step 1024), between two reads of
    // the running TD loss (every 250 steps), then resume.
    let first = ok(train_short(&stopped, &["--seed", "5", "--max-steps", "1130"]));
    assert!(stderr(&first).contains("stopped at --max-steps 1130"), "{}", stderr(&first));
    let run = single_run(&stopped);
    ok(atelier(&["train", "--resume", run.to_str().unwrap(), "--no-max-steps"]));
    assert_eq!(metrics(&stopped), metrics(&straight), "resumed run = uninterrupted run");
    assert_eq!(read(&run.join("eval_returns.csv")), read(&single_run(&straight).join("eval_returns.csv")));
}

#[test]
fn bad_dqn_input_gets_a_clear_error() {
    let out = scratch("bad");
    let out_s = out.to_str().unwrap();
    let refused = |args: &[&str], needle: &str| {
        let output = atelier(args);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(stderr(&output).contains(needle), "expected '{needle}' in:\n{}", stderr(&output));
    };
    refused(
        &["train", "dqn", "--buffer-capacity", "32", "--batch-size", "64", "--out", out_s],
        "buffer_capacity (32) is smaller than batch_size (64)",
    );
    refused(&["train", "dqn", "--total-steps", "500", "--out", out_s], "learning would start after the run ends");
    // The flags of models that read a dataset do not exist for the agent (clap refuses them).
    refused(&["train", "dqn", "--epochs", "3", "--out", out_s], "unexpected argument '--epochs'");
    refused(&["train", "dqn", "--data-dir", "/tmp", "--out", out_s], "unexpected argument '--data-dir'");
    refused(&["train", "dqn", "--gamma", "1.5", "--out", out_s], "gamma must be in [0, 1]");
    refused(&["eval", "dqn", "--run", "/nonexistent/dqn-run"], "no such run directory");
    assert!(!out.join("dqn").exists(), "refused commands leave no run directories behind");
    // ε outside [0, 1] in a config file.
    let config = out.join("config.json");
    ok(train_short(&out, &["--max-steps", "1"]));
    let text = read(&single_run(&out).join("config.json")).replace("\"start\": 1.0", "\"start\": 1.5");
    fs::write(&config, text).unwrap();
    refused(&["train", "--config", config.to_str().unwrap(), "--out", out_s], "exploration.start");
}

#[test]
fn sweep_runs_each_seed_and_prints_mean_and_std() {
    let out = scratch("sweep");
    let output = ok(atelier(&[
        "sweep",
        "dqn",
        "--seeds",
        "0,1",
        "--total-steps",
        "1100",
        "--episodes",
        "5",
        "--backend",
        "flex",
        "--out",
        out.to_str().unwrap(),
    ]));
    let table = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(table.contains("mean ± std over 2 seeds: final policy"), "{table}");
    let sweeps: Vec<PathBuf> = fs::read_dir(out.join("dqn-sweeps")).unwrap().map(|e| e.unwrap().path()).collect();
    let report: serde_json::Value = serde_json::from_str(&read(&sweeps[0].join("sweep.json"))).unwrap();
    assert_eq!(report["seeds"].as_array().unwrap().len(), 2);
    assert!(report["mean_of_mean_returns"].as_f64().unwrap() >= 1.0, "{report}");
}

#[test]
fn bench_reports_updates_and_environment_steps_as_json() {
    let started = Instant::now();
    let runs = scratch("bench-dqn");
    let output = ok(atelier(&[
        "bench",
        "dqn",
        "--backend",
        "flex",
        "--json",
        "--steps",
        "10",
        "--warmup",
        "2",
        "--out",
        runs.to_str().unwrap(),
    ]));
    let wall_s = started.elapsed().as_secs_f64();
    let line = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    for key in ["env_steps_per_s", "acting_steps_per_s", "updates_per_s", "training_env_steps_per_s"] {
        let rate = json[key].as_f64().unwrap();
        assert!(rate.is_finite() && rate > 0.0, "{key}: {json}");
    }
    assert_eq!(json["batch_size"].as_u64(), Some(128));
    // The timed updates ran inside this command: their rate is at least updates / whole wall time.
    let timed = json["timed_updates"].as_f64().unwrap();
    assert!(timed >= 300.0, "at least 300 updates are timed: {json}");
    let updates_per_s = json["updates_per_s"].as_f64().unwrap();
    assert!(updates_per_s >= timed / wall_s, "{updates_per_s} updates/s, but {timed} updates in {wall_s:.1} s: {json}");
    assert!(json["peak_memory_mb"].as_f64().unwrap() > 10.0, "a process running Burn holds more than 10 MB: {json}");
}
