//! The environment-driven sibling of [`crate::fit`]: for an agent that gathers its own data.
//!
//! A dataset loop draws batches from a fixed set; an agent acts in an environment, stores what it
//! saw and learns from it. [`run_agent`] counts **environment steps** and owns everything around
//! them, with the same machinery as `fit`:
//!
//! - seeding: before environment step `t` the device and the host RNG are seeded from `(seed, t)`
//!   (stream [`Stream::Step`]), as `fit` seeds its steps; evaluations from `(seed, t)` on
//!   [`Stream::Figures`]. A run is a pure function
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
use std::time::Instant;

use atelier_core::atomic::write_atomic;
use atelier_core::picture::Picture;
use serde::{Deserialize, Serialize};

use crate::checkpoint::Position;
use crate::error::TrainError;
use crate::experiment::{StepContext, StepOutput};
use crate::host::DeviceReadError;
use crate::metrics_log::MetricsLog;
use crate::progress::Progress;
use crate::resume::{Restart, save_checkpoint};
use crate::seed::{Stream, derive};
use crate::session::Session;
use crate::stop::{Outcome, Stop, step_limit};
use crate::window::MetricWindow;
use atelier_core::curves::StepAxis;

/// The checkpoint blob holding the loop's own counters ([`AgentProgress`] as JSON).
pub const LOOP_BLOB: &str = "agent_loop";
/// The table of greedy evaluations in the run directory.
pub const EVAL_TABLE_FILE: &str = "eval_returns.csv";

/// An agent the loop can train: it owns its environment, memory, networks and optimizers.
pub trait Agent: Sized {
    /// The agent's pictures (a filmstrip of an episode), drawn by the loop into `samples/`.
    type Figure: Picture;

    /// One environment step at step `ctx.step`: act, observe, remember, and learn when it is time.
    /// Randomness comes from `ctx.rng` (and the device RNG, seeded by the loop before each step).
    /// A device value that cannot be read back (e.g. the greedy action) is an error.
    fn env_step(&mut self, ctx: &mut StepContext) -> Result<EnvStep, DeviceReadError>;

    /// Host values worth logging at step `step` besides the learning metrics (e.g. ε).
    fn log_values(&self, step: u64) -> Vec<(&'static str, f64)>;

    /// Returns of `episodes` greedy episodes, the environments seeded from `seed`.
    fn evaluate(&self, episodes: usize, seed: u64) -> Result<Vec<f64>, DeviceReadError>;

    /// Called after a greedy evaluation that scored at least as well as every earlier one: the agent
    /// keeps a copy of its current policy (the "best" policy a run reports beside its final one).
    fn keep_best_policy(&mut self);

    /// Pictures of the agent at work, named (`filmstrip` → `samples/<name>.png`).
    fn figures(&self, seed: u64) -> Result<Vec<(String, Self::Figure)>, DeviceReadError>;

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
    let stop_at = step_limit(config.max_steps, schedule.total_steps);

    let mut step = 0u64;
    let mut progress = AgentProgress::default();
    let mut last_checkpoint = None;
    let mut restart_position = None;
    if let Some(restart) = Restart::find(session)? {
        restart_position = Some(restart.position);
        progress = restart.restore(|blobs| {
            let bytes = blobs.get(LOOP_BLOB).ok_or_else(|| format!("has no '{LOOP_BLOB}'"))?;
            serde_json::from_slice(bytes).map_err(|e| format!("{LOOP_BLOB}: {e}"))
        })?;
        agent = restart.restore(|blobs| agent.load_state(blobs))?;
        session.after_restore.write()?;
        step = restart.position.step;
        last_checkpoint = Some(restart.checkpoint);
    }
    let mut log = MetricsLog::open(run, restart_position)?;

    let mut bar = Progress::new(schedule.total_steps, step);
    let mut window = LearningWindow {
        metrics: MetricWindow::restore(std::mem::take(&mut progress.pending_metrics), step, &session.device),
        last_read: None,
    };
    let started = Instant::now();
    let (first_step, first_updates) = (step, progress.updates);
    // Each checkpoint records how many rows metrics.csv holds, so a resume keeps exactly those.
    let save = |agent: &A, progress: &AgentProgress, step: u64, log: &MetricsLog| -> Result<PathBuf, TrainError> {
        let position = Position { metrics_rows: Some(log.rows()), ..Position::at(step, progress.episodes, 0) };
        let state = agent.state().and_then(|mut blobs| {
            let loop_bytes = serde_json::to_vec(progress).map_err(|e| format!("{LOOP_BLOB}: {e}"))?;
            blobs.push((LOOP_BLOB.to_string(), loop_bytes));
            Ok(blobs)
        });
        save_checkpoint(session, position, state)
    };

    let outcome = loop {
        if let Some(stop) = Stop::before(session, step, stop_at) {
            let finished = step >= schedule.total_steps;
            if finished {
                window.flush(&agent, &mut log, &mut bar, step, &progress, last_checkpoint.as_ref())?;
            } else {
                progress.pending_metrics = window.metrics.stash()?;
            }
            if finished && progress.evaluations.last().is_none_or(|e| e.step != step) {
                evaluate(&mut agent, schedule, session, step, &mut progress, &mut log)?;
            }
            let checkpoint = save(&agent, &progress, step, &log)?;
            bar.finish();
            break if finished {
                let seconds = started.elapsed().as_secs_f64().max(1e-9);
                Outcome::Completed { steps: step, images_per_second: (step - first_step) as f64 / seconds }
            } else {
                stop.outcome(step, checkpoint)
            };
        }
        let mut ctx = session.step_context(Stream::Step, step, progress.episodes);
        let out = agent.env_step(&mut ctx)?;
        step += 1;
        progress.updates += out.learning.images as u64;
        window.metrics.add(out.learning.metrics);
        if let Some(ret) = out.episode_return {
            record_episode(ret, step, schedule, &mut progress, &mut log)?;
        }
        if step.is_multiple_of(config.log_every as u64) {
            window.flush(&agent, &mut log, &mut bar, step, &progress, last_checkpoint.as_ref())?;
        }
        if step.is_multiple_of(schedule.eval_every) {
            window.flush(&agent, &mut log, &mut bar, step, &progress, last_checkpoint.as_ref())?;
            let row = evaluate(&mut agent, schedule, session, step, &mut progress, &mut log)?;
            bar.println(&format!(
                "step {step}: greedy return {:.1} ± {:.1} over {} episodes",
                row.mean_return, row.std_return, row.episodes
            ));
        }
        if step.is_multiple_of(config.checkpoint_every as u64) {
            window.flush(&agent, &mut log, &mut bar, step, &progress, last_checkpoint.as_ref())?;
            last_checkpoint = Some(save(&agent, &progress, step, &log)?);
        }
    };
    log.draw_plots(&run.plots_dir(), StepAxis::Environment)?;
    if matches!(outcome, Outcome::Completed { .. }) {
        let dir = run.samples_dir();
        for (name, figure) in agent.figures(derive(config.seed, Stream::Figures, u64::MAX))? {
            let path = dir.join(format!("{name}.png"));
            figure.save_png(&path).map_err(|e| TrainError::Figure { dir: dir.clone(), reason: e.to_string() })?;
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
    log: &mut MetricsLog,
) -> Result<(), TrainError> {
    progress.episodes += 1;
    progress.recent_returns.push(ret);
    if progress.recent_returns.len() > schedule.return_window {
        progress.recent_returns.remove(0);
    }
    let (average, _) = mean_std(&progress.recent_returns);
    let epoch = progress.episodes;
    log.write(step, epoch, "train", "episode_return", ret)?;
    log.write(step, epoch, "train", &format!("return_avg{}", schedule.return_window), average)?;
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
    log: &mut MetricsLog,
) -> Result<EvalRow, TrainError> {
    let returns = agent.evaluate(schedule.eval_episodes, derive(session.config.seed, Stream::Figures, step))?;
    let row = EvalRow::from_returns(step, &returns);
    log.write(step, progress.episodes, "eval", "greedy_return", row.mean_return)?;
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
    let path = session.run.path().join(EVAL_TABLE_FILE);
    write_atomic(&path, table.as_bytes()).map_err(|source| TrainError::Io { path, source })?;
    Ok(row)
}

/// The agent loop's metric window: the shared [`MetricWindow`] of learning metrics (each averaged
/// over the updates that reported it), read with the agent's host values.
struct LearningWindow {
    metrics: MetricWindow,
    /// The step of the last read (a second read at the same step logs nothing).
    last_read: Option<u64>,
}

impl LearningWindow {
    /// Reads the means (one host sync), logs them with the agent's host values, checks them.
    fn flush<A: Agent>(
        &mut self,
        agent: &A,
        log: &mut MetricsLog,
        bar: &mut Progress,
        step: u64,
        progress: &AgentProgress,
        last_checkpoint: Option<&PathBuf>,
    ) -> Result<(), TrainError> {
        if self.last_read == Some(step) {
            return Ok(());
        }
        self.last_read = Some(step);
        let epoch = progress.episodes;
        let means = self.metrics.read(step, epoch, log, last_checkpoint)?;
        let mut summary: Vec<String> = means.iter().map(|(name, mean)| format!("{name} {mean:.4}")).collect();
        for (name, value) in agent.log_values(step) {
            log.write(step, epoch, "train", name, value)?;
            summary.push(format!("{name} {}", short(value)));
        }
        if let Some(last) = progress.recent_returns.last() {
            let (average, _) = mean_std(&progress.recent_returns);
            summary.push(format!("return {last:.0} (avg {average:.1})"));
        }
        bar.update(step, epoch, &summary.join("  "));
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
