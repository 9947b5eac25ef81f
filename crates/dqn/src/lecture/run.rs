//! The DQN agent through the shared agent loop, its greedy evaluation, and its benchmark.

use std::time::Instant;

use atelier_core::Rng;
use atelier_core::atomic::write_json_atomic;
use atelier_lecture::OpenRun;
use atelier_train::agent::{AgentSchedule, EvalRow, mean_std, run_agent};
use atelier_train::host::{DeviceReadError, scalar_to_host};
use atelier_train::seed::{Stream, derive, seed_device_for_init};
use atelier_train::{Agent, Outcome, Session, StepContext, TrainError};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::agent::{Policy, greedy_returns, load_policy};
use crate::{CartPole, DqnAgent, DqnConfig, Environment};

/// CartPole-v1's "solved" level for the moving average of training returns.
pub const TARGET_RETURN: f64 = 475.0;
/// Episodes in that moving average.
pub const RETURN_WINDOW: usize = 100;
/// The training summary written beside `metrics.csv`.
pub const SUMMARY_FILE: &str = "summary.json";

/// What a finished (or stopped) training run reports, as `summary.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainSummary {
    pub env_steps: u64,
    pub episodes: u64,
    pub gradient_updates: u64,
    /// The first environment step at which the 100-episode moving average of training returns
    /// reached 475 (None: never).
    pub steps_to_return_475: Option<u64>,
    /// The highest 100-episode moving average of training returns, and its step.
    pub best_return_avg100: Option<(f64, u64)>,
    /// This invocation's environment steps per second (acting, learning and evaluations together).
    pub env_steps_per_s: f64,
    /// This invocation's gradient updates per second of wall time.
    pub updates_per_s: f64,
    /// The greedy evaluations during training.
    pub evaluations: Vec<EvalRow>,
}

pub fn train(config: &DqnConfig, session: &Session) -> Result<Outcome, TrainError> {
    let device = &session.device;
    session.seed_device_for_init();
    let agent = DqnAgent::new(config.clone(), device);
    let schedule = AgentSchedule {
        total_steps: config.total_steps,
        eval_every: config.eval_every,
        eval_episodes: config.eval_episodes,
        return_window: RETURN_WINDOW,
        target_return: TARGET_RETURN,
    };
    let (_, report) = run_agent(agent, &schedule, session)?;
    let p = &report.progress;
    let step = match &report.outcome {
        Outcome::Completed { steps, .. } => *steps,
        Outcome::Interrupted { step, .. } | Outcome::StepLimit { step, .. } => *step,
    };
    let summary = TrainSummary {
        env_steps: step,
        episodes: p.episodes,
        gradient_updates: p.updates,
        steps_to_return_475: p.steps_to_target,
        best_return_avg100: p.best_average,
        env_steps_per_s: report.env_steps_per_second,
        updates_per_s: report.updates_per_second,
        evaluations: p.evaluations.clone(),
    };
    let summary_path = session.run.path().join(SUMMARY_FILE);
    write_json_atomic(&summary_path, &summary).map_err(|source| TrainError::Io { path: summary_path, source })?;
    eprintln!(
        "{} episodes, {} gradient updates; {:.0} environment steps/s, {:.0} updates/s",
        p.episodes, p.updates, report.env_steps_per_second, report.updates_per_second
    );
    match p.steps_to_target {
        Some(s) => eprintln!(
            "the {RETURN_WINDOW}-episode average of training returns first reached {TARGET_RETURN} at step {s}"
        ),
        None => eprintln!(
            "the {RETURN_WINDOW}-episode average of training returns never reached {TARGET_RETURN} (highest: {})",
            p.best_average.map_or_else(|| "no full window yet".to_string(), |(a, s)| format!("{a:.1} at step {s}"))
        ),
    }
    if let Some(last) = p.evaluations.last() {
        eprintln!(
            "greedy return at step {}: {:.1} ± {:.1} ({} episodes)",
            last.step, last.mean_return, last.std_return, last.episodes
        );
    }
    Ok(report.outcome)
}

/// Greedy returns of the run's latest checkpoint over `episodes` episodes (seeded from the run's
/// seed, distinct from the evaluations during training).
pub fn eval(run: &OpenRun<DqnConfig>, episodes: usize) -> Result<Vec<(String, f64)>, String> {
    if episodes == 0 {
        return Err("--episodes must be at least 1".into());
    }
    let (config, seed, device) = (&run.config, run.seed(), &run.device);
    let (step, blobs) = run.latest_checkpoint()?;
    let episodes_seed = derive(seed, Stream::Valid, step);
    let policy = load_policy(config, &blobs, Policy::Final, device)?;
    eprintln!("evaluating the greedy policy of step {} over {episodes} episodes", step);
    let row = EvalRow::from_returns(
        step,
        &greedy_returns(&policy, episodes, episodes_seed, device).map_err(|e| e.to_string())?,
    );
    let mut entries = vec![
        ("mean_return".into(), row.mean_return),
        ("std_return".into(), row.std_return),
        ("min_return".into(), row.min_return),
        ("max_return".into(), row.max_return),
        ("episodes".into(), episodes as f64),
        ("checkpoint_step".into(), step as f64),
    ];
    // The policy kept at the best greedy evaluation during training, on the same episodes.
    if let Ok(best) = load_policy(config, &blobs, Policy::Best, device) {
        let best_row = EvalRow::from_returns(
            step,
            &greedy_returns(&best, episodes, episodes_seed, device).map_err(|e| e.to_string())?,
        );
        entries.push(("best_policy_mean_return".into(), best_row.mean_return));
        entries.push(("best_policy_std_return".into(), best_row.std_return));
        if let Some(step) = best_policy_step(&blobs) {
            entries.push(("best_policy_step".into(), step as f64));
        }
    }
    Ok(entries)
}

/// The step of the best greedy evaluation recorded in the checkpoint's loop state.
fn best_policy_step(blobs: &std::collections::BTreeMap<String, Vec<u8>>) -> Option<u64> {
    let progress: atelier_train::AgentProgress =
        serde_json::from_slice(blobs.get(atelier_train::agent::LOOP_BLOB)?).ok()?;
    progress.best_evaluation.map(|e| e.step)
}

/// Throughput of the agent's parts on one device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DqnBench {
    /// CartPole physics alone (host).
    pub env_steps_per_s: f64,
    /// Environment steps with a greedy forward pass each (batch 1), as while acting.
    pub acting_steps_per_s: f64,
    /// Gradient updates (sample, forward online + target, backward, Adam) at `batch_size`.
    pub updates_per_s: f64,
    /// Environment steps per second of the default training schedule (acting + learning).
    pub training_env_steps_per_s: f64,
}

/// Measures [`DqnBench`] on `device` with the default network, updates at `batch_size`.
/// A failed read of a greedy action back from the device is an error.
pub fn bench(device: &Device, batch_size: usize, warmup: usize, steps: usize) -> Result<DqnBench, DeviceReadError> {
    let autodiff = device.clone().autodiff();
    seed_device_for_init(&autodiff, 0);
    let config = DqnConfig { batch_size, buffer_capacity: 10_000.max(batch_size), ..DqnConfig::default() };
    let mut agent = DqnAgent::new(config.clone(), &autodiff);
    let mut rng = Rng::new(1);

    // Physics alone.
    let mut env = CartPole::default();
    env.reset(&mut rng);
    let n_env = 200_000;
    let start = Instant::now();
    for _ in 0..n_env {
        if env.step(rng.below(2)).end.is_over() {
            env.reset(&mut rng);
        }
    }
    let env_steps_per_s = n_env as f64 / start.elapsed().as_secs_f64();

    // Acting: a greedy forward pass per step, and the buffer filled on the way.
    let plain = device.clone();
    let mut observation = env.reset(&mut rng);
    let n_act = 2_000;
    let start = Instant::now();
    for _ in 0..n_act {
        let action = DqnAgent::greedy_actions(agent.policy(), &[observation], &plain)?[0];
        let t = env.step(action);
        agent.remember(observation, action, t.reward, t.observation, t.end == crate::EpisodeEnd::Terminated);
        observation = if t.end.is_over() { env.reset(&mut rng) } else { t.observation };
    }
    let acting_steps_per_s = n_act as f64 / start.elapsed().as_secs_f64();

    // Gradient updates.
    let mut updates = |count: usize| {
        let mut last = None;
        for _ in 0..count {
            last = Some(agent.update(&mut rng).0);
        }
        // One host read: waits for the queued work.
        last.map(|loss| scalar_to_host(loss, "the benchmark's last TD loss")).transpose()
    };
    updates(warmup)?;
    let start = Instant::now();
    updates(steps)?;
    let updates_per_s = steps as f64 / start.elapsed().as_secs_f64();

    // The default schedule: 2 × 256 environment steps past learning_starts, one training phase each.
    let mut trainer = DqnAgent::new(DqnConfig::default(), &autodiff);
    let schedule_steps = DqnConfig::default().learning_starts + 2 * DqnConfig::default().train_every;
    let start = Instant::now();
    for step in 0..schedule_steps {
        let mut ctx = StepContext { step, epoch: 0, device: autodiff.clone(), rng: Rng::new(step) };
        trainer.env_step(&mut ctx)?;
    }
    let training_env_steps_per_s = schedule_steps as f64 / start.elapsed().as_secs_f64();
    Ok(DqnBench { env_steps_per_s, acting_steps_per_s, updates_per_s, training_env_steps_per_s })
}

/// Mean and standard deviation of the sweep's values (re-exported for the sweep table).
pub fn summarise(values: &[f64]) -> (f64, f64) {
    mean_std(values)
}
