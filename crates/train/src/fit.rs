//! The training loop.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use atelier_core::Rng;
use burn::prelude::*;

use crate::batch::BatchSource;
use crate::checkpoint::Position;
use crate::error::TrainError;
use crate::experiment::{Experiment, StepOutput};
use crate::figures::write_figure;
use crate::metrics_log::MetricsLog;
use crate::monitor::{Monitor, measure};
use crate::progress::Progress;
use crate::resume::{Restart, save_checkpoint};
use crate::seed::{Stream, derive};
use crate::session::Session;
use crate::stop::{Outcome, Stop, step_limit};
use crate::window::{MetricWindow, check_finite, read_sums};
use atelier_core::curves::StepAxis;

// Kept reachable as `fit::Resume` (its home before the loop's parts had their own modules).
pub use crate::session::Resume;

/// How many test images the per-epoch figures show.
const FIGURE_IMAGES: usize = 16;

/// Trains `experiment` on `train`, validating on `valid` after every epoch (the two sources may
/// differ, e.g. unpaired training images and paired held-out ones, as long as they make the same
/// batches).
pub fn fit<E, S, V>(experiment: E, train: &S, valid: &V, session: &Session) -> Result<(E, Outcome), TrainError>
where
    E: Experiment<Batch = S::Batch>,
    S: BatchSource,
    V: BatchSource<Batch = S::Batch>,
{
    fit_monitored(experiment, train, valid, session, None)
}

/// [`fit`], with a [`Monitor`] measuring the model every few steps.
pub fn fit_monitored<E, S, V>(
    mut experiment: E,
    train: &S,
    valid: &V,
    session: &Session,
    mut monitor: Option<&mut dyn Monitor<E>>,
) -> Result<(E, Outcome), TrainError>
where
    E: Experiment<Batch = S::Batch>,
    S: BatchSource,
    V: BatchSource<Batch = S::Batch>,
{
    let config = &session.config;
    config.validate().map_err(TrainError::Config)?;
    if train.is_empty() || valid.is_empty() {
        return Err(TrainError::Config("the training and test sets must not be empty".into()));
    }
    let run = &session.run;
    let batches_per_epoch = train.len().div_ceil(config.batch_size) as u64;
    let total_steps = step_limit(config.max_steps, batches_per_epoch * config.epochs as u64);

    // Where to start: fresh, or from the latest checkpoint.
    let mut position = Position::at(0, 0, 0);
    let mut last_checkpoint = None;
    // Where the newest checkpoint stands: a stop right after it reuses it instead of saving the
    // same position twice.
    let mut saved_position = None;
    let mut restart_position = None;
    if let Some(restart) = Restart::find(session)? {
        restart_position = Some(restart.position);
        experiment = restart.restore(|blobs| experiment.load_state(blobs))?;
        session.after_restore.write()?;
        position = Position { metrics_rows: None, ..restart.position };
        saved_position = Some(position);
        last_checkpoint = Some(restart.checkpoint);
    }
    let mut log = MetricsLog::open(run, restart_position)?;

    let mut progress = Progress::new(total_steps, position.step);
    let mut window = TrainWindow::new(position.step);
    let mut images_trained = 0usize;
    let started = Instant::now();
    let device = &session.device;
    // Each checkpoint records how many rows metrics.csv holds, so a resume keeps exactly those.
    let save = |experiment: &E, position: Position, log: &MetricsLog| {
        save_checkpoint(session, Position { metrics_rows: Some(log.rows()), ..position }, experiment.state())
    };

    while position.epoch < config.epochs as u64 {
        let epoch = position.epoch;
        let order = permutation(train.len(), derive(config.seed, Stream::Shuffle, epoch));
        while position.batch_in_epoch < batches_per_epoch {
            if let Some(stop) = Stop::before(session, position.step, total_steps) {
                window.flush(position.step, epoch, &mut log, &mut progress, last_checkpoint.as_ref())?;
                let checkpoint = match &last_checkpoint {
                    Some(path) if saved_position == Some(position) => path.clone(),
                    _ => save(&experiment, position, &log)?,
                };
                // A run stopped mid-epoch (Ctrl-C, --max-steps) still gets the curves so far.
                log.draw_plots(&run.plots_dir(), StepAxis::Optimisation)?;
                progress.finish();
                return Ok((experiment, stop.outcome(position.step, checkpoint)));
            }
            let start = position.batch_in_epoch as usize * config.batch_size;
            let indices = &order[start..(start + config.batch_size).min(train.len())];
            let mut ctx = session.step_context(Stream::Step, position.step, epoch);
            let batch = train.batch(indices, &mut ctx.rng, device);
            let output = experiment.train_step(batch, &mut ctx);
            images_trained += output.images;
            window.add(output);
            position.step += 1;
            position.batch_in_epoch += 1;

            if position.step.is_multiple_of(config.log_every as u64) {
                window.flush(position.step, epoch, &mut log, &mut progress, last_checkpoint.as_ref())?;
            }
            if let Some(m) = monitor.as_deref_mut()
                && m.every() > 0
                && position.step.is_multiple_of(m.every())
            {
                window.flush(position.step, epoch, &mut log, &mut progress, last_checkpoint.as_ref())?;
                measure(m, &experiment, &window.last_means, position.step, epoch, &mut log, &progress, run)?;
            }
            if position.step.is_multiple_of(config.checkpoint_every as u64) {
                window.flush(position.step, epoch, &mut log, &mut progress, last_checkpoint.as_ref())?;
                last_checkpoint = Some(save(&experiment, position, &log)?);
                saved_position = Some(position);
            }
        }
        window.flush(position.step, epoch, &mut log, &mut progress, last_checkpoint.as_ref())?;
        let summary = validate(&experiment, valid, session, &mut log, position.step, epoch, last_checkpoint.as_ref())?;
        progress.println(&format!(
            "epoch {}/{} done at step {}: test {summary}",
            epoch + 1,
            config.epochs,
            position.step
        ));
        draw_figures(&experiment, valid, session, position.step, epoch)?;
        log.draw_plots(&run.plots_dir(), StepAxis::Optimisation)?;
        position = Position::at(position.step, epoch + 1, 0);
        last_checkpoint = Some(save(&experiment, position, &log)?);
        saved_position = Some(position);
    }
    if let Some(m) = monitor.as_deref_mut()
        && m.every() > 0
        && !position.step.is_multiple_of(m.every())
    {
        let epoch = position.epoch.saturating_sub(1);
        measure(m, &experiment, &window.last_means, position.step, epoch, &mut log, &progress, run)?;
        log.draw_plots(&run.plots_dir(), StepAxis::Optimisation)?;
    }
    progress.finish();
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    Ok((experiment, Outcome::Completed { steps: position.step, images_per_second: images_trained as f64 / seconds }))
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
    log: &mut MetricsLog,
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
    let mut ctx = session.step_context(Stream::Valid, 0, epoch);
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
    let values = read_sums(sums.values().cloned().collect(), "the validation metrics")?;
    let mut summary = Vec::new();
    for ((name, _), value) in sums.iter().zip(values) {
        let value = f64::from(value);
        check_finite(name, value, step, step, last_checkpoint)?;
        log.write(step, epoch, "test", name, value)?;
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
    let mut ctx = session.step_context(Stream::Figures, 0, epoch);
    let indices: Vec<usize> = (0..FIGURE_IMAGES.min(valid.len())).collect();
    let batch = valid.batch(&indices, &mut ctx.rng, &session.device);
    ctx.step = step;
    let prefix = format!("epoch-{:03}-", epoch + 1);
    let dir = session.run.samples_dir();
    for figure in experiment.figures(batch, &mut ctx) {
        write_figure(&dir, &prefix, figure)
            .map_err(|reason| TrainError::Figure { dir: dir.clone(), reason: reason.to_string() })?;
    }
    Ok(())
}

/// The image loop's metric window: the shared [`MetricWindow`] plus images/s for the progress
/// line and the latest means for the monitor.
struct TrainWindow {
    metrics: MetricWindow,
    /// Steps added since the last read.
    steps: u64,
    images: usize,
    since: Instant,
    /// The means of the last window read (kept across windows, for the monitor).
    last_means: BTreeMap<String, f64>,
}

impl TrainWindow {
    fn new(step: u64) -> Self {
        Self {
            metrics: MetricWindow::new(step),
            steps: 0,
            images: 0,
            since: Instant::now(),
            last_means: BTreeMap::new(),
        }
    }

    fn add(&mut self, output: StepOutput) {
        self.metrics.add(output.metrics);
        self.steps += 1;
        self.images += output.images;
    }

    /// Reads the window's means at `step` (one host sync), logs them, checks them, shows them,
    /// and starts a new window. Nothing to do when no step was added since the last read.
    fn flush(
        &mut self,
        step: u64,
        epoch: u64,
        log: &mut MetricsLog,
        progress: &mut Progress,
        last_checkpoint: Option<&PathBuf>,
    ) -> Result<(), TrainError> {
        if self.steps == 0 {
            return Ok(());
        }
        let means = self.metrics.read(step, epoch, log, last_checkpoint)?;
        let seconds = self.since.elapsed().as_secs_f64().max(1e-9);
        let mut summary: Vec<String> = means.iter().map(|(name, mean)| format!("{name} {mean:.5}")).collect();
        summary.push(format!("{:.0} img/s", self.images as f64 / seconds));
        progress.update(step, epoch + 1, &summary.join("  "));
        (self.steps, self.images, self.since) = (0, 0, Instant::now());
        self.last_means = means.into_iter().collect();
        Ok(())
    }
}
