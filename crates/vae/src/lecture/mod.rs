//! The VAE lecture's wiring: Fashion-MNIST through the shared loop, its evaluation, samples for
//! `sample vae`, its demo plan, bench and course entry. (The model modules beside this one do no
//! file IO; this module reads data and writes figures.)

mod course;
mod eval;

use std::path::Path;
use std::sync::Arc;

use atelier_core::course::CourseEntry;
use atelier_data::{DataSource, Dataset};
use atelier_derive::Params;
use atelier_layers::latent::standard_normal_codes;
use atelier_lecture::figures::{decode_to_pixels, sample_seed};
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Companion, Context, DemoPlan, Found, Lecture, OpenRun, Preset, Sample,
    SharedVerb, fashion, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{ImageSource, Outcome, Session, TrainConfig, TrainError, fit};
use burn::prelude::*;

use crate::step::load_model;
use crate::{Vae, VaeConfig, VaeExperiment};

/// The lecture, as the registry lists it.
pub const LECTURE: VaeLecture = VaeLecture;

pub struct VaeLecture;

/// The flags of `eval vae`.
#[derive(Debug, Params)]
pub struct EvalArgs {
    /// Importance samples K per image for the log-likelihood estimate.
    #[param(value_name = "K")]
    pub is_samples: usize,
    /// Test images scored by importance sampling (each costs K decodes; 0 = all).
    #[param(value_name = "N")]
    pub is_images: usize,
}

impl Default for EvalArgs {
    fn default() -> Self {
        Self { is_samples: 1000, is_images: 1000 }
    }
}

impl Lecture for VaeLecture {
    type Config = VaeConfig;
    type Source = DataSource;
    type Data = Dataset;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "vae";

    fn about(&self) -> About {
        About {
            train: "The variational autoencoder (Bernoulli likelihood on binarised pixels by default).",
            eval: "Test −ELBO, importance-sampled NLL, samples, traversals, interpolations.",
            data: None,
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<VaeConfig>> {
        vec![Preset::default(VaeConfig::default())]
    }

    fn training(&self, config: &VaeConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &VaeConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, _config: &VaeConfig, data_dir: Option<&Path>) -> Result<Found<DataSource>, String> {
        fashion::locate(data_dir)
    }

    fn load(&self, source: DataSource, _config: &mut VaeConfig, _train: &TrainConfig) -> Result<Dataset, String> {
        fashion::load(source)
    }

    fn train(
        &self,
        config: &VaeConfig,
        session: &Session,
        data: Dataset,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        let device = &session.device;
        session.seed_device_for_init();
        let experiment = VaeExperiment::new(config.clone(), device);
        let train = ImageSource::new(Arc::new(data.train), session.config.train_limit);
        let valid = ImageSource::new(Arc::new(data.test), None);
        fit(experiment, &train, &valid, session).map(|(_, outcome)| outcome)
    }

    fn eval(
        &self,
        run: &OpenRun<VaeConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let companion =
            ctx.companion(Companion::LatentPaths).map(|path| ctx.latent_paths(path, &run.device)).transpose()?;
        let options = eval::EvalOptions {
            is_samples: args.is_samples,
            is_images: (args.is_images > 0).then_some(args.is_images),
            companion,
            companion_flag: ctx.companion_flag(Companion::LatentPaths),
        };
        eval::eval(run, fashion::load_dir(data_dir)?, &options)
    }

    fn accepts(&self) -> &'static [Companion] {
        &[Companion::LatentPaths]
    }

    fn shares(&self) -> &'static [SharedVerb] {
        &[SharedVerb::Sample]
    }

    fn sampler(&self, run: &OpenRun<VaeConfig>) -> Option<Result<Box<dyn Sample>, String>> {
        let loaded = run.latest_checkpoint().and_then(|(step, blobs)| {
            let model = load_model(&run.config, &blobs, &run.device)?;
            Ok(Box::new(Decoded { model, latent: run.config.latent, step, device: run.device.clone() })
                as Box<dyn Sample>)
        });
        Some(loaded)
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "the k = 32 VAE on 60,000 images, then −ELBO, a small importance-sampled NLL, samples and traversals",
            budget: Budget::Images(60_000),
            train_flags: &["--latent", "32"],
            eval_flags: &["--is-samples", "100", "--is-images", "200"],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        Some(BenchPlan::images("The VAE step.", |_, request: &BenchRequest, device: &Device| {
            let device = device.clone().autodiff();
            seed_device_for_init(&device, 0);
            let data = atelier_data::load(None).map_err(|e| e.to_string())?;
            let source = ImageSource::new(Arc::new(data.train), None);
            let experiment = VaeExperiment::new(VaeConfig::default(), &device);
            Ok(vec![time_steps(experiment, &device, &source, request)?.row("vae", request.batch_size)])
        }))
    }
}

/// `sample vae`: the decoder's mean image for `z ~ N(0, I)`.
struct Decoded {
    model: Vae,
    latent: usize,
    step: u64,
    device: Device,
}

impl Sample for Decoded {
    fn step(&self) -> u64 {
        self.step
    }

    fn sample(&self, count: usize, seed: u64) -> Result<Vec<f32>, String> {
        let z = standard_normal_codes(count, self.latent, sample_seed(seed), &self.device); // [count, k]
        decode_to_pixels(z, |z| self.model.decoder.mean_image(z))
    }
}
