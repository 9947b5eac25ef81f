//! The style lecture's wiring: its images (a textures folder, any image file, or the embedded
//! copies), the synthesis through the shared loop, the evaluation beside the baselines, its demo
//! plan and course entry. (The model modules beside this one do no file IO.)

mod course;
pub mod data;
mod fast_run;
pub mod imported;
mod judges;
mod networks;
mod run;
mod sweep;

use std::path::Path;

use atelier_core::course::CourseEntry;
use atelier_derive::Params;
use atelier_lecture::{About, Budget, Context, DemoPlan, Found, Lecture, LectureCommand, OpenRun, Preset, Verb};
use atelier_train::{Outcome, Session, TrainConfig, TrainError};

use crate::config::{StyleConfig, StyleTask};
use data::{StyleImages, StyleSource};

pub use networks::feature_net;
pub use run::image_tensor;

/// The lecture, as the registry lists it.
pub const LECTURE: StyleLecture = StyleLecture;

pub struct StyleLecture;

/// The flags of `eval neural-style` (none beyond the run).
#[derive(Debug, Default, Params)]
pub struct EvalArgs {}

impl Lecture for StyleLecture {
    type Config = StyleConfig;
    type Source = StyleSource;
    type Data = StyleImages;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "neural-style";

    fn about(&self) -> About {
        About {
            train: "The style lecture: texture synthesis and style transfer by matching Gram matrices of a \
                    frozen network's features (Gatys et al.), optimising the pixels.",
            eval: "Measure the synthesis beside noise and Heeger–Bergen: style distance on a held-out network, \
                   pixel and pyramid-band histograms.",
            data: Some(
                "Folder of the style and content images named by --style and --content, or `embedded` for the copies \
                 compiled in (brick, grass, gravel, chelsea, coffee) [default: ./data/textures (cargo xtask data \
                 fetch textures), else the embedded copies]",
            ),
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<StyleConfig>> {
        vec![
            Preset::default(StyleConfig::for_task(StyleTask::Texture)),
            Preset::selected_by("task", "transfer", StyleConfig::for_task(StyleTask::Transfer)),
            Preset::selected_by("task", "fast", StyleConfig::for_task(StyleTask::Fast)),
        ]
    }

    fn training(&self, config: &StyleConfig) -> TrainConfig {
        config.training()
    }

    /// A synthesis optimises one image: an epoch is 50 steps on it; only the stylizer has batches.
    fn validate_loop(&self, config: &StyleConfig, train: &TrainConfig) -> Result<(), String> {
        if config.feeds_forward() {
            return Ok(());
        }
        let one_image = "a synthesis optimises one image (an epoch is 50 steps on it); --task fast trains on batches";
        if train.batch_size != 1 {
            return Err(format!("--batch-size {}: {one_image}", train.batch_size));
        }
        if train.train_limit.is_some() || train.valid_limit.is_some() {
            return Err(format!("--train-limit and --valid-limit: {one_image}"));
        }
        Ok(())
    }

    fn validate(&self, config: &StyleConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(&self, config: &StyleConfig, data_dir: Option<&Path>) -> Result<Found<StyleSource>, String> {
        data::locate(config, data_dir)
    }

    fn load(&self, source: StyleSource, config: &mut StyleConfig, _train: &TrainConfig) -> Result<StyleImages, String> {
        let images = data::load(source, config.size)?;
        config.channels = if config.task == StyleTask::Texture && images.style.is_grey() { 1 } else { 3 };
        Ok(images)
    }

    fn train(
        &self,
        config: &StyleConfig,
        session: &Session,
        data: StyleImages,
        ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        match config.task {
            StyleTask::Fast => fast_run::train(config, session, data, ctx),
            StyleTask::Texture | StyleTask::Transfer => run::train(config, session, data, ctx),
        }
    }

    fn eval(
        &self,
        run: &OpenRun<StyleConfig>,
        _args: &EvalArgs,
        data_dir: Option<&Path>,
        ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let found = data::locate(&run.config, run.data_dir(data_dir).as_deref())?;
        let images = data::load(found.source, run.config.size)?;
        match run.config.task {
            StyleTask::Fast => fast_run::eval(run, images, ctx),
            StyleTask::Texture | StyleTask::Transfer => run::eval(run, images, ctx),
        }
    }

    fn commands(&self) -> Vec<LectureCommand<Self>> {
        vec![LectureCommand::new(
            "sweep",
            "Style transfer once per style weight β (α = 1): the α/β trade-off as a strip of pictures and sweep.json.",
            sweep::run,
        )]
    }

    fn verbs(&self) -> Vec<Verb<Self>> {
        vec![Verb::new(
            "stylize",
            "Stylize a folder of your own images with a trained stylizer (a --task fast run), one pass each.",
            fast_run::stylize,
        )]
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "texture synthesis of the embedded brick with the colour evaluator's features, 200 steps, \
                      measured beside noise and Heeger–Bergen on a held-out network",
            budget: Budget::Epochs(4),
            train_flags: &[],
            eval_flags: &[],
        })
    }
}
