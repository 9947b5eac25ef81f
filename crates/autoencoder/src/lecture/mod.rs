//! The autoencoder lecture's wiring: Fashion-MNIST through the shared loop, its evaluation, its
//! demo plan, bench and course entry, and its code space offered to other lectures' evaluations.
//! (The model modules beside this one do no file IO; this module reads data and writes figures.)

mod course;
mod eval;

use std::path::Path;
use std::sync::Arc;

use atelier_core::course::CourseEntry;
use atelier_data::{DataSource, Dataset};
use atelier_derive::Params;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Companion, CompanionFlag, Context, DemoPlan, Found, LatentPaths, Lecture,
    OpenRun, Preset, fashion, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{ImageSource, Outcome, Session, TrainConfig, TrainError, fit};
use burn::prelude::*;

use crate::figures::morph_codes;
use crate::step::load_model;
use crate::{Autoencoder, AutoencoderConfig, AutoencoderExperiment};

/// The lecture, as the registry lists it.
pub const LECTURE: AutoencoderLecture = AutoencoderLecture;

pub struct AutoencoderLecture;

/// The flags of `eval autoencoder`.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {
    /// Also evaluate denoising at this input noise σ [default: the run's σ for a denoising model].
    #[param]
    pub noise_sigma: Option<f64>,
}

impl Lecture for AutoencoderLecture {
    type Config = AutoencoderConfig;
    type Source = DataSource;
    type Data = Dataset;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "autoencoder";

    fn about(&self) -> About {
        About {
            train: "The convolutional autoencoder (plain, denoising or sparse).",
            eval: "Test MSE and PSNR beside PCA at the same k (+ denoising gain), figures.",
            data: None,
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<AutoencoderConfig>> {
        vec![Preset::default(AutoencoderConfig::default())]
    }

    fn training(&self, config: &AutoencoderConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &AutoencoderConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, _config: &AutoencoderConfig, data_dir: Option<&Path>) -> Result<Found<DataSource>, String> {
        fashion::locate(data_dir)
    }

    fn load(
        &self,
        source: DataSource,
        _config: &mut AutoencoderConfig,
        _train: &TrainConfig,
    ) -> Result<Dataset, String> {
        fashion::load(source)
    }

    fn train(
        &self,
        config: &AutoencoderConfig,
        session: &Session,
        data: Dataset,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        let device = &session.device;
        session.seed_device_for_init();
        let experiment = AutoencoderExperiment::new(config.clone(), device);
        let train = ImageSource::new(Arc::new(data.train), session.config.train_limit);
        let valid = ImageSource::new(Arc::new(data.test), None);
        fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
    }

    fn eval(
        &self,
        run: &OpenRun<AutoencoderConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        _ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        if let Some(sigma) = args.noise_sigma
            && !(sigma >= 0.0 && sigma.is_finite())
        {
            return Err(format!("--noise-sigma must be ≥ 0 (got {sigma})"));
        }
        eval::eval(run, fashion::load_dir(data_dir)?, args.noise_sigma)
    }

    fn companions(&self) -> Vec<CompanionFlag> {
        vec![CompanionFlag {
            kind: Companion::LatentPaths,
            flag: "autoencoder-run",
            help: "A trained autoencoder run whose straight path between two codes is drawn beside the interpolations.",
        }]
    }

    fn latent_paths(&self, run: &OpenRun<AutoencoderConfig>) -> Option<Result<Box<dyn LatentPaths>, String>> {
        let loaded = run.latest_checkpoint().and_then(|(_, blobs)| load_model(&run.config, &blobs, &run.device));
        Some(loaded.map(|model| Box::new(CodePath(model)) as Box<dyn LatentPaths>))
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "the k = 32 autoencoder on 60,000 images, then PSNR beside PCA, morphing and the latent scatter",
            budget: Budget::Images(60_000),
            train_flags: &["--latent", "32"],
            eval_flags: &[],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        Some(BenchPlan::images("The reference autoencoder step.", |_, request: &BenchRequest, device: &Device| {
            let device = device.clone().autodiff();
            seed_device_for_init(&device, 0);
            let data = atelier_data::load(None).map_err(|e| e.to_string())?;
            let source = ImageSource::new(Arc::new(data.train), None);
            let experiment = AutoencoderExperiment::new(AutoencoderConfig::default(), &device);
            let throughput = time_steps(experiment, &device, &source, request)?;
            Ok(vec![throughput.row("autoencoder", request.batch_size)])
        }))
    }
}

/// A trained autoencoder's straight path between two codes.
struct CodePath(Autoencoder);

impl LatentPaths for CodePath {
    fn label(&self) -> String {
        LECTURE_ID.to_string()
    }

    fn path(&self, a: Tensor<4>, b: Tensor<4>, steps: usize) -> Tensor<4> {
        let codes = self.0.encoder.forward(Tensor::cat(vec![a, b], 0)); // [2, k]
        let path = morph_codes(codes.clone().narrow(0, 0, 1), codes.narrow(0, 1, 1), steps); // [steps, k]
        self.0.decoder.forward(path) // [steps, 1, 28, 28]
    }
}

const LECTURE_ID: &str = <AutoencoderLecture as Lecture>::ID;
