//! The training loop.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use atelier_core::metrics::{self, MetricRow, MetricsWriter};
use atelier_core::run_dir::RunDir;
use atelier_data::Rng;
use burn::prelude::*;

use crate::batch::BatchSource;
use crate::checkpoint::{self, Position};
use crate::config::TrainConfig;
use crate::error::TrainError;
use crate::experiment::{Experiment, StepContext, StepOutput};
use crate::figures::write_figure;
use crate::plots::write_metric_plots;
use crate::progress::Progress;
use crate::seed::{Stream, derive};

/// How many test images the per-epoch figures show.
const FIGURE_IMAGES: usize = 16;

/// Everything the loop needs besides the experiment and the data.
pub struct Session {
    pub run: RunDir,
    pub config: TrainConfig,
    /// The training device, autodiff enabled.
    pub device: Device,
    /// Set by Ctrl-C: the loop checkpoints, then stops.
    pub stop: Arc<AtomicBool>,
    /// Continue from the run directory's latest checkpoint instead of starting fresh.
    pub resume: Resume,
}

/// Whether a run starts fresh or continues from its latest checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    Fresh,
    FromLatestCheckpoint,
}

/// How a call to [`fit`] ended (errors aside).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// All epochs done.
    Completed { steps: u64, images_per_second: f64 },
    /// Stopped by the stop flag (Ctrl-C); resumable from `checkpoint`.
    Interrupted { step: u64, checkpoint: PathBuf },
    /// Stopped at `max_steps`; resumable from `checkpoint`.
    StepLimit { step: u64, checkpoint: PathBuf },
}

/// A measurement the runner takes of the model every [`Monitor::every`] steps, beside the loop's
/// own metrics: e.g. a GAN's samples scored by the frozen evaluator, which a model crate cannot
/// depend on. Its numbers go to `metrics.csv` (split `monitor`) and the plots; its warnings are
/// shown above the progress bar and appended to the run's `warnings.log`.
pub trait Monitor<E> {
    /// Steps between measurements (also taken once at the end of a completed run).
    fn every(&self) -> u64;
    /// Measures `experiment` after `step` steps; `train_means` are the latest logged training
    /// means (the window just read).
    fn measure(
        &mut self,
        experiment: &E,
        step: u64,
        train_means: &BTreeMap<String, f64>,
    ) -> Result<MonitorReport, String>;
}

/// What a [`Monitor`] measured.
#[derive(Debug, Clone, Default)]
pub struct MonitorReport {
    pub metrics: Vec<(String, f64)>,
    pub warnings: Vec<String>,
}

/// Trains `experiment` on `train`, validating on `valid` after every epoch.
pub fn fit<E, S>(experiment: E, train: &S, valid: &S, session: &Session) -> Result<(E, Outcome), TrainError>
where
    E: Experiment<Batch = S::Batch>,
    S: BatchSource,
{
    fit_monitored(experiment, train, valid, session, None)
}

/// [`fit`], with a [`Monitor`] measuring the model every few steps.
pub fn fit_monitored<E, S>(
    mut experiment: E,
    train: &S,
    valid: &S,
    session: &Session,
    mut monitor: Option<&mut dyn Monitor<E>>,
) -> Result<(E, Outcome), TrainError>
where
    E: Experiment<Batch = S::Batch>,
    S: BatchSource,
{
    let config = &session.config;
    config.validate().map_err(TrainError::Config)?;
    if train.is_empty() || valid.is_empty() {
        return Err(TrainError::Config("the training and test sets must not be empty".into()));
    }
    let run = &session.run;
    let batches_per_epoch = train.len().div_ceil(config.batch_size) as u64;
    let planned_steps = batches_per_epoch * config.epochs as u64;
    let total_steps = config.max_steps.map_or(planned_steps, |m| m.min(planned_steps));

    // Where to start: fresh, or from the latest checkpoint.
    let mut position = Position { step: 0, epoch: 0, batch_in_epoch: 0 };
    let mut last_checkpoint = None;
    let mut writer = match session.resume {
        Resume::Fresh => MetricsWriter::create(&run.metrics_path())?,
        Resume::FromLatestCheckpoint => {
            let path = checkpoint::latest(&run.checkpoints_dir())?.ok_or_else(|| {
                TrainError::Checkpoint(format!("{}: no checkpoint to resume from", run.checkpoints_dir().display()))
            })?;
            let (saved, blobs) = checkpoint::load(&path)?;
            experiment = experiment
                .load_state(&blobs)
                .map_err(|e| TrainError::Checkpoint(format!("{}: {e}", path.display())))?;
            position = saved;
            last_checkpoint = Some(path);
            if metrics::exists(&run.metrics_path()) {
                MetricsWriter::resume(&run.metrics_path(), position.step)?
            } else {
                MetricsWriter::create(&run.metrics_path())?
            }
        }
    };

    let mut progress = Progress::new(total_steps, position.step);
    let mut window = Window::new(position.step);
    let mut images_trained = 0usize;
    let started = Instant::now();
    let device = &session.device;

    let save = |experiment: &E, position: Position| -> Result<PathBuf, TrainError> {
        let blobs = experiment.state().map_err(TrainError::Checkpoint)?;
        Ok(checkpoint::save(&run.checkpoints_dir(), position, &blobs, config.keep_checkpoints)?)
    };

    while position.epoch < config.epochs as u64 {
        let epoch = position.epoch;
        let order = permutation(train.len(), derive(config.seed, Stream::Shuffle, epoch));
        while position.batch_in_epoch < batches_per_epoch {
            let stopped_by_user = session.stop.load(Ordering::SeqCst);
            if stopped_by_user || position.step >= total_steps {
                window.flush(&mut writer, &mut progress, epoch, last_checkpoint.as_ref())?;
                let checkpoint = save(&experiment, position)?;
                progress.finish();
                let step = position.step;
                let outcome = if stopped_by_user {
                    Outcome::Interrupted { step, checkpoint }
                } else {
                    Outcome::StepLimit { step, checkpoint }
                };
                return Ok((experiment, outcome));
            }
            let start = position.batch_in_epoch as usize * config.batch_size;
            let indices = &order[start..(start + config.batch_size).min(train.len())];
            let mut ctx = step_context(device, config.seed, Stream::Step, position.step, epoch);
            let batch = train.batch(indices, &mut ctx.rng, device);
            let output = experiment.train_step(batch, &mut ctx);
            images_trained += output.images;
            window.add(output);
            position.step += 1;
            position.batch_in_epoch += 1;

            if position.step.is_multiple_of(config.log_every as u64) {
                window.flush(&mut writer, &mut progress, epoch, last_checkpoint.as_ref())?;
            }
            if let Some(m) = monitor.as_deref_mut()
                && m.every() > 0
                && position.step.is_multiple_of(m.every())
            {
                window.flush(&mut writer, &mut progress, epoch, last_checkpoint.as_ref())?;
                measure(m, &experiment, &window.last_means, position.step, epoch, &mut writer, &mut progress, run)?;
            }
            if position.step.is_multiple_of(config.checkpoint_every as u64) {
                window.flush(&mut writer, &mut progress, epoch, last_checkpoint.as_ref())?;
                last_checkpoint = Some(save(&experiment, position)?);
            }
        }
        window.flush(&mut writer, &mut progress, epoch, last_checkpoint.as_ref())?;
        let summary =
            validate(&experiment, valid, session, &mut writer, position.step, epoch, last_checkpoint.as_ref())?;
        progress.println(&format!(
            "epoch {}/{} done at step {}: test {summary}",
            epoch + 1,
            config.epochs,
            position.step
        ));
        draw_figures(&experiment, valid, session, position.step, epoch)?;
        write_metric_plots(&metrics::read_metrics(writer.path())?, &run.plots_dir()).map_err(TrainError::Checkpoint)?;
        position = Position { step: position.step, epoch: epoch + 1, batch_in_epoch: 0 };
        last_checkpoint = Some(save(&experiment, position)?);
    }
    if let Some(m) = monitor.as_deref_mut()
        && m.every() > 0
        && !position.step.is_multiple_of(m.every())
    {
        let epoch = position.epoch.saturating_sub(1);
        measure(m, &experiment, &window.last_means, position.step, epoch, &mut writer, &mut progress, run)?;
        write_metric_plots(&metrics::read_metrics(writer.path())?, &run.plots_dir()).map_err(TrainError::Checkpoint)?;
    }
    progress.finish();
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    Ok((experiment, Outcome::Completed { steps: position.step, images_per_second: images_trained as f64 / seconds }))
}

/// Runs the monitor once: logs its metrics, shows and records its warnings.
#[allow(clippy::too_many_arguments)]
fn measure<E>(
    monitor: &mut dyn Monitor<E>,
    experiment: &E,
    train_means: &BTreeMap<String, f64>,
    step: u64,
    epoch: u64,
    writer: &mut MetricsWriter,
    progress: &mut Progress,
    run: &RunDir,
) -> Result<(), TrainError> {
    let report = monitor.measure(experiment, step, train_means).map_err(TrainError::Checkpoint)?;
    let mut summary = Vec::new();
    for (name, value) in &report.metrics {
        writer.write(&MetricRow { step, epoch, split: "monitor".into(), name: name.clone(), value: *value })?;
        summary.push(format!("{name} {value:.4}"));
    }
    progress.println(&format!("step {step}: {}", summary.join(", ")));
    if !report.warnings.is_empty() {
        let path = run.path().join(WARNINGS_FILE);
        let mut lines = String::new();
        for warning in &report.warnings {
            progress.println(&format!("warning: {warning}"));
            lines.push_str(warning);
            lines.push('\n');
        }
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut log| std::io::Write::write_all(&mut log, lines.as_bytes()));
        appended.map_err(|e| TrainError::Checkpoint(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// The file of a run that collects the monitor's warnings.
pub const WARNINGS_FILE: &str = "warnings.log";

/// A step's context, with the device and host RNG seeded from `(seed, stream, position)`.
fn step_context(device: &Device, seed: u64, stream: Stream, position: u64, epoch: u64) -> StepContext {
    let derived = derive(seed, stream, position);
    device.seed(derived);
    StepContext { step: position, epoch, device: device.clone(), rng: Rng::new(derived) }
}

/// The seeded order of the training set in one epoch.
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    Rng::new(seed).shuffle(&mut order);
    order
}

/// Mean metrics over the whole validation set, logged as split `test`. Returns a summary line.
fn validate<E, S>(
    experiment: &E,
    valid: &S,
    session: &Session,
    writer: &mut MetricsWriter,
    step: u64,
    epoch: u64,
    last_checkpoint: Option<&PathBuf>,
) -> Result<String, TrainError>
where
    E: Experiment<Batch = S::Batch>,
    S: BatchSource,
{
    let config = &session.config;
    let n = config.valid_limit.map_or(valid.len(), |l| l.min(valid.len()));
    // The same seed every epoch: validation noise is identical, so epochs compare like with like.
    let mut ctx = step_context(&session.device, config.seed, Stream::Valid, 0, epoch);
    let mut sums: BTreeMap<&'static str, Tensor<1>> = BTreeMap::new();
    for start in (0..n).step_by(config.batch_size) {
        let indices: Vec<usize> = (start..(start + config.batch_size).min(n)).collect();
        let batch = valid.batch(&indices, &mut ctx.rng, &session.device);
        let weight = indices.len() as f64 / n as f64;
        for (name, value) in experiment.valid_step(batch, &mut ctx).metrics {
            let weighted = value.mul_scalar(weight);
            let entry = sums.remove(name).map_or(weighted.clone(), |s| s + weighted);
            sums.insert(name, entry);
        }
    }
    let values = read_all(sums.values().cloned().collect());
    let mut summary = Vec::new();
    for ((name, _), value) in sums.iter().zip(values) {
        check_finite(name, value, step, step, last_checkpoint)?;
        writer.write(&MetricRow { step, epoch, split: "test".into(), name: name.to_string(), value })?;
        summary.push(format!("{name} {value:.5}"));
    }
    Ok(summary.join(", "))
}

/// Writes the experiment's figures as `samples/epoch-<NNN>-<name>.png`.
fn draw_figures<E, S>(experiment: &E, valid: &S, session: &Session, step: u64, epoch: u64) -> Result<(), TrainError>
where
    E: Experiment<Batch = S::Batch>,
    S: BatchSource,
{
    let mut ctx = step_context(&session.device, session.config.seed, Stream::Figures, 0, epoch);
    let indices: Vec<usize> = (0..FIGURE_IMAGES.min(valid.len())).collect();
    let batch = valid.batch(&indices, &mut ctx.rng, &session.device);
    ctx.step = step;
    let prefix = format!("epoch-{:03}-", epoch + 1);
    for figure in experiment.figures(batch, &mut ctx) {
        write_figure(&session.run.samples_dir(), &prefix, figure).map_err(TrainError::Checkpoint)?;
    }
    Ok(())
}

/// Reads scalar tensors back to the host in one transfer.
fn read_all(values: Vec<Tensor<1>>) -> Vec<f64> {
    if values.is_empty() {
        return Vec::new();
    }
    let data = Tensor::cat(values, 0).into_data();
    data.try_into_vec_as::<f32>().unwrap_or_default().into_iter().map(f64::from).collect()
}

fn check_finite(name: &str, value: f64, first: u64, last: u64, checkpoint: Option<&PathBuf>) -> Result<(), TrainError> {
    if value.is_finite() {
        return Ok(());
    }
    Err(TrainError::NonFinite {
        name: name.to_string(),
        value,
        first_step: first,
        last_step: last,
        last_good_checkpoint: checkpoint.cloned(),
    })
}

/// Running sums of the training metrics since the last read, kept on the device.
struct Window {
    sums: BTreeMap<&'static str, Tensor<1>>,
    steps: u64,
    images: usize,
    first_step: u64,
    since: Instant,
    /// The means of the last window read (kept across windows, for the monitor).
    last_means: BTreeMap<String, f64>,
}

impl Window {
    fn new(step: u64) -> Self {
        Self {
            sums: BTreeMap::new(),
            steps: 0,
            images: 0,
            first_step: step + 1,
            since: Instant::now(),
            last_means: BTreeMap::new(),
        }
    }

    fn add(&mut self, output: StepOutput) {
        for (name, value) in output.metrics {
            let entry = self.sums.remove(name).map_or(value.clone(), |sum| sum + value);
            self.sums.insert(name, entry);
        }
        self.steps += 1;
        self.images += output.images;
    }

    /// Reads the window's means (one host sync), logs them, checks them, and starts a new window.
    fn flush(
        &mut self,
        writer: &mut MetricsWriter,
        progress: &mut Progress,
        epoch: u64,
        last_checkpoint: Option<&PathBuf>,
    ) -> Result<(), TrainError> {
        if self.steps == 0 {
            return Ok(());
        }
        let last_step = self.first_step + self.steps - 1;
        let values = read_all(self.sums.values().cloned().collect());
        let seconds = self.since.elapsed().as_secs_f64().max(1e-9);
        let mut summary = Vec::new();
        let mut means = BTreeMap::new();
        for ((name, _), sum) in self.sums.iter().zip(values) {
            let mean = sum / self.steps as f64;
            means.insert(name.to_string(), mean);
            check_finite(name, mean, self.first_step, last_step, last_checkpoint)?;
            writer.write(&MetricRow {
                step: last_step,
                epoch,
                split: "train".into(),
                name: name.to_string(),
                value: mean,
            })?;
            summary.push(format!("{name} {mean:.5}"));
        }
        summary.push(format!("{:.0} img/s", self.images as f64 / seconds));
        progress.update(last_step, epoch + 1, &summary.join("  "));
        *self = Window::new(last_step);
        self.last_means = means;
        Ok(())
    }
}
