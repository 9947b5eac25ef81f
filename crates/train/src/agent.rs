//! The environment-driven sibling of [`crate::fit`]: for an agent that gathers its own data.
//!
//! A dataset loop draws batches from a fixed set; an agent acts in an environment, stores what it
//! saw and learns from it. [`run_agent`] counts **environment steps** and owns everything around
//! them, with the same machinery as `fit`:
//!
//! - seeding: before environment step `t` the host RNG is seeded from `(seed, t)` (stream
//!   [`Stream::Step`]); evaluations from `(seed, t)` on [`Stream::Figures`]. A run is a pure function
//!   of its seed, and a resumed run repeats the uninterrupted one exactly (the agent's state holds
//!   its networks, optimizer, replay buffer and the environment mid-episode; the loop's own state
//!   holds the episode counters and the evaluation table);
//! - episodic returns logged as they happen (`episode_return`, and `return_avg<W>`, the moving
//!   average over the last `W` episodes), learning metrics (e.g. `td_loss`) kept on the device and
//!   read back every `log_every` steps, with the NaN guard;
//! - greedy evaluations every `eval_every` steps and at the end (`eval_returns.csv` and metrics
//!   split `eval`);
//! - atomic checkpoints every `checkpoint_every` steps and at the end, Ctrl-C (stop flag), `max_steps`;
//! - plots of every metric, and the agent's figures at the end.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

use atelier_core::atomic::write_atomic;
use atelier_core::canvas::Canvas;
use atelier_core::metrics::{self, MetricRow, MetricsWriter};
use atelier_data::Rng;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::checkpoint::{self, Position};
use crate::error::TrainError;
use crate::experiment::{StepContext, StepOutput};
use crate::fit::{Outcome, Resume, Session};
use crate::plots::write_metric_plots;
use crate::progress::Progress;
use crate::seed::{Stream, derive};

/// The checkpoint blob holding the loop's own counters ([`AgentProgress`] as JSON).
pub const LOOP_BLOB: &str = "agent_loop";
/// The table of greedy evaluations in the run directory.
pub const EVAL_TABLE_FILE: &str = "eval_returns.csv";

/// An agent the loop can train: it owns its environment, memory, networks and optimizers.
pub trait Agent: Sized {
    /// One environment step at step `ctx.step`: act, observe, remember, and learn when it is time.
    /// Randomness comes from `ctx.rng` only.
    fn env_step(&mut self, ctx: &mut StepContext) -> EnvStep;

    /// Host values worth logging at step `step` besides the learning metrics (e.g. ε).
    fn log_values(&self, step: u64) -> Vec<(&'static str, f64)>;

    /// Returns of `episodes` greedy episodes, the environments seeded from `seed`.
    fn evaluate(&self, episodes: usize, seed: u64) -> Vec<f64>;

    /// Called after a greedy evaluation that scored at least as well as every earlier one: the agent
    /// keeps a copy of its current policy (the "best" policy a run reports beside its final one).
    fn keep_best_policy(&mut self);

    /// Pictures of the agent at work, named (`filmstrip` → `samples/<name>.png`).
    fn figures(&self, seed: u64) -> Vec<(String, Canvas)>;

    /// Everything a checkpoint must hold to resume exactly.
    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String>;

    /// Restores [`Agent::state`]'s blobs into a freshly initialised agent.
    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String>;
}

/// What one environment step produced.
pub struct EnvStep {
    /// The return of the episode that ended at this step, if one did.
    pub episode_return: Option<f64>,
    /// Learning metrics on the device (empty when no update happened); `images` counts the
    /// gradient updates done in this step.
    pub learning: StepOutput,
}

/// Settings of the agent loop.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSchedule {
    /// Environment steps of the whole run.
    pub total_steps: u64,
    /// Greedy evaluation every this many steps (and at the end).
    pub eval_every: u64,
    /// Episodes per greedy evaluation.
    pub eval_episodes: usize,
    /// Episodes in the moving average of training returns.
    pub return_window: usize,
    /// The moving average to reach (its first step is reported), e.g. 475 for CartPole-v1.
    pub target_return: f64,
}

/// One greedy evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalRow {
    pub step: u64,
    pub episodes: usize,
    pub mean_return: f64,
    pub std_return: f64,
    pub min_return: f64,
    pub max_return: f64,
}

impl EvalRow {
    pub fn from_returns(step: u64, returns: &[f64]) -> Self {
        let (mean, std) = mean_std(returns);
        Self {
            step,
            episodes: returns.len(),
            mean_return: mean,
            std_return: std,
            min_return: returns.iter().copied().fold(f64::INFINITY, f64::min),
            max_return: returns.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// Mean and population standard deviation (0, 0 for no values).
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// The loop's counters, checkpointed beside the agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentProgress {
    /// Episodes finished.
    pub episodes: u64,
    /// Returns of the last `return_window` episodes, oldest first.
    pub recent_returns: Vec<f64>,
    /// The first step at which the moving average reached the target (over a full window).
    pub steps_to_target: Option<u64>,
    /// The highest moving average over a full window so far, and its step.
    pub best_average: Option<(f64, u64)>,
    /// Greedy evaluations so far.
    pub evaluations: Vec<EvalRow>,
    /// The best of them (the latest among equals): the agent kept its policy then.
    pub best_evaluation: Option<EvalRow>,
    /// Gradient updates so far.
    pub updates: u64,
    /// Learning metrics summed since the last read when the run stopped (name, sum, count): the
    /// resumed run goes on summing them, so its `metrics.csv` equals the uninterrupted run's.
    pub pending_metrics: Vec<(String, f32, u64)>,
}

/// How a call to [`run_agent`] ended, with the loop's counters.
pub struct AgentReport {
    pub outcome: Outcome,
    pub progress: AgentProgress,
    /// Environment steps per second in this invocation (acting and learning together).
    pub env_steps_per_second: f64,
    /// Gradient updates per second of wall time in this invocation.
    pub updates_per_second: f64,
}

/// Trains `agent` for `schedule.total_steps` environment steps (or until `max_steps` / Ctrl-C).
/// `session.config` supplies the seed, `log_every`, `checkpoint_every`, `keep_checkpoints` and
/// `max_steps`; its dataset fields are not used.
pub fn run_agent<A: Agent>(
    mut agent: A,
    schedule: &AgentSchedule,
    session: &Session,
) -> Result<(A, AgentReport), TrainError> {
    let config = &session.config;
    config.validate().map_err(TrainError::Config)?;
    if schedule.total_steps == 0 || schedule.eval_every == 0 || schedule.eval_episodes == 0 {
        return Err(TrainError::Config("total_steps, eval_every and eval_episodes must be at least 1".into()));
    }
    let run = &session.run;
    let stop_at = config.max_steps.map_or(schedule.total_steps, |m| m.min(schedule.total_steps));

    let mut step = 0u64;
    let mut progress = AgentProgress::default();
    let mut last_checkpoint = None;
    let mut writer = match session.resume {
        Resume::Fresh => MetricsWriter::create(&run.metrics_path())?,
        Resume::FromLatestCheckpoint => {
            let path = checkpoint::latest(&run.checkpoints_dir())?.ok_or_else(|| {
                TrainError::Checkpoint(format!("{}: no checkpoint to resume from", run.checkpoints_dir().display()))
            })?;
            let (saved, blobs) = checkpoint::load(&path)?;
            let loop_bytes = blobs
                .get(LOOP_BLOB)
                .ok_or_else(|| TrainError::Checkpoint(format!("{}: has no '{LOOP_BLOB}'", path.display())))?;
            progress = serde_json::from_slice(loop_bytes)
                .map_err(|e| TrainError::Checkpoint(format!("{}: {LOOP_BLOB}: {e}", path.display())))?;
            agent = agent.load_state(&blobs).map_err(|e| TrainError::Checkpoint(format!("{}: {e}", path.display())))?;
            step = saved.step;
            last_checkpoint = Some(path);
            if metrics::exists(&run.metrics_path()) {
                MetricsWriter::resume(&run.metrics_path(), step)?
            } else {
                MetricsWriter::create(&run.metrics_path())?
            }
        }
    };

    let mut bar = Progress::new(schedule.total_steps, step);
    let mut window = LearningWindow::restore(std::mem::take(&mut progress.pending_metrics), step, &session.device);
    let started = Instant::now();
    let (first_step, first_updates) = (step, progress.updates);
    let save = |agent: &A, progress: &AgentProgress, step: u64| -> Result<PathBuf, TrainError> {
        let mut blobs = agent.state().map_err(TrainError::Checkpoint)?;
        let loop_bytes = serde_json::to_vec(progress).map_err(|e| TrainError::Checkpoint(e.to_string()))?;
        blobs.push((LOOP_BLOB.to_string(), loop_bytes));
        let position = Position { step, epoch: progress.episodes, batch_in_epoch: 0 };
        Ok(checkpoint::save(&run.checkpoints_dir(), position, &blobs, config.keep_checkpoints)?)
    };

    let outcome = loop {
        let stopped_by_user = session.stop.load(Ordering::SeqCst);
        if stopped_by_user || step >= stop_at {
            if step >= schedule.total_steps {
                window.flush(&agent, &mut writer, &mut bar, step, &progress, last_checkpoint.as_ref())?;
            } else {
                progress.pending_metrics = window.stash();
            }
            if step >= schedule.total_steps && progress.evaluations.last().is_none_or(|e| e.step != step) {
                evaluate(&mut agent, schedule, session, step, &mut progress, &mut writer)?;
            }
            let checkpoint = save(&agent, &progress, step)?;
            bar.finish();
            break if step >= schedule.total_steps {
                let seconds = started.elapsed().as_secs_f64().max(1e-9);
                Outcome::Completed { steps: step, images_per_second: (step - first_step) as f64 / seconds }
            } else if stopped_by_user {
                Outcome::Interrupted { step, checkpoint }
            } else {
                Outcome::StepLimit { step, checkpoint }
            };
        }
        let seed = derive(config.seed, Stream::Step, step);
        let mut ctx =
            StepContext { step, epoch: progress.episodes, device: session.device.clone(), rng: Rng::new(seed) };
        let out = agent.env_step(&mut ctx);
        step += 1;
        progress.updates += out.learning.images as u64;
        window.add(out.learning);
        if let Some(ret) = out.episode_return {
            record_episode(ret, step, schedule, &mut progress, &mut writer)?;
        }
        if step.is_multiple_of(config.log_every as u64) {
            window.flush(&agent, &mut writer, &mut bar, step, &progress, last_checkpoint.as_ref())?;
        }
        if step.is_multiple_of(schedule.eval_every) {
            window.flush(&agent, &mut writer, &mut bar, step, &progress, last_checkpoint.as_ref())?;
            let row = evaluate(&mut agent, schedule, session, step, &mut progress, &mut writer)?;
            bar.println(&format!(
                "step {step}: greedy return {:.1} ± {:.1} over {} episodes",
                row.mean_return, row.std_return, row.episodes
            ));
        }
        if step.is_multiple_of(config.checkpoint_every as u64) {
            window.flush(&agent, &mut writer, &mut bar, step, &progress, last_checkpoint.as_ref())?;
            last_checkpoint = Some(save(&agent, &progress, step)?);
        }
    };
    write_metric_plots(&metrics::read_metrics(writer.path())?, &run.plots_dir()).map_err(TrainError::Checkpoint)?;
    if matches!(outcome, Outcome::Completed { .. }) {
        for (name, canvas) in agent.figures(derive(config.seed, Stream::Figures, u64::MAX)) {
            let path = run.samples_dir().join(format!("{name}.png"));
            canvas.save_png(&path).map_err(|e| TrainError::Checkpoint(e.to_string()))?;
        }
    }
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    let report = AgentReport {
        outcome,
        env_steps_per_second: (step - first_step) as f64 / seconds,
        updates_per_second: (progress.updates - first_updates) as f64 / seconds,
        progress,
    };
    Ok((agent, report))
}

/// Logs a finished episode and its moving average; notes when the average first reaches the target.
fn record_episode(
    ret: f64,
    step: u64,
    schedule: &AgentSchedule,
    progress: &mut AgentProgress,
    writer: &mut MetricsWriter,
) -> Result<(), TrainError> {
    progress.episodes += 1;
    progress.recent_returns.push(ret);
    if progress.recent_returns.len() > schedule.return_window {
        progress.recent_returns.remove(0);
    }
    let (average, _) = mean_std(&progress.recent_returns);
    let epoch = progress.episodes;
    let row = |name: String, value: f64| MetricRow { step, epoch, split: "train".into(), name, value };
    writer.write(&row("episode_return".into(), ret))?;
    writer.write(&row(format!("return_avg{}", schedule.return_window), average))?;
    if progress.recent_returns.len() == schedule.return_window {
        if progress.steps_to_target.is_none() && average >= schedule.target_return {
            progress.steps_to_target = Some(step);
        }
        if progress.best_average.is_none_or(|(best, _)| average > best) {
            progress.best_average = Some((average, step));
        }
    }
    Ok(())
}

/// A greedy evaluation at `step`: logged, added to the table, the table rewritten.
fn evaluate<A: Agent>(
    agent: &mut A,
    schedule: &AgentSchedule,
    session: &Session,
    step: u64,
    progress: &mut AgentProgress,
    writer: &mut MetricsWriter,
) -> Result<EvalRow, TrainError> {
    let returns = agent.evaluate(schedule.eval_episodes, derive(session.config.seed, Stream::Figures, step));
    let row = EvalRow::from_returns(step, &returns);
    let metric = |name: &str, value: f64| MetricRow {
        step,
        epoch: progress.episodes,
        split: "eval".into(),
        name: name.into(),
        value,
    };
    writer.write(&metric("greedy_return", row.mean_return))?;
    if progress.evaluations.iter().all(|e| row.mean_return >= e.mean_return) {
        agent.keep_best_policy();
        progress.best_evaluation = Some(row.clone());
    }
    progress.evaluations.push(row.clone());
    let mut table = String::from("step,episodes,mean_return,std_return,min_return,max_return\n");
    for e in &progress.evaluations {
        table.push_str(&format!(
            "{},{},{:?},{:?},{:?},{:?}\n",
            e.step, e.episodes, e.mean_return, e.std_return, e.min_return, e.max_return
        ));
    }
    write_atomic(&session.run.path().join(EVAL_TABLE_FILE), table.as_bytes())?;
    Ok(row)
}

/// Learning metrics since the last read, summed on the device, with how many updates each has.
struct LearningWindow {
    sums: BTreeMap<String, (Tensor<1>, u64)>,
    /// The step after the last read (the first step whose metrics are in the window).
    first_step: u64,
    /// The step of the last read (a second read at the same step logs nothing).
    last_read: Option<u64>,
}

impl LearningWindow {
    /// A window at `step`, holding the sums a stopped run left (see [`AgentProgress::pending_metrics`]).
    fn restore(pending: Vec<(String, f32, u64)>, step: u64, device: &Device) -> Self {
        let sums =
            pending.into_iter().map(|(name, sum, n)| (name, (Tensor::<1>::from_floats([sum], device), n))).collect();
        Self { sums, first_step: step + 1, last_read: None }
    }

    /// The sums so far, read to the host, for a checkpoint.
    fn stash(&mut self) -> Vec<(String, f32, u64)> {
        let sums = std::mem::take(&mut self.sums);
        sums.into_iter()
            .map(|(name, (sum, n))| {
                let value =
                    sum.into_data().try_into_vec_as::<f32>().unwrap_or_default().first().copied().unwrap_or(0.0);
                (name, value, n)
            })
            .collect()
    }

    fn add(&mut self, output: StepOutput) {
        for (name, value) in output.metrics {
            let entry = match self.sums.remove(name) {
                Some((sum, n)) => (sum + value, n + 1),
                None => (value, 1),
            };
            self.sums.insert(name.to_string(), entry);
        }
    }

    /// Reads the means (one host sync), logs them with the agent's host values, checks them.
    fn flush<A: Agent>(
        &mut self,
        agent: &A,
        writer: &mut MetricsWriter,
        bar: &mut Progress,
        step: u64,
        progress: &AgentProgress,
        last_checkpoint: Option<&PathBuf>,
    ) -> Result<(), TrainError> {
        if self.last_read == Some(step) {
            return Ok(());
        }
        self.last_read = Some(step);
        let names: Vec<(String, u64)> = self.sums.iter().map(|(k, (_, n))| (k.clone(), *n)).collect();
        let values = if names.is_empty() {
            Vec::new()
        } else {
            let sums: Vec<Tensor<1>> = std::mem::take(&mut self.sums).into_values().map(|(s, _)| s).collect();
            Tensor::cat(sums, 0).into_data().try_into_vec_as::<f32>().unwrap_or_default()
        };
        let epoch = progress.episodes;
        let mut summary = Vec::new();
        for ((name, n), sum) in names.into_iter().zip(values) {
            let mean = f64::from(sum) / n as f64;
            if !mean.is_finite() {
                return Err(TrainError::NonFinite {
                    name,
                    value: mean,
                    first_step: self.first_step,
                    last_step: step,
                    last_good_checkpoint: last_checkpoint.cloned(),
                });
            }
            writer.write(&MetricRow { step, epoch, split: "train".into(), name: name.clone(), value: mean })?;
            summary.push(format!("{name} {mean:.4}"));
        }
        for (name, value) in agent.log_values(step) {
            writer.write(&MetricRow { step, epoch, split: "train".into(), name: name.into(), value })?;
            summary.push(format!("{name} {}", short(value)));
        }
        if let Some(last) = progress.recent_returns.last() {
            let (average, _) = mean_std(&progress.recent_returns);
            summary.push(format!("return {last:.0} (avg {average:.1})"));
        }
        bar.update(step, epoch, &summary.join("  "));
        self.first_step = step + 1;
        Ok(())
    }
}

/// A host value for the progress line: integers as such, small values in scientific notation.
fn short(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value != 0.0 && value.abs() < 0.01 {
        format!("{value:.2e}")
    } else {
        format!("{value:.3}")
    }
}
