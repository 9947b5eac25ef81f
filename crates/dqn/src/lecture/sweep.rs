//! `sweep dqn`: one training run per seed (each in a fresh process, as `train` would run it), each
//! evaluated greedily; prints the per-seed table with mean ± std and writes `sweep.json`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use atelier_backend::Backend;
use atelier_core::atomic::write_json_atomic;
use atelier_core::clock;
use atelier_derive::Params;
use serde::Serialize;

use super::run::{self as dqn, SUMMARY_FILE, TrainSummary};

/// The flags of `sweep dqn`.
#[derive(Debug, Params)]
pub struct SweepArgs {
    /// Seeds, comma-separated.
    #[param(delimiter = ',')]
    pub seeds: Vec<u64>,
    /// Environment steps per run [default: the model's, or the --config file's].
    #[param]
    pub total_steps: Option<u64>,
    /// Greedy evaluation episodes per run.
    #[param]
    pub episodes: usize,
    /// Compute backend [default: flex].
    #[param]
    pub backend: Option<Backend>,
    /// Where the sweep's runs go [default: runs].
    #[param(value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Start every run from this config.json (its seed is replaced).
    #[param(value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl Default for SweepArgs {
    fn default() -> Self {
        Self { seeds: vec![0, 1, 2], total_steps: None, episodes: 100, backend: None, out: None, config: None }
    }
}

#[derive(Debug, Serialize)]
struct SeedResult {
    seed: u64,
    run: PathBuf,
    /// Greedy return of the final policy.
    mean_return: f64,
    std_return: f64,
    /// Greedy return (same episodes) of the policy kept at the best evaluation during training.
    best_policy_mean_return: Option<f64>,
    best_policy_step: Option<u64>,
    /// First environment step at which the 100-episode moving average of training returns ≥ 475.
    steps_to_return_475: Option<u64>,
    /// The highest such average, and its step.
    best_return_avg100: Option<(f64, u64)>,
    env_steps_per_s: f64,
}

#[derive(Debug, Serialize)]
struct SweepReport {
    model: String,
    total_steps: Option<u64>,
    episodes: usize,
    seeds: Vec<SeedResult>,
    mean_of_mean_returns: f64,
    std_of_mean_returns: f64,
    /// The same over the best policies (None when a run has none).
    best_policy_mean_of_mean_returns: Option<f64>,
    best_policy_std_of_mean_returns: Option<f64>,
}

pub fn run(_: &super::DqnLecture, cmd: &SweepArgs, _: &atelier_lecture::Context) -> Result<(), String> {
    if cmd.seeds.is_empty() || cmd.episodes == 0 {
        return Err("--seeds needs at least one seed and --episodes at least 1".into());
    }
    let out = cmd.out.clone().unwrap_or_else(|| PathBuf::from(atelier_lecture::flags::DEFAULT_OUT));
    let sweep_dir = out.join("dqn-sweeps").join(clock::compact(clock::unix_now()));
    fs::create_dir_all(&sweep_dir).map_err(|e| format!("{}: {e}", sweep_dir.display()))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut results = Vec::new();
    for &seed in &cmd.seeds {
        let seed_out = sweep_dir.join(format!("seed-{seed}"));
        let mut train = Command::new(&exe);
        train.args(["train", "dqn", "--seed", &seed.to_string(), "--out"]).arg(&seed_out);
        if let Some(steps) = cmd.total_steps {
            train.args(["--total-steps", &steps.to_string()]);
        }
        if let Some(backend) = cmd.backend {
            train.args(["--backend", backend.name()]).env("BURN_DEVICE", backend.name());
        }
        if let Some(config) = &cmd.config {
            train.arg("--config").arg(config);
        }
        eprintln!("== seed {seed}: training into {}", seed_out.display());
        run_child(train, &format!("training seed {seed}"))?;
        let run = single_run(&seed_out.join("dqn"))?;
        let mut eval = Command::new(&exe);
        eval.args(["eval", "dqn", "--episodes", &cmd.episodes.to_string(), "--run"]).arg(&run);
        if let Some(backend) = cmd.backend {
            eval.args(["--backend", backend.name()]).env("BURN_DEVICE", backend.name());
        }
        run_child(eval, &format!("evaluating seed {seed}"))?;
        let eval_json: serde_json::Value = read_json(&run.join(atelier_core::run_dir::EVAL_FILE))?;
        let summary: TrainSummary = serde_json::from_value(read_json(&run.join(SUMMARY_FILE))?)
            .map_err(|e| format!("{}: {e}", run.join(SUMMARY_FILE).display()))?;
        let number = |name: &str| eval_json[name].as_f64().ok_or_else(|| format!("eval.json has no {name}"));
        results.push(SeedResult {
            seed,
            run,
            mean_return: number("mean_return")?,
            std_return: number("std_return")?,
            best_policy_mean_return: eval_json["best_policy_mean_return"].as_f64(),
            best_policy_step: eval_json["best_policy_step"].as_f64().map(|s| s as u64),
            steps_to_return_475: summary.steps_to_return_475,
            best_return_avg100: summary.best_return_avg100,
            env_steps_per_s: summary.env_steps_per_s,
        });
    }
    let means: Vec<f64> = results.iter().map(|r| r.mean_return).collect();
    let (mean, std) = dqn::summarise(&means);
    let best: Option<Vec<f64>> = results.iter().map(|r| r.best_policy_mean_return).collect();
    let best_summary = best.as_deref().map(dqn::summarise);
    println!(
        "{:<5} {:>24} {:>24} {:>20} {:>12}  run",
        "seed", "final policy: return", "best policy: return", "train avg ≥ 475 at", "env steps/s"
    );
    for r in &results {
        let reached = match (r.steps_to_return_475, r.best_return_avg100) {
            (Some(s), _) => format!("step {s}"),
            (None, Some((avg, _))) => format!("no (max {avg:.0})"),
            (None, None) => "no".to_string(),
        };
        let best = match (r.best_policy_mean_return, r.best_policy_step) {
            (Some(m), Some(s)) => format!("{m:.1} (step {s})"),
            (Some(m), None) => format!("{m:.1}"),
            _ => "—".to_string(),
        };
        println!(
            "{:<5} {:>15.1} ± {:<6.1} {:>24} {:>20} {:>12.0}  {}",
            r.seed,
            r.mean_return,
            r.std_return,
            best,
            reached,
            r.env_steps_per_s,
            r.run.display()
        );
    }
    println!(
        "greedy return over {} episodes, mean ± std over {} seeds: final policy {mean:.1} ± {std:.1}",
        cmd.episodes,
        results.len()
    );
    if let Some((m, s)) = best_summary {
        println!("                                                  best policy  {m:.1} ± {s:.1}");
    }
    let report = SweepReport {
        model: "dqn".into(),
        total_steps: cmd.total_steps,
        episodes: cmd.episodes,
        seeds: results,
        mean_of_mean_returns: mean,
        std_of_mean_returns: std,
        best_policy_mean_of_mean_returns: best_summary.map(|(m, _)| m),
        best_policy_std_of_mean_returns: best_summary.map(|(_, s)| s),
    };
    let path = sweep_dir.join("sweep.json");
    write_json_atomic(&path, &report).map_err(|e| e.to_string())?;
    println!("wrote {}", path.display());
    Ok(())
}

fn run_child(mut command: Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

/// The only run directory in `dir`.
fn single_run(dir: &Path) -> Result<PathBuf, String> {
    let runs: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    match runs.as_slice() {
        [run] => Ok(run.clone()),
        _ => Err(format!("{}: expected one run directory, found {}", dir.display(), runs.len())),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
