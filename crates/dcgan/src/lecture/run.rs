//! The DCGAN through the shared loop with the evaluator watching, and its evaluation (FCD, IS,
//! coverage of 10k samples).

use std::collections::BTreeMap;
use std::sync::Arc;

use atelier_core::run_dir::RunDir;
use atelier_data::Dataset;
use atelier_evaluation::{RealSplit, Scorer};
use atelier_layers::latent::standard_normal_codes;
use atelier_lecture::figures::{TrainPlot, decode_to_pixels, sample_seed, write_train_plots};
use atelier_lecture::{Context, OpenRun};
use atelier_train::figures::write_figure;
use atelier_train::{ImageSource, Monitor, MonitorReport, Outcome, Session, TrainError, fit_monitored};
use burn::prelude::*;

use crate::diagnose::{Scorecard, diagnose};
use crate::samples::{generate, interpolation_figure, sample_grid};
use crate::step::load_generator;
use crate::{DcganConfig, DcganExperiment, Generator};

/// Seed of the monitor's noise: every score of a run sees the same z.
const MONITOR_NOISE_SEED: u64 = 0x6A4E_5C0E;
/// Real test images the monitor compares with.
const MONITOR_REFERENCE: usize = 10_000;

pub fn train(config: &DcganConfig, session: &Session, data: Dataset, ctx: &Context) -> Result<Outcome, TrainError> {
    let device = &session.device;
    session.seed_device_for_init();
    let experiment = DcganExperiment::new(config.clone(), device);
    let train = ImageSource::new(Arc::new(data.train.clone()), session.config.train_limit);
    let valid = ImageSource::new(Arc::new(data.test.clone()), None);
    let mut monitor = if config.score_every == 0 {
        None
    } else {
        match ScoreMonitor::new(config, &data, &device.clone().inner(), ctx) {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("warning: samples will not be scored during training: {e}");
                None
            }
        }
    };
    let monitor_ref = monitor.as_mut().map(|m| m as &mut dyn Monitor<DcganExperiment>);
    let outcome = fit_monitored(experiment, &train, &valid, session, monitor_ref).map(|(_, outcome)| outcome)?;
    write_game_plots(&session.run)
        .map_err(|reason| TrainError::Plot { dir: session.run.plots_dir(), reason: reason.to_string() })?;
    Ok(outcome)
}

/// The two pictures of the game the per-metric plots split up: both players' losses on one
/// chart, and `D(x)` beside `D(G(z))` (training means), in `plots/`.
fn write_game_plots(run: &RunDir) -> Result<(), String> {
    let plots = [
        TrainPlot {
            file: "game-losses",
            title: "losses of the two players",
            y_label: "loss",
            series: &[("d_loss", "L_D"), ("g_loss", "L_G")],
        },
        TrainPlot {
            file: "game-d-outputs",
            title: "mean D(x) on real, D(G(z)) on fakes",
            y_label: "probability of real",
            series: &[("d_real", "D(x)"), ("d_fake", "D(G(z))")],
        },
    ];
    write_train_plots(run, "optimisation step (one D and one G update)", &plots)
}

/// Scores `score_images` samples of fixed noise with the frozen evaluator every `score_every`
/// steps, and turns the history of scores and losses into the lecture's warnings.
struct ScoreMonitor {
    scorer: Scorer,
    every: u64,
    images: usize,
    latent: usize,
    history: Vec<Scorecard>,
}

impl ScoreMonitor {
    fn new(config: &DcganConfig, data: &Dataset, device: &Device, ctx: &Context) -> Result<Self, String> {
        let scorer = Scorer::new(ctx, data, RealSplit::Test, MONITOR_REFERENCE, device)?;
        Ok(Self {
            scorer,
            every: config.score_every,
            images: config.score_images,
            latent: config.latent,
            history: Vec::new(),
        })
    }
}

impl Monitor<DcganExperiment> for ScoreMonitor {
    fn every(&self) -> u64 {
        self.every
    }

    fn measure(
        &mut self,
        experiment: &DcganExperiment,
        step: u64,
        train_means: &BTreeMap<String, f64>,
    ) -> Result<MonitorReport, String> {
        let device = self.scorer.device().clone();
        let pixels = generate_pixels(&experiment.generator, self.latent, self.images, MONITOR_NOISE_SEED, &device)?;
        let scores = self.scorer.score(&pixels)?;
        let mean = |name: &str| train_means.get(name).copied().unwrap_or(f64::NAN);
        self.history.push(Scorecard {
            step,
            d_loss: mean("d_loss"),
            g_loss: mean("g_loss"),
            d_real: mean("d_real"),
            d_fake: mean("d_fake"),
            fcd: scores.fcd,
            coverage: scores.coverage.classes_covered,
            classes: scores.coverage.histogram.len(),
        });
        Ok(MonitorReport {
            metrics: vec![
                ("fcd".to_string(), scores.fcd),
                ("inception_score".to_string(), scores.inception_score),
                ("coverage".to_string(), scores.coverage.classes_covered as f64),
            ],
            warnings: diagnose(&self.history).iter().map(ToString::to_string).collect(),
        })
    }
}

/// `count` samples `G(z)` for `z` drawn from `seed`, as 8-bit-rounded pixels `[count, 28, 28]`.
pub fn generate_pixels(
    generator: &Generator,
    latent: usize,
    count: usize,
    seed: u64,
    device: &Device,
) -> Result<Vec<f32>, String> {
    decode_to_pixels(standard_normal_codes(count, latent, seed, device), |z| generate(generator, z))
}

/// The latest checkpoint's generator of a DCGAN run, on its device.
pub fn load_run_generator(run: &OpenRun<DcganConfig>) -> Result<(u64, Generator), String> {
    let (step, blobs) = run.latest_checkpoint()?;
    Ok((step, load_generator(&run.config, &blobs, &run.device)?))
}

/// Generates `count` images, scores them against the test set, draws the samples and
/// interpolation figures into the run's `samples/`.
pub fn eval(
    run: &OpenRun<DcganConfig>,
    data: Dataset,
    count: usize,
    ctx: &Context,
) -> Result<Vec<(String, f64)>, String> {
    if count < 2 {
        return Err("--limit must be at least 2 (FCD fits a covariance)".into());
    }
    let (config, seed, device) = (&run.config, run.seed(), &run.device);
    let (step, generator) = load_run_generator(run)?;
    eprintln!("generating {count} images from the checkpoint at step {step}");
    let pixels = generate_pixels(&generator, config.latent, count, sample_seed(seed), device)?;
    let scorer = Scorer::new(ctx, &data, RealSplit::Test, count, device)?;
    let mut entries = scorer.score_and_print(&pixels, &data.class_names)?;
    entries.push(("checkpoint_step".to_string(), step as f64));
    for figure in
        [sample_grid(&generator, config.latent, device), interpolation_figure(&generator, config.latent, 8, device)]
    {
        let path = write_figure(&run.dir.samples_dir(), "eval-", figure)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(entries)
}
