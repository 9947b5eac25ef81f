//! The GAN lecture's wiring: Fashion-MNIST through the shared loop (the frozen evaluator scoring
//! samples as it goes), the evaluation of a run's samples, `sample dcgan`, its demo plan, bench and
//! course entry. (The model modules beside this one do no file IO.)

mod course;
mod run;

use std::path::Path;
use std::sync::Arc;

use atelier_core::course::CourseEntry;
use atelier_data::{DataSource, Dataset};
use atelier_derive::Params;
use atelier_evaluation::DEFAULT_LIMIT;
use atelier_lecture::figures::sample_seed;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Context, DemoPlan, Found, Lecture, OpenRun, Preset, Sample, SharedVerb,
    fashion, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{ImageSource, Outcome, Session, TrainConfig, TrainError};
use burn::prelude::*;

use crate::{DcganConfig, DcganExperiment, Generator};

/// The lecture, as the registry lists it.
pub const LECTURE: DcganLecture = DcganLecture;

pub struct DcganLecture;

/// The flags of `eval dcgan`.
#[derive(Debug, Params)]
pub struct EvalArgs {
    /// Generate N images and compare them with at most N test images.
    #[param(value_name = "N")]
    pub limit: usize,
}

impl Default for EvalArgs {
    fn default() -> Self {
        Self { limit: DEFAULT_LIMIT }
    }
}

impl Lecture for DcganLecture {
    type Config = DcganConfig;
    type Source = DataSource;
    type Data = Dataset;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "dcgan";

    fn about(&self) -> About {
        About {
            train: "The GAN lecture's DCGAN (Algorithm 1; minimax or non-saturating generator loss).",
            eval: "Generate images and score them like `eval images`.",
            data: None,
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<DcganConfig>> {
        vec![Preset::default(DcganConfig::default()).costing("≈ 1 h 35 min on 2 CPU cores with the full data")]
    }

    fn training(&self, config: &DcganConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &DcganConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, _config: &DcganConfig, data_dir: Option<&Path>) -> Result<Found<DataSource>, String> {
        fashion::locate(data_dir)
    }

    fn load(&self, source: DataSource, _config: &mut DcganConfig, _train: &TrainConfig) -> Result<Dataset, String> {
        fashion::load(source)
    }

    fn train(
        &self,
        config: &DcganConfig,
        session: &Session,
        data: Dataset,
        ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        run::train(config, session, data, ctx)
    }

    fn eval(
        &self,
        run: &OpenRun<DcganConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        run::eval(run, fashion::load_dir(data_dir)?, args.limit, ctx)
    }

    fn shares(&self) -> &'static [SharedVerb] {
        &[SharedVerb::Sample]
    }

    fn sampler(&self, run: &OpenRun<DcganConfig>) -> Option<Result<Box<dyn Sample>, String>> {
        let loaded = run::load_run_generator(run).map(|(step, generator)| {
            Box::new(Generated { generator, latent: run.config.latent, step, device: run.device.clone() })
                as Box<dyn Sample>
        });
        Some(loaded)
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "DCGAN for 200 iterations (25,600 images), scored every 100, then FCD / IS / coverage of 2,000 \
                      samples",
            budget: Budget::Images(25_600),
            train_flags: &["--score-every", "100", "--score-images", "500"],
            eval_flags: &["--limit", "2000"],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        Some(BenchPlan::images(
            "One DCGAN iteration (one D step + one G step).",
            |_, request: &BenchRequest, device| {
                let device = device.clone().autodiff();
                seed_device_for_init(&device, 0);
                let data = atelier_data::load(None).map_err(|e| e.to_string())?;
                let source = ImageSource::new(Arc::new(data.train), None);
                let experiment = DcganExperiment::new(DcganConfig::default(), &device);
                Ok(vec![
                    time_steps(experiment, &device, &source, request)?
                        .row("dcgan (1 D + 1 G step)", request.batch_size),
                ])
            },
        ))
    }
}

/// `sample dcgan`: `G(z)` for `z ~ N(0, I)`.
struct Generated {
    generator: Generator,
    latent: usize,
    step: u64,
    device: Device,
}

impl Sample for Generated {
    fn step(&self) -> u64 {
        self.step
    }

    fn sample(&self, count: usize, seed: u64) -> Result<Vec<f32>, String> {
        run::generate_pixels(&self.generator, self.latent, count, sample_seed(seed), &self.device)
    }
}
