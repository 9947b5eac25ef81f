//! The segmentation lecture's wiring: scenes (or a mask folder of the user's) through the shared
//! loop, the evaluation of one run or several side by side, `segment` on a user's own images, its
//! demo plan, bench and course entry. (The model modules beside this one do no file IO.)

mod course;
mod data;
mod eval;
mod scenes;
mod segment;
mod train;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use atelier_core::course::CourseEntry;
use atelier_derive::Params;
use atelier_lecture::{
    About, BenchPlan, BenchRequest, Budget, Context, DemoPlan, Found, InAll, Lecture, LectureCommand, OpenRun, Preset,
    Verb, time_steps,
};
use atelier_train::seed::seed_device_for_init;
use atelier_train::{Outcome, Session, TrainConfig, TrainError};
use burn::prelude::*;

use crate::{Architecture, MaskSource, SegmentationConfig, SegmentationExperiment};
use data::{SegmentationData, SegmentationSource};

/// The lecture, as the registry lists it.
pub const LECTURE: SegmentationLecture = SegmentationLecture;
const ID: &str = <SegmentationLecture as Lecture>::ID;

pub struct SegmentationLecture;

/// The flags of `eval segmentation`.
#[derive(Debug, Default, Params)]
pub struct EvalArgs {
    /// Other segmentation runs on the same task to put in the same table and picture (repeat the flag).
    #[param(value_name = "RUN_DIR")]
    pub compare: Vec<PathBuf>,
}

impl Lecture for SegmentationLecture {
    type Config = SegmentationConfig;
    type Source = SegmentationSource;
    type Data = SegmentationData;
    type EvalArgs = EvalArgs;

    const ID: &'static str = "segmentation";

    fn about(&self) -> About {
        About {
            train: "The segmentation lecture: FCN or U-Net, a class for every pixel (Fashion-MNIST scenes or your \
                    folder).",
            eval: "Segment the test images: mIoU, per-class IoU, pixel and boundary accuracy, confusion heatmap; \
                   --compare adds other runs (FCN vs U-Net) to the same table and picture.",
            data: Some(
                "Data folder: Fashion-MNIST (fashion-scenes are made from its garments), an emoji folder \
                 (emoji-scenes) or, with --task folder, a folder of images/ + masks/ + classes.txt (training data; its \
                 test/ subfolder, if any, is the test set).",
            ),
        }
    }

    fn course(&self) -> Option<CourseEntry> {
        Some(course::entry())
    }

    fn presets(&self) -> Vec<Preset<SegmentationConfig>> {
        let cost = "< 30 min for U-Net on 2 CPU cores: 12,000 scenes at 7–8 images/s";
        vec![Preset::default(SegmentationConfig::default()).costing(cost)]
    }

    fn training(&self, config: &SegmentationConfig) -> TrainConfig {
        config.training()
    }

    fn validate(&self, config: &SegmentationConfig) -> Result<(), String> {
        config.validate()
    }

    fn locate(
        &self,
        config: &SegmentationConfig,
        data_dir: Option<&Path>,
    ) -> Result<Found<SegmentationSource>, String> {
        let source = data::locate(config, data_dir)?;
        Ok(Found { record: source.record()?, description: source.to_string(), source })
    }

    /// The scenes or the folder, with the classes and channels they decide written into the config.
    fn load(
        &self,
        source: SegmentationSource,
        config: &mut SegmentationConfig,
        _train: &TrainConfig,
    ) -> Result<SegmentationData, String> {
        let data = source.load(config)?;
        data::fit_config_to_data(config, &data)?;
        Ok(data)
    }

    fn train(
        &self,
        config: &SegmentationConfig,
        session: &Session,
        data: SegmentationData,
        _ctx: &Context,
    ) -> Result<Outcome, TrainError> {
        train::train(config, session, data)
    }

    fn eval(
        &self,
        run: &OpenRun<SegmentationConfig>,
        args: &EvalArgs,
        data_dir: Option<&Path>,
        _ctx: &Context,
    ) -> Result<Vec<(String, f64)>, String> {
        let data = data::locate(&run.config, data_dir)?.load(&run.config)?;
        eval::eval(run, data, &args.compare)
    }

    fn verbs(&self) -> Vec<Verb<Self>> {
        vec![Verb::new(
            "segment",
            "Segment a folder of your own images with a trained segmentation run (masks and overlays out).",
            segment::run,
        )]
    }

    fn commands(&self) -> Vec<LectureCommand<Self>> {
        vec![LectureCommand::new(
            "scenes",
            "Write Fashion-MNIST scenes (1–4 garments on a 64×64 canvas, a label per pixel) as a mask folder: \
             images/, masks/, classes.txt and preview.png.",
            scenes::run,
        )]
    }

    fn demo(&self) -> Option<DemoPlan> {
        Some(DemoPlan {
            summary: "U-Net segmenting scenes of Fashion-MNIST garments, 2,000 scenes, then mIoU, pixel and boundary \
                      accuracy on 200 test scenes",
            // The scenes are made from the garments: the budget counts scenes (≤ the training images).
            // 2,000 (was 640 before the faster build; one epoch of the embedded set): mIoU 0.17 against
            // 0.11 there (docs/demo.md), ~80 s more.
            budget: Budget::Images(2_000),
            train_flags: &["--task", "fashion-scenes", "--model", "unet", "--test-scenes", "200"],
            eval_flags: &[],
        })
    }

    fn bench(&self) -> Option<BenchPlan<Self>> {
        let about = "One Adam step of the FCN and of U-Net on 64×64 Fashion scenes, 11 classes (PyTorch's reference \
                     was measured at --batch-size 32).";
        let plan = BenchPlan::images(about, |_, request: &BenchRequest, device: &Device| {
            let scenes = Arc::new(data::bench_scenes()?);
            Architecture::ALL
                .into_iter()
                .map(|architecture| {
                    let device = device.clone().autodiff();
                    seed_device_for_init(&device, 0);
                    let config = SegmentationConfig { architecture, ..Default::default() };
                    let source = MaskSource::new(scenes.clone(), None);
                    let experiment = SegmentationExperiment::new(config, None, &device);
                    let label = format!("segmentation ({})", architecture.name());
                    Ok(time_steps(experiment, &device, &source, request)?.row(label, request.batch_size))
                })
                .collect()
        })
        // 64×64 scenes, ~7 images/s: the reference's batch, a few steps; `bench all` keeps U-Net's row.
        .in_all(InAll { batch_size: Some(32), max_steps: Some(10), flags: &[] });
        Some(plan)
    }
}
