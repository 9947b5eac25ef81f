//! The image-to-image lecture's wiring: a task's pairs through the shared loop, the evaluation
//! beside the identity baseline, `translate` on a user's own images, its test translations offered
//! to other translation lectures as their paired upper bound, its demo plan, bench and course
//! entry. (The model modules beside this one do no file IO.)

mod course;
mod data;
mod eval;
mod train;
mod translate;

use std::path::Path;
use std::sync::Arc;

use atelier_core::course::CourseEntry;
use atelier_data::translation::{EDGES_TO_GARMENTS, TWITTER_TO_GOOGLE};
use atelier_derive::Params;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Companion, CompanionFlag, Context, DemoPlan, Found, InAll, Lecture,
    OpenRun, PairedTranslations, Preset, SharedVerb, Translate, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{Outcome, PairSource, Session, TrainConfig, TrainError};
use burn::prelude::*;

use crate::{Pix2PixConfig, Pix2PixExperiment, TranslationTask, load_generator};
use data::{TranslationData, TranslationSource};

/// The lecture, as the registry lists it.
pub const LECTURE: Pix2pixLecture = Pix2pixLecture;

pub struct Pix2pixLecture;

/// `eval pix2pix` has no flags of its own.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {}

impl Lecture for Pix2pixLecture {
    type Config = Pix2PixConfig;
    type Source = TranslationSource;
    type Data = TranslationData;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "pix2pix";

    fn about(&self) -> About {
        About {
            train: "The image-to-image lecture's pix2pix (U-Net + PatchGAN + λ·L1; --gan-weight 0: the L1-only U-Net).",
            eval: "Translate the held-out pairs: L1, PSNR, SSIM beside the identity baseline, and the task's measures.",
            data: Some(
                "Data folder: an emoji folder (emoji tasks), Fashion-MNIST (edges2fashion) or a paired folder of your \
                 own (--task folder: train/ and test/ of pairs); see --task.",
            ),
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<Pix2PixConfig>> {
        let default = TranslationTask::TwitterToGoogle;
        let others = TranslationTask::ALL.into_iter().filter(|t| *t != default);
        std::iter::once(Preset::default(Pix2PixConfig::for_task(default)))
            .chain(others.map(|task| Preset::selected_by("task", task.name(), Pix2PixConfig::for_task(task))))
            .collect()
    }

    fn training(&self, config: &Pix2PixConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &Pix2PixConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, config: &Pix2PixConfig, data_dir: Option<&Path>) -> Result<Found<TranslationSource>, String> {
        let source = data::locate(config, data_dir)?;
        Ok(Found { record: source.record(config)?, description: source.to_string(), source })
    }

    fn load(
        &self,
        source: TranslationSource,
        config: &mut Pix2PixConfig,
        train: &TrainConfig,
    ) -> Result<TranslationData, String> {
        source.load(config, train.train_limit)
    }

    fn train(
        &self,
        config: &Pix2PixConfig,
        session: &Session,
        data: TranslationData,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        train::train(config, session, data)
    }

    fn eval(
        &self,
        run: &OpenRun<Pix2PixConfig>,
        _args: &EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let data = data::locate(&run.config, data_dir)?.load(&run.config, None)?;
        eval::eval(run, data, ctx)
    }

    fn shares(&self) -> &'static [SharedVerb] {
        &[SharedVerb::Translate]
    }

    fn translator(
        &self,
        run: &OpenRun<Pix2PixConfig>,
        direction: Option<&str>,
    ) -> Option<Result<Box<dyn Translate>, String>> {
        if direction.is_some() {
            return Some(Err("--direction: a pix2pix run translates one way (its task's)".into()));
        }
        let loaded = run.latest_checkpoint().and_then(|(step, blobs)| {
            let generator = load_generator(&run.config, &blobs, &run.device)?;
            let described = format!("with {} ({}) at step {step}", run.dir.path().display(), run.config.task.name());
            let translator =
                translate::Translator { generator, config: run.config.clone(), device: run.device.clone(), described };
            Ok(Box::new(translator) as Box<dyn Translate>)
        });
        Some(loaded)
    }

    fn companions(&self) -> Vec<CompanionFlag> {
        vec![CompanionFlag {
            kind: Companion::PairedTranslations,
            flag: "pix2pix",
            help: "A pix2pix run on the same emoji (twitter-to-google) or garments (edges2fashion): its X → Y row, \
                   the paired upper bound.",
        }]
    }

    fn paired_translations(
        &self,
        run: &OpenRun<Pix2PixConfig>,
        data_dir: Option<&Path>,
    ) -> Option<Result<PairedTranslations, String>> {
        Some(paired_translations(run, data_dir))
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "pix2pix translating Twitter emoji into Google's style, 2,560 pairs, then L1 / PSNR / SSIM beside \
                      the identity and FCD / looks-like-Google",
            budget: Budget::EmojiPairs(2_560),
            train_flags: &["--task", "twitter-to-google"],
            eval_flags: &[],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        let about = "One pix2pix iteration (one D step + one G step) on Twitter→Google emoji pairs, 64×64 (PyTorch's \
                     reference was measured at --batch-size 32).";
        let plan = BenchPlan::images(about, |_, request: &BenchRequest, device: &Device| {
            let device = device.clone().autodiff();
            seed_device_for_init(&device, 0);
            let source = PairSource::new(Arc::new(data::embedded_bench_pairs()?), None);
            let experiment = Pix2PixExperiment::new(Pix2PixConfig::default(), &device);
            Ok(vec![
                time_steps(experiment, &device, &source, request)?.row("pix2pix (1 D + 1 G step)", request.batch_size),
            ])
        })
        // 64×64 colour pairs, ~20 images/s on two cores: the reference's batch, a few steps.
        .in_all(InAll { batch_size: Some(32), max_steps: Some(10), flags: &[] });
        Some(plan)
    }
}

/// The run's translations of its own task's test pairs, found through `data_dir` or the usual
/// search order.
fn paired_translations(run: &OpenRun<Pix2PixConfig>, data_dir: Option<&Path>) -> Result<PairedTranslations, String> {
    let config = &run.config;
    let test = data::locate(config, data_dir)?.load(config, None)?.test;
    let (step, blobs) = run.latest_checkpoint()?;
    let generator = load_generator(config, &blobs, &run.device)?;
    let outputs = eval::translate_set(&generator, &test, &run.device)?;
    let translation = match config.task {
        TranslationTask::TwitterToGoogle => Some(TWITTER_TO_GOOGLE),
        TranslationTask::Edges2fashion => Some(EDGES_TO_GARMENTS),
        _ => None,
    };
    Ok(PairedTranslations {
        label: format!("pix2pix, paired ({}, step {step})", run.name()),
        translation,
        task: config.task.name(),
        size: config.size,
        names: test.names,
        outputs,
    })
}
